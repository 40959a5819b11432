% # One labelled field whose name is a settings path; the schema's doc as a hint, the error beside it.
% # After a refused save ``typed`` gives back what the owner typed; the field in error takes the focus.
% # ``options`` [(value, label)] makes it a select, ``check`` a checkbox; else a text (or numeric) input.
% # ``hint`` replaces the schema's doc where that is written for JSON, not for the owner.
% mine = bool(error_at) and (error_at == path or error_at.startswith(path + '[') or error_at.startswith(path + '.'))
% flag = ' aria-invalid="true" autofocus' if mine else ''
% if get('check'):
<label class="check{{' has-error' if mine else ''}}"><input type="checkbox" name="{{path}}"{{!' checked' if (typed.ticked(path, value) if get('typed') else value) else ''}}{{!flag}}> {{label}}
  % if mine:
  <span class="field-error">{{error}}</span>
  % end
</label>
% else:
% shown = typed(path, value) if get('typed') else value
% shown = '' if shown is None else str(shown)
<label class="{{'has-error' if mine else ''}}">{{label}}
  % if get('options') is not None:
  <select name="{{path}}"{{!flag}}>
    % for opt_value, opt_label in options:
    <option value="{{opt_value}}"{{!' selected' if opt_value == shown else ''}}>{{opt_label}}</option>
    % end
  </select>
  % else:
  <input name="{{path}}" value="{{shown}}"{{!' type="number" step="any"' if get('numeric') else ''}}{{!flag}}>
  % end
  % if mine:
  <span class="field-error">{{error}}</span>
  % end
  % if get('hint'):
  <small class="hint">{{hint}}</small>
  % elif not get('nohelp'):
  <small class="hint">{{help(path)}}</small>
  % end
</label>
% end

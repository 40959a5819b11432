% # One labelled input whose name is a settings path; the schema's doc as a hint, the error beside it.
% mine = bool(error_at) and (error_at == path or error_at.startswith(path + '[') or error_at.startswith(path + '.'))
<label class="{{'has-error' if mine else ''}}">{{label}}
  <input name="{{path}}" value="{{'' if value is None else value}}"{{!' type="number" step="any"' if get('numeric') else ''}}>
  % if mine:
  <span class="field-error">{{error}}</span>
  % end
  % if not get('nohelp'):
  <small class="hint">{{help(path)}}</small>
  % end
</label>

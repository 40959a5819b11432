% rebase('layout.tpl', title=_('Voice menu'))
% # After a refused save every field shows what was typed (``typed``); the field in error says why and takes the focus.
% bad = lambda name: bool(error_at) and error_at == name
% flag = lambda name: ' aria-invalid="true" autofocus' if bad(name) else ''
% from html import escape
% why = lambda name: '<span class="field-error">%s</span>' % escape(error) if bad(name) else ''
<form method="post" action="/menu" id="menu-form">
<input type="hidden" name="csrf" value="{{csrf}}">
<section class="card stack">
  <h2>{{_('For every call')}}</h2>
  <label>{{_('Greeting prompt')}} <input name="menu.greeting" value="{{typed('menu.greeting', menu['greeting'])}}"{{!flag('menu.greeting')}}>{{!why('menu.greeting')}}</label>
  <label>{{_('Seconds to wait for a key')}} <input name="menu.timeout_s" type="number" step="any" value="{{typed('menu.timeout_s', menu['timeout_s'])}}"{{!flag('menu.timeout_s')}}>{{!why('menu.timeout_s')}}</label>
  <label>{{_('Tries before the fallback')}} <input name="menu.max_tries" type="number" value="{{typed('menu.max_tries', menu['max_tries'])}}"{{!flag('menu.max_tries')}}>{{!why('menu.max_tries')}}</label>
  <label>{{_('Fallback, after the last try')}}
    <select name="menu.fallback"{{!flag('menu.fallback.queue')}}>
      % fb = typed('menu.fallback', choice_of(menu['fallback']))
      % for q in queues:
      <option value="queue:{{q}}" {{'selected' if fb == 'queue:' + q else ''}}>{{_('Wait in queue {queue}').format(queue=q)}}</option>
      % end
      <option value="goodbye" {{'selected' if fb == 'goodbye' else ''}}>{{_('Say goodbye and hang up')}}</option>
    </select>{{!why('menu.fallback.queue')}}</label>
</section>
% for n in nodes:
% nid = n['id']
<section class="card stack menu-node" id="node-{{nid}}">
  <h2>{{n['label']}}</h2>
  <label>{{_('Prompt that lists the options')}} <input name="{{nid}}.prompt" value="{{typed(nid + '.prompt', n['node']['prompt'])}}"{{!flag(nid + '.prompt')}}>{{!why(nid + '.prompt')}}</label>
  <div class="pair">
    <label>{{_('Key timeout here (s, blank: as above)')}} <input name="{{nid}}.timeout_s" type="number" step="any" value="{{typed(nid + '.timeout_s', n['node'].get('timeout_s', ''))}}"{{!flag(nid + '.timeout_s')}}>{{!why(nid + '.timeout_s')}}</label>
    <label>{{_('Tries here (blank: as above)')}} <input name="{{nid}}.max_tries" type="number" value="{{typed(nid + '.max_tries', n['node'].get('max_tries', ''))}}"{{!flag(nid + '.max_tries')}}>{{!why(nid + '.max_tries')}}</label>
  </div>
  <table class="rows options">
    <tr><th>{{_('Key')}}</th><th>{{_('What it does')}}</th><th>{{_('Prompt (message or new submenu)')}}</th></tr>
    % rows = n['options'] + [('', None, '')]
    % for i, (key, action, cid) in enumerate(rows):
    % f = '%s.opt.%d.' % (nid, i)
    % chosen = typed(f + 'do', choice_of(action) if action else '')
    % row = '%s, %s' % (n['label'], _('option {n}').format(n=i + 1) if i < len(rows) - 1 else _('new option'))
    <tr>
      <td><input name="{{f}}key" value="{{typed(f + 'key', key)}}" maxlength="1" size="2" class="key"{{!flag(f + 'key')}} aria-label="{{_('{row}: key').format(row=row)}}">{{!why(f + 'key')}}</td>
      <td><label class="bare"><span class="sr-only">{{_('{row}: what it does').format(row=row)}}</span><select name="{{f}}do"{{!flag(f + 'do')}}>
        % for value, label in choices:
        <option value="{{value}}" {{'selected' if value == chosen else ''}}>{{_(label)}}</option>
        % end
      </select>{{!why(f + 'do')}}</label>
      <input type="hidden" name="{{f}}child" value="{{cid}}"></td>
      <td><input name="{{f}}arg" value="{{typed(f + 'arg', action.get('prompt', '') if action else '')}}" placeholder="{{_('prompt name')}}"{{!flag(f + 'arg')}} aria-label="{{_('{row}: prompt').format(row=row)}}">{{!why(f + 'arg')}}</td>
    </tr>
    % end
  </table>
  <p class="hint">{{_('To add an option, fill in the empty last row. To remove one, choose “nothing”. A new submenu starts with * = back; its own options appear after saving.')}}</p>
</section>
% end
<div class="actions"><button class="primary" id="save-menu">{{_('Save voice menu')}}</button></div>
</form>

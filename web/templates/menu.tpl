% rebase('layout.tpl', title='Voice menu')
<form method="post" action="/menu" id="menu-form">
<input type="hidden" name="csrf" value="{{csrf}}">
<section class="card stack">
  <h2>For every call</h2>
  <label>Greeting prompt <input name="menu.greeting" value="{{menu['greeting']}}"></label>
  <label>Seconds to wait for a key <input name="menu.timeout_s" type="number" step="any" value="{{menu['timeout_s']}}"></label>
  <label>Tries before the fallback <input name="menu.max_tries" type="number" value="{{menu['max_tries']}}"></label>
  <label>Fallback, after the last try
    <select name="menu.fallback">
      % fb = choice_of(menu['fallback'])
      % for q in queues:
      <option value="queue:{{q}}" {{'selected' if fb == 'queue:' + q else ''}}>Wait in queue {{q}}</option>
      % end
      <option value="goodbye" {{'selected' if fb == 'goodbye' else ''}}>Say goodbye and hang up</option>
    </select></label>
</section>
% for n in nodes:
<section class="card stack menu-node" id="node-{{n['id']}}">
  <h2>{{n['label']}}</h2>
  <label>Prompt that lists the options <input name="{{n['id']}}.prompt" value="{{n['node']['prompt']}}"></label>
  <div class="pair">
    <label>Key timeout here (s, blank: as above) <input name="{{n['id']}}.timeout_s" type="number" step="any" value="{{n['node'].get('timeout_s', '')}}"></label>
    <label>Tries here (blank: as above) <input name="{{n['id']}}.max_tries" type="number" value="{{n['node'].get('max_tries', '')}}"></label>
  </div>
  <table class="rows options">
    <tr><th>Key</th><th>What it does</th><th>Prompt (message or new submenu)</th></tr>
    % rows = n['options'] + [('', None, '')]
    % for i, (key, action, cid) in enumerate(rows):
    % chosen = choice_of(action) if action else ''
    <tr>
      <td><input name="{{n['id']}}.opt.{{i}}.key" value="{{key}}" maxlength="1" size="2" class="key"></td>
      <td><select name="{{n['id']}}.opt.{{i}}.do">
        % for value, label in choices:
        <option value="{{value}}" {{'selected' if value == chosen else ''}}>{{label}}</option>
        % end
      </select>
      <input type="hidden" name="{{n['id']}}.opt.{{i}}.child" value="{{cid}}"></td>
      <td><input name="{{n['id']}}.opt.{{i}}.arg" value="{{action.get('prompt', '') if action else ''}}" placeholder="prompt name"></td>
    </tr>
    % end
  </table>
  <p class="hint">To add an option, fill in the empty last row. To remove one, choose “nothing”.
  A new submenu starts with * = back; its own options appear after saving.</p>
</section>
% end
<div class="actions"><button class="primary" id="save-menu">Save voice menu</button></div>
</form>

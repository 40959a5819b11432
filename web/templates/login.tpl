% rebase('layout.tpl', title=_('Log in'))
<form method="post" action="/login" class="card narrow">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <label>{{_('Password')}} <input type="password" name="password" id="password" autocomplete="current-password" required autofocus></label>
  <button class="primary" id="login">{{_('Log in')}}</button>
  <p class="hint">{{!_("Forgotten the password? A technician can reset it; see the owner's guide (docs/web.md).")}}</p>
</form>

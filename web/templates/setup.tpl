% rebase('layout.tpl', title='Welcome: set your password')
<form method="post" action="/setup" class="card narrow">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <p>This is the first start. Type the <b>setup code</b> that the appliance printed on its console
  and in its log, then choose the password for this page.</p>
  <label>Setup code <input name="code" id="code" autocomplete="off" required autofocus></label>
  <label>New password (at least 8 characters) <input type="password" name="password" id="password" autocomplete="new-password" required minlength="8"></label>
  <label>New password again <input type="password" name="repeat" id="repeat" autocomplete="new-password" required minlength="8"></label>
  <button class="primary" id="setup">Set password</button>
</form>

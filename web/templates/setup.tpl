% rebase('layout.tpl', title=_('Welcome: set your password'))
<form method="post" action="/setup" class="card narrow">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <p>{{!_('This is the first start. Type the <b>setup code</b> that the appliance printed on its console and in its log, then choose the password for this page.')}}</p>
  % if get('certificate'):
  <p id="certificate-check">{{!_("This page is encrypted with the appliance's own certificate. If your browser warned you about it, check that the certificate it shows has this fingerprint (the console's <code>net</code> shows it too):")}} <code class="fingerprint" id="certificate">{{certificate}}</code></p>
  % end
  <label>{{_('Setup code')}} <input name="code" id="code" autocomplete="off" required autofocus></label>
  <label>{{_('New password (at least 8 characters)')}} <input type="password" name="password" id="password" autocomplete="new-password" required minlength="8"></label>
  <label>{{_('New password again')}} <input type="password" name="repeat" id="repeat" autocomplete="new-password" required minlength="8"></label>
  <button class="primary" id="setup">{{_('Set password')}}</button>
</form>

% rebase('layout.tpl', title=_('Sorry'))
<div class="card narrow">
  <p>{{message}}</p>
  <p><a href="/">{{_('Back to the dashboard')}}</a></p>
</div>

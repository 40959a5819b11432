% rebase('layout.tpl', title='Sorry')
<div class="card narrow">
  <p>{{message}}</p>
  <p><a href="/">Back to the dashboard</a></p>
</div>

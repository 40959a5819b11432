% rebase('layout.tpl', title='Dashboard', refresh=10, script='live.js')
<div id="live" data-src="/live">
% include('dashboard_live.tpl')
</div>

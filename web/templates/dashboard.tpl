% rebase('layout.tpl', title='Dashboard', refresh=10, script='live.js')
<link rel="stylesheet" href="/static/reports.css">
<div id="live" data-src="/live">
% include('dashboard_live.tpl')
</div>

% rebase('layout.tpl', title=_('Dashboard'), refresh=10, script='live.js')
<link rel="stylesheet" href="/static/reports.css">
% # What changed (a caller waiting, an operator's state) is said here, politely and briefly.
<p id="said" class="sr-only" aria-live="polite"></p>
<div id="live" data-src="/live">
% include('dashboard_live.tpl')
</div>

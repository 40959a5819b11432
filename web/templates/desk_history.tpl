% shown = call or target
% if shown and shown.get('caller'):
<div class="grid">
<section class="card">
  <h2>{{_('Last calls from this number') if call else _('Your last call: {who}').format(who=who)}}</h2>
  % if not recent:
  <p class="quiet">{{_('No other calls from {number}.').format(number=shown['caller'])}}</p>
  % else:
  <table class="rows" id="recent">
    <tr><th>{{_('Started (UTC)')}}</th><th>{{_('Outcome')}}</th><th>{{_('Operator')}}</th><th>{{_('Notes')}}</th></tr>
    % for r in recent:
    <tr><td><a href="/calls/{{r['id']}}">{{r['started_at'][:10]}} {{r['started_at'][11:16]}}</a></td>
      <td><span class="pill {{r.get('outcome') or ''}}">{{_((r.get('outcome') or 'live').replace('_', ' '))}}</span></td>
      <td>{{r.get('operator') or ''}}</td><td>{{r['notes'] or ''}}</td></tr>
    % end
  </table>
  % end
</section>
<section class="card">
  <h2>{{_('Callbacks owed')}}</h2>
  % if not callbacks:
  <p class="quiet">{{_('None open for this number.')}}</p>
  % else:
  <table class="rows" id="open-callbacks">
    <tr><th>{{_('Asked (UTC)')}}</th><th>{{_('Call back on')}}</th><th>{{_('Queue')}}</th></tr>
    % for r in callbacks:
    <tr><td><a href="/calls/{{r['id']}}">{{r['started_at'][:10]}} {{r['started_at'][11:16]}}</a></td>
      <td>{{r.get('callback_number') or ''}}</td><td>{{r.get('queue') or ''}}</td></tr>
    % end
  </table>
  % end
</section>
</div>
% end
% if snap is not None:
<p class="quiet updated">{{_('Updated {time} UTC').format(time=snap['now'][11:19])}}</p>
% end

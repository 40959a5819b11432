% shown = call or target
% if shown and shown.get('caller'):
<div class="grid">
<section class="card">
  <h2>{{'Last calls from this number' if call else 'Your last call: ' + who}}</h2>
  % if not recent:
  <p class="quiet">No other calls from {{shown['caller']}}.</p>
  % else:
  <table class="rows" id="recent">
    <tr><th>Started (UTC)</th><th>Outcome</th><th>Operator</th><th>Notes</th></tr>
    % for r in recent:
    <tr><td><a href="/calls/{{r['id']}}">{{r['started_at'][:10]}} {{r['started_at'][11:16]}}</a></td>
      <td><span class="pill {{r.get('outcome') or ''}}">{{(r.get('outcome') or 'live').replace('_', ' ')}}</span></td>
      <td>{{r.get('operator') or ''}}</td><td>{{r['notes'] or ''}}</td></tr>
    % end
  </table>
  % end
</section>
<section class="card">
  <h2>Callbacks owed</h2>
  % if not callbacks:
  <p class="quiet">None open for this number.</p>
  % else:
  <table class="rows" id="open-callbacks">
    <tr><th>Asked (UTC)</th><th>Call back on</th><th>Queue</th></tr>
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
<p class="quiet updated">Updated {{snap['now'][11:19]}} UTC</p>
% end

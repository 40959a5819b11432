% rebase('layout.tpl', title='Calls')
<form method="get" action="/calls" class="card filters">
  <label>From <input type="date" name="since" value="{{form['since']}}"></label>
  <label>To <input type="date" name="until" value="{{form['until']}}"></label>
  <label>Number <input name="number" value="{{form['number']}}" inputmode="tel"></label>
  <label>Operator <select name="operator"><option value="">any</option>
    % for o in operators:
    <option {{'selected' if o == form['operator'] else ''}}>{{o}}</option>
    % end
  </select></label>
  <label>Queue <select name="queue"><option value="">any</option>
    % for q in queues:
    <option {{'selected' if q == form['queue'] else ''}}>{{q}}</option>
    % end
  </select></label>
  <label>Outcome <select name="outcome"><option value="">any</option>
    % for o in outcomes:
    <option {{'selected' if o == form['outcome'] else ''}}>{{o}}</option>
    % end
  </select></label>
  <div class="actions"><button class="primary">Show</button> <a href="/calls">Clear</a>
    <a class="button" id="csv" href="/calls.csv?{{query}}">Export CSV</a></div>
</form>
<p class="quiet">{{total}} call{{'' if total == 1 else 's'}}, newest first. Dates and times are the office's ({{zone}}).</p>
<div class="scroll">
<table class="rows" id="calls">
  <tr><th>Started ({{zone}})</th><th>Caller</th><th>Queue</th><th>Operator</th><th>Wait</th><th>Talk</th><th>Outcome</th></tr>
  % for c in calls:
  <tr><td><a href="/calls/{{c['id']}}">{{when(c['started_at'])}}</a></td>
    <td>{{c.get('caller') or 'withheld'}}{{' ↩' if c.get('direction') == 'callback' else ''}}</td>
    <td>{{c.get('queue') or ''}}</td><td>{{c.get('operator') or ''}}</td>
    <td>{{duration(c.get('wait_s'))}}</td><td>{{duration(c.get('talk_s'))}}</td>
    <td><span class="pill {{c.get('outcome') or ''}}">{{(c.get('outcome') or 'live').replace('_', ' ')}}</span></td></tr>
  % end
</table>
</div>
% if pages > 1:
<nav class="pager">
  % if page > 1:
  <a href="/calls?{{query}}&page={{page - 1}}">‹ Newer</a>
  % end
  <span>Page {{page}} of {{pages}}</span>
  % if page < pages:
  <a href="/calls?{{query}}&page={{page + 1}}" id="older">Older ›</a>
  % end
</nav>
% end

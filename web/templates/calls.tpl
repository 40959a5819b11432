% rebase('layout.tpl', title=_('Calls'))
<form method="get" action="/calls" class="card filters">
  <label>{{_('From')}} <input type="date" name="since" value="{{form['since']}}"></label>
  <label>{{_('To')}} <input type="date" name="until" value="{{form['until']}}"></label>
  <label>{{_('Number')}} <input name="number" value="{{form['number']}}" inputmode="tel"></label>
  <label>{{_('Operator')}} <select name="operator"><option value="">{{_('any')}}</option>
    % for o in operators:
    <option {{'selected' if o == form['operator'] else ''}}>{{o}}</option>
    % end
  </select></label>
  <label>{{_('Queue')}} <select name="queue"><option value="">{{_('any')}}</option>
    % for q in queues:
    <option {{'selected' if q == form['queue'] else ''}}>{{q}}</option>
    % end
  </select></label>
  <label>{{_('Outcome')}} <select name="outcome"><option value="">{{_('any')}}</option>
    % for o in outcomes:
    <option value="{{o}}" {{'selected' if o == form['outcome'] else ''}}>{{_(o)}}</option>
    % end
  </select></label>
  <div class="actions"><button class="primary">{{_('Show')}}</button> <a href="/calls">{{_('Clear')}}</a>
    <a class="button" id="csv" href="/calls.csv?{{query}}">{{_('Export CSV')}}</a></div>
</form>
<p class="quiet">{{!(_("{n} call, newest first. Dates and times are the office's ({zone}).") if total == 1 else _("{n} calls, newest first. Dates and times are the office's ({zone}).")).format(n=total, zone=esc(zone))}}</p>
<div class="scroll">
<table class="rows" id="calls">
  <tr><th>{{_('Started ({zone})').format(zone=zone)}}</th><th>{{_('Caller')}}</th><th>{{_('Queue')}}</th><th>{{_('Operator')}}</th><th>{{_('Wait')}}</th><th>{{_('Talk')}}</th><th>{{_('Outcome')}}</th></tr>
  % for c in calls:
  <tr><td><a href="/calls/{{c['id']}}">{{when(c['started_at'])}}</a></td>
    <td>{{c.get('caller') or _('withheld')}}{{' ↩' if c.get('direction') == 'callback' else ''}}</td>
    <td>{{c.get('queue') or ''}}</td><td>{{c.get('operator') or ''}}</td>
    <td>{{duration(c.get('wait_s'))}}</td><td>{{duration(c.get('talk_s'))}}</td>
    <td><span class="pill {{c.get('outcome') or ''}}">{{_((c.get('outcome') or 'live').replace('_', ' '))}}</span></td></tr>
  % end
</table>
</div>
% if pages > 1:
<nav class="pager">
  % if page > 1:
  <a href="/calls?{{query}}&page={{page - 1}}">{{_('‹ Newer')}}</a>
  % end
  <span>{{_('Page {page} of {pages}').format(page=page, pages=pages)}}</span>
  % if page < pages:
  <a href="/calls?{{query}}&page={{page + 1}}" id="older">{{_('Older ›')}}</a>
  % end
</nav>
% end

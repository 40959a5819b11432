% rebase('layout.tpl', title=_('Reports'))
<link rel="stylesheet" href="/static/reports.css">
% pct = lambda v: '-' if v is None else '%.0f%%' % (v * 100)
<form method="get" action="/reports" class="card filters">
  <label>{{_('From')}} <input type="date" name="since" value="{{since}}"></label>
  <label>{{_('To')}} <input type="date" name="until" value="{{until}}"></label>
  <div class="actions"><button class="primary" id="show">{{_('Show')}}</button>
  % for key, label in presets:
    <a href="/reports?preset={{key}}">{{_(label)}}</a>
  % end
  </div>
  <p class="hint">{{!_('Days, hours and "today" are in the office\'s time zone, {zone}.').format(zone=esc(zone))}}</p>
</form>
% if figures:
% f = figures
% ab = f['abandon']
<section class="figures">
  <div class="figure"><span id="calls-total">{{f['calls']}}</span>{{_('calls')}}</div>
  <div class="figure"><span>{{f['outcomes']['answered'] + f['outcomes']['callback_answered']}}</span>{{_('answered')}}</div>
  <div class="figure"><span id="service-level">{{pct(f['service_level']['share'])}}</span>{{_('answered within {seconds} s').format(seconds='%g' % f['service_level']['target_s'])}}</div>
  <div class="figure"><span id="asa">{{duration(f['asa']['average_s'])}}</span>{{_('average speed of answer')}}</div>
  <div class="figure"><span id="abandon-rate">{{pct(ab['rate'])}}</span>{{_('gave up in the queue')}}</div>
  <div class="figure"><span id="aht">{{duration(f['handle']['average_handle_s'])}}</span>{{_('average handle time')}}</div>
  <div class="figure"><span>{{duration(f['wait']['average_s'])}}</span>{{_('average wait')}}</div>
  <div class="figure"><span>{{duration(f['wait']['longest_s'])}}</span>{{_('longest wait')}}</div>
</section>
<div class="charts">
<section class="card">{{!hours_svg}}<p class="csv"><a href="/reports.csv?table=hours&amp;{{period_query}}">CSV</a></p></section>
<section class="card">{{!days_svg}}<p class="csv"><a href="/reports.csv?table=days&amp;{{period_query}}">CSV</a></p></section>
</div>
<div class="grid tables">
% for key, wide in (('outcomes', False), ('summary', False), ('queues', True), ('operators', True)):
% t = tables[key]
<section class="card report-table{{' wide' if wide else ''}}">
  <h2>{{_(t.title)}} <a class="csv" href="/reports.csv?table={{key}}&amp;{{period_query}}" id="csv-{{key}}">CSV</a></h2>
  <div class="scroll" tabindex="0" role="region" aria-label="{{_(t.title)}}">
  <table class="rows" id="{{ {'queues': 'per-queue', 'operators': 'per-operator'}.get(key, key) }}">
    <tr>
    % for index, (heading, kind) in enumerate(t.columns):
      <th{{!' class="num"' if index and kind != 'text' else ''}}>{{_(heading)}}</th>
    % end
    </tr>
    % for r, row in enumerate(t.rows):
    <tr{{!' class="%s"' % t.marks[r] if t.marks[r] else ''}}>
      % for c, value in enumerate(row):
      % kind = t.kind(r, c)
      <td{{!' class="num"' if c and kind != 'text' else ''}}>{{_(shown(value, kind)) if kind == 'text' else shown(value, kind)}}{{' ⚠' if t.marks[r] == 'flagged' and c == len(row) - 1 else ''}}</td>
      % end
    </tr>
    % end
  </table>
  </div>
  % if t.hint:
  <p class="hint">{{_(t.hint)}}</p>
  % end
</section>
% end
% if operator_svgs:
<section class="card wide">
  <h2>{{!_("Each operator's work")}} <a class="csv" href="/reports.csv?table=operator-days&amp;{{period_query}}">{{_('CSV by day')}}</a> <a class="csv" href="/reports.csv?table=operator-hours&amp;{{period_query}}">{{_('CSV by hour')}}</a></h2>
  <p class="hint">{{!_("Calls each operator took, by the office's date and by its hour of the day ({zone}).").format(zone=esc(zone))}}</p>
  <div class="operator-charts" id="operator-charts">
  % for name, by_day, by_hour in operator_svgs:
    <div class="operator-chart">{{!by_day}}</div>
    <div class="operator-chart">{{!by_hour}}</div>
  % end
  </div>
</section>
% end
</div>
% end

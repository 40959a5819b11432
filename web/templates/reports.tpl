% rebase('layout.tpl', title='Reports')
% pct = lambda v: '-' if v is None else '%.0f%%' % (v * 100)
<form method="get" action="/reports" class="card filters">
  <label>From <input type="date" name="since" value="{{since}}"></label>
  <label>To <input type="date" name="until" value="{{until}}"></label>
  <div class="actions"><button class="primary" id="show">Show</button>
  % for key, label in presets:
    <a href="/reports?preset={{key}}">{{label}}</a>
  % end
  </div>
  <p class="hint">Days, hours and "today" are in the office's time zone, {{zone}}.</p>
</form>
% if figures:
% f = figures
% ab = f['abandon']
<section class="figures">
  <div class="figure"><span id="calls-total">{{f['calls']}}</span>calls</div>
  <div class="figure"><span>{{f['outcomes']['answered'] + f['outcomes']['callback_answered']}}</span>answered</div>
  <div class="figure"><span id="service-level">{{pct(f['service_level']['share'])}}</span>answered within {{'%g' % f['service_level']['target_s']}} s</div>
  <div class="figure"><span id="asa">{{duration(f['asa']['average_s'])}}</span>average speed of answer</div>
  <div class="figure"><span id="abandon-rate">{{pct(ab['rate'])}}</span>gave up in the queue</div>
  <div class="figure"><span id="aht">{{duration(f['handle']['average_handle_s'])}}</span>average handle time</div>
  <div class="figure"><span>{{duration(f['wait']['average_s'])}}</span>average wait</div>
  <div class="figure"><span>{{duration(f['wait']['longest_s'])}}</span>longest wait</div>
</section>
<div class="grid">
<section class="card">{{!hours_svg}}</section>
<section class="card">{{!days_svg}}</section>
<section class="card">
  <h2>Outcomes</h2>
  <table class="rows">
    <tr><td>Answered</td><td class="num">{{f['outcomes']['answered']}}</td></tr>
    <tr><td>Self-service (heard a message in the menu, then left)</td><td class="num" id="self-service">{{f['menu']['self_service']}}</td></tr>
    <tr><td>Gave up in the menu</td><td class="num">{{f['menu']['abandoned']}}</td></tr>
    <tr><td>Gave up in the queue</td><td class="num">{{f['outcomes']['abandoned_queue']}}</td></tr>
    <tr><td>&nbsp;&nbsp;of them within {{'%g' % ab['short_abandon_s']}} s (short, not in the rate)</td><td class="num" id="short-abandons">{{ab['short_abandons']}}</td></tr>
    <tr><td>Voicemail</td><td class="num">{{f['outcomes']['voicemail']}}</td></tr>
    <tr><td>Callbacks requested</td><td class="num">{{f['callbacks']['requested']}}</td></tr>
    <tr><td>Callbacks answered</td><td class="num">{{f['callbacks']['answered']}}</td></tr>
    <tr><td>Callbacks failed</td><td class="num">{{f['callbacks']['failed']}}</td></tr>
    <tr><td>Closed / no operators</td><td class="num">{{f['outcomes']['closed']}} / {{f['outcomes']['no_operators']}}</td></tr>
    <tr><td>Transferred calls (transfers)</td><td class="num" id="transfers">{{f['transfers']['calls']}} ({{f['transfers']['count']}})</td></tr>
  </table>
</section>
<section class="card">
  <h2>Handle time (average)</h2>
  <table class="rows">
    <tr><td>Talk</td><td class="num">{{duration(f['handle']['talk_s'])}}</td></tr>
    <tr><td>Hold</td><td class="num">{{duration(f['handle']['hold_s'])}}</td></tr>
    <tr><td>Wrap-up</td><td class="num">{{duration(f['handle']['wrapup_s'])}}</td></tr>
    <tr><th>Handle time (talk + hold + wrap-up)</th><th class="num">{{duration(f['handle']['average_handle_s'])}}</th></tr>
    <tr><td>Ring, before the operator answers (not in handle time)</td><td class="num" id="ring">{{duration(f['handle']['ring_s'])}}</td></tr>
  </table>
  <h2>Callbacks</h2>
  % back = f['callbacks']['time_to_callback']
  <table class="rows">
    <tr><td>Time to callback, average</td><td class="num" id="callback-average">{{duration(back['average_s'])}}</td></tr>
    <tr><td>Time to callback, longest</td><td class="num">{{duration(back['longest_s'])}}</td></tr>
    <tr><td>Requests called back</td><td class="num">{{back['served']}} of {{f['callbacks']['requested']}}</td></tr>
  </table>
</section>
<section class="card wide">
  <h2>Queues</h2>
  <table class="rows" id="per-queue">
    <tr><th>Queue</th><th class="num">Queued</th><th class="num">Answered</th><th class="num">Within {{'%g' % f['service_level']['target_s']}} s</th><th class="num">Service level</th><th class="num">Speed of answer</th><th class="num">Gave up</th><th class="num">Short</th><th class="num">Abandon rate</th></tr>
    % for row in f['per_queue']:
    <tr><td>{{row['queue']}}</td><td class="num">{{row['offered']}}</td><td class="num">{{row['answered']}}</td>
      <td class="num">{{row['answered_within']}}</td><td class="num">{{pct(row['service_level'])}}</td>
      <td class="num">{{duration(row['asa_s'])}}</td><td class="num">{{row['abandoned']}}</td>
      <td class="num">{{row['short_abandons']}}</td><td class="num">{{pct(row['abandon_rate'])}}</td></tr>
    % end
  </table>
</section>
<section class="card wide">
  <h2>Operators</h2>
  <table class="rows" id="per-operator">
    <tr><th>Operator</th><th class="num">Calls taken</th><th class="num">Rings missed</th><th class="num">Talk time</th><th class="num">Busy</th><th class="num">Present</th><th class="num">Occupancy</th><th></th></tr>
    % for row in f['per_operator']:
    <tr class="{{'flagged' if row['flagged'] else ''}}"><td>{{row['operator']}}</td><td class="num">{{row['calls_taken']}}</td>
      <td class="num">{{row['rings_missed']}}</td><td class="num">{{duration(row['talk_s'])}}</td>
      <td class="num">{{duration(row['busy_s'])}}</td><td class="num">{{duration(row['present_s'])}}</td>
      <td class="num">{{pct(row['occupancy'])}}</td>
      <td>{{'⚠ many missed rings' if row['flagged'] else ''}}</td></tr>
    % end
  </table>
  <p class="hint">Busy is talk + hold + wrap-up. Present is from the first ring of the operator's handset to the end of their last wrap-up, each day: the call log does not record log-ins or pauses (docs/reports.md).</p>
</section>
</div>
% end

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
</form>
% if figures:
% f = figures
<section class="figures">
  <div class="figure"><span id="calls-total">{{f['calls']}}</span>calls</div>
  <div class="figure"><span>{{f['outcomes']['answered'] + f['outcomes']['callback_answered']}}</span>answered</div>
  <div class="figure"><span>{{pct(f['service_level']['share'])}}</span>answered within {{'%g' % f['service_level']['target_s']}} s</div>
  <div class="figure"><span>{{duration(f['wait']['average_s'])}}</span>average wait</div>
  <div class="figure"><span>{{duration(f['wait']['longest_s'])}}</span>longest wait</div>
  <div class="figure"><span>{{duration(f['handle']['average_handle_s'])}}</span>average handle time</div>
</section>
<div class="grid">
<section class="card">{{!hours_svg}}</section>
<section class="card">{{!days_svg}}</section>
<section class="card">
  <h2>Outcomes</h2>
  <table class="rows">
    <tr><td>Answered</td><td class="num">{{f['outcomes']['answered']}}</td></tr>
    <tr><td>Gave up in the menu</td><td class="num">{{f['outcomes']['abandoned_menu']}}</td></tr>
    <tr><td>Gave up in the queue</td><td class="num">{{f['outcomes']['abandoned_queue']}}</td></tr>
    <tr><td>Callbacks requested</td><td class="num">{{f['callbacks']['requested']}}</td></tr>
    <tr><td>Callbacks answered</td><td class="num">{{f['callbacks']['answered']}}</td></tr>
    <tr><td>Callbacks failed</td><td class="num">{{f['callbacks']['failed']}}</td></tr>
    <tr><td>Closed / no operators</td><td class="num">{{f['outcomes']['closed']}} / {{f['outcomes']['no_operators']}}</td></tr>
  </table>
</section>
<section class="card">
  <h2>Handle time (average)</h2>
  <table class="rows">
    <tr><td>Ring</td><td class="num">{{duration(f['handle']['ring_s'])}}</td></tr>
    <tr><td>Talk</td><td class="num">{{duration(f['handle']['talk_s'])}}</td></tr>
    <tr><td>Hold</td><td class="num">{{duration(f['handle']['hold_s'])}}</td></tr>
    <tr><td>Wrap-up</td><td class="num">{{duration(f['handle']['wrapup_s'])}}</td></tr>
    <tr><th>Total</th><th class="num">{{duration(f['handle']['average_handle_s'])}}</th></tr>
  </table>
</section>
<section class="card wide">
  <h2>Operators</h2>
  <table class="rows" id="per-operator">
    <tr><th>Operator</th><th class="num">Calls taken</th><th class="num">Rings missed</th><th class="num">Talk time</th><th></th></tr>
    % for row in f['per_operator']:
    <tr class="{{'flagged' if row['flagged'] else ''}}"><td>{{row['operator']}}</td><td class="num">{{row['calls_taken']}}</td>
      <td class="num">{{row['rings_missed']}}</td><td class="num">{{duration(row['talk_s'])}}</td>
      <td>{{'⚠ many missed rings' if row['flagged'] else ''}}</td></tr>
    % end
  </table>
</section>
</div>
% end

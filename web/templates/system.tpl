% rebase('layout.tpl', title='System')
<div class="grid">
<section class="card">
  <h2>Appliance</h2>
  <dl class="facts">
    <dt>Firmware</dt><dd id="version">{{version}}</dd>
    <dt>Running for</dt><dd>{{uptime}}</dd>
    <dt>Disk</dt><dd>{{'%.1f' % disk['free_gb']}} GB free of {{'%.1f' % disk['total_gb']}} GB ({{'%.0f' % (disk['used_share'] * 100)}}% used)</dd>
    <dt>Call log</dt><dd>{{'%.1f' % disk['calllog_mb']}} MB</dd>
  </dl>
</section>
<section class="card">
  <h2>Phone lines</h2>
  <table class="rows" id="system-lines">
    <tr><th>Line</th><th>Driver</th><th>State</th><th>Signal</th><th>Network</th></tr>
    % for l in lines:
    <tr><td>{{l['id']}}</td><td>{{l['driver']}}<br><small>{{l['port']}}</small></td><td>{{l['state']}}</td><td>{{l['signal']}}</td><td>{{l['registration']}}</td></tr>
    % if l['plan'] or l['warning']:
    <tr><td colspan="5"><small>{{l['plan'] or ''}}</small>{{!'<br>' if l['plan'] and l['warning'] else ''}}<span class="bad">{{l['warning'] or ''}}</span></td></tr>
    % end
    % end
  </table>
</section>
<section class="card stack">
  <h2>Settings backup</h2>
  <p><a class="button" href="/system/settings.json" id="backup">Download settings backup</a></p>
  <form method="post" action="/system/restore" enctype="multipart/form-data" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>Restore from a backup file <input type="file" name="backup" accept=".json,application/json" required></label>
    <p class="hint">The whole file is checked first; if anything in it is wrong, nothing changes.</p>
    <button>Restore</button>
  </form>
</section>
<section class="card stack">
  <h2>Change password</h2>
  <form method="post" action="/system/password" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>Current password <input type="password" name="old" autocomplete="current-password" required></label>
    <label>New password (at least 8 characters) <input type="password" name="password" autocomplete="new-password" required minlength="8"></label>
    <label>New password again <input type="password" name="repeat" autocomplete="new-password" required minlength="8"></label>
    <button>Change password</button>
  </form>
</section>
</div>

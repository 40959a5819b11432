% rebase('layout.tpl', title='System')
<div class="grid">
% if restore_confirm:
<section class="card stack" id="restore-confirm">
  <h2>Restore: check before it is applied</h2>
  <p>The backup is valid ({{restore_confirm['summary']}}), but its web page settings would change how you reach this page:</p>
  <ul>
    % for w in restore_confirm['warnings']:
    <li class="bad">{{w}}</li>
    % end
  </ul>
  <p class="hint">Nothing has changed yet. The checked file is kept on the appliance for an hour; you do not need to upload it again.</p>
  <form method="post" action="/system/restore" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="token" value="{{restore_confirm['token']}}">
    <button class="danger" name="confirmed" value="1" id="restore-confirmed">Restore it anyway</button>
    <button name="confirmed" value="0" id="restore-cancel">Cancel</button>
  </form>
</section>
% end
<section class="card">
  <h2>Appliance</h2>
  <dl class="facts">
    <dt>Firmware</dt><dd id="version">{{version}}</dd>
    <dt>Running for</dt><dd>{{uptime}}</dd>
    <dt>Disk</dt><dd>{{'%.1f' % disk['free_gb']}} GB free of {{'%.1f' % disk['total_gb']}} GB ({{'%.0f' % (disk['used_share'] * 100)}}% used)</dd>
    <dt>Call log</dt><dd>{{'%.1f' % disk['calllog_mb']}} MB</dd>
    % if certificate:
    <dt>Certificate</dt><dd><code id="certificate" class="fingerprint">{{certificate}}</code></dd>
    % end
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
  <h2>Backup</h2>
  <form method="get" action="/system/backup.zip" class="stack">
    <p class="hint">One file with the settings, your prompt recordings, the phone book and the call notes.</p>
    <label><input type="checkbox" name="media" value="1"> Also the call recordings and voicemail ({{'%.0f' % media_mb}} MB)</label>
    <button id="full-backup">Download full backup</button>
  </form>
  <p><a href="/system/settings.json" id="backup">Download the settings only</a> (a small JSON file)</p>
  <form method="post" action="/system/restore" enctype="multipart/form-data" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>Restore from a backup file <input type="file" name="backup" accept=".zip,.json,application/zip,application/json" required></label>
    <p class="hint">A full backup (.zip) or a settings backup (.json). The whole file is checked first; if anything in it is wrong, nothing changes. A full backup replaces the settings, prompt recordings, phone book and call notes (and the recordings and voicemail, if it has them) all at once.</p>
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
<section class="card stack" id="audit">
  <h2>Settings changes</h2>
  <p class="hint">The last 50, newest first; times in {{zone}}. Passwords and PINs are never shown.</p>
  % if not changes:
  <p>No settings have been changed yet.</p>
  % else:
  <table class="rows" id="audit-log">
    <tr><th>When</th><th>From</th><th>What changed</th></tr>
    % for c in changes:
    <tr><td>{{c['at']}}</td><td>{{c['who']}}<br><small>{{c['how']}}</small></td><td>
      % for line in c['changes'][:12]:
      <div><code>{{line}}</code></div>
      % end
      % if len(c['changes']) > 12:
      <div><small>and {{len(c['changes']) - 12}} more</small></div>
      % end
    </td></tr>
    % end
  </table>
  % end
</section>
</div>

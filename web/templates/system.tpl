% rebase('layout.tpl', title=_('System'))
<div class="grid">
% if restore_confirm:
<section class="card stack" id="restore-confirm">
  <h2>{{_('Restore: check before it is applied')}}</h2>
  <p>{{_('The backup is valid ({summary}), but its web page settings would change how you reach this page:').format(summary=restore_confirm['summary'])}}</p>
  <ul>
    % for w in restore_confirm['warnings']:
    <li class="bad">{{w}}</li>
    % end
  </ul>
  <p class="hint">{{_('Nothing has changed yet. The checked file is kept on the appliance for an hour; you do not need to upload it again.')}}</p>
  <form method="post" action="/system/restore" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="token" value="{{restore_confirm['token']}}">
    <button class="danger" name="confirmed" value="1" id="restore-confirmed">{{_('Restore it anyway')}}</button>
    <button name="confirmed" value="0" id="restore-cancel">{{_('Cancel')}}</button>
  </form>
</section>
% end
<section class="card">
  <h2>{{_('Appliance')}}</h2>
  <dl class="facts">
    <dt>{{_('Firmware')}}</dt><dd id="version">{{version}}</dd>
    <dt>{{_('Running for')}}</dt><dd>{{uptime}}</dd>
    <dt>{{_('Disk')}}</dt><dd>{{_('{free} GB free of {total} GB ({used}% used)').format(free='%.1f' % disk['free_gb'], total='%.1f' % disk['total_gb'], used='%.0f' % (disk['used_share'] * 100))}}</dd>
    <dt>{{_('Call log')}}</dt><dd>{{'%.1f' % disk['calllog_mb']}} MB</dd>
    % if certificate:
    <dt>{{_('Certificate')}}</dt><dd><code id="certificate" class="fingerprint">{{certificate}}</code></dd>
    % end
  </dl>
</section>
<section class="card">
  <h2>{{_('Phone lines')}}</h2>
  <table class="rows" id="system-lines">
    <tr><th>{{_('Line')}}</th><th>{{_('Driver')}}</th><th>{{_('State')}}</th><th>{{_('Signal')}}</th><th>{{_('Network')}}</th></tr>
    % for l in lines:
    <tr><td>{{l['id']}}</td><td>{{l['driver']}}<br><small>{{l['port']}}</small></td><td>{{l['state']}}</td><td>{{l['signal']}}</td><td>{{l['registration']}}</td></tr>
    % if l['plan'] or l['warning']:
    <tr><td colspan="5"><small>{{l['plan'] or ''}}</small>{{!'<br>' if l['plan'] and l['warning'] else ''}}<span class="bad">{{l['warning'] or ''}}</span></td></tr>
    % end
    % end
  </table>
</section>
<section class="card stack">
  <h2>{{_('Backup')}}</h2>
  <form method="get" action="/system/backup.zip" class="stack">
    <p class="hint">{{_('One file with the settings, your prompt recordings, the phone book and the call notes.')}}</p>
    <label><input type="checkbox" name="media" value="1"> {{_('Also the call recordings and voicemail ({size} MB)').format(size='%.0f' % media_mb)}}</label>
    <button id="full-backup">{{_('Download full backup')}}</button>
  </form>
  <p><a href="/system/settings.json" id="backup">{{_('Download the settings only')}}</a> {{_('(a small JSON file)')}}</p>
  <form method="post" action="/system/restore" enctype="multipart/form-data" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('Restore from a backup file')}} <input type="file" name="backup" accept=".zip,.json,application/zip,application/json" required></label>
    <p class="hint">{{_('A full backup (.zip) or a settings backup (.json). The whole file is checked first; if anything in it is wrong, nothing changes. A full backup replaces the settings, prompt recordings, phone book and call notes (and the recordings and voicemail, if it has them) all at once.')}}</p>
    <button>{{_('Restore')}}</button>
  </form>
</section>
<section class="card stack">
  <h2>{{_('Change password')}}</h2>
  <form method="post" action="/system/password" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('Current password')}} <input type="password" name="old" autocomplete="current-password" required></label>
    <label>{{_('New password (at least 8 characters)')}} <input type="password" name="password" autocomplete="new-password" required minlength="8"></label>
    <label>{{_('New password again')}} <input type="password" name="repeat" autocomplete="new-password" required minlength="8"></label>
    <button>{{_('Change password')}}</button>
  </form>
</section>
<section class="card stack" id="audit">
  <h2>{{_('Settings changes')}}</h2>
  <p class="hint">{{_('The last 50, newest first; times in {zone}. Passwords and PINs are never shown.').format(zone=zone)}}</p>
  % if not changes:
  <p>{{_('No settings have been changed yet.')}}</p>
  % else:
  <table class="rows" id="audit-log">
    <tr><th>{{_('When')}}</th><th>{{_('From')}}</th><th>{{_('What changed')}}</th></tr>
    % for c in changes:
    <tr><td>{{c['at']}}</td><td>{{c['who']}}<br><small>{{c['how']}}</small></td><td>
      % for line in c['changes'][:12]:
      <div><code>{{line}}</code></div>
      % end
      % if len(c['changes']) > 12:
      <div><small>{{_('and {n} more').format(n=len(c['changes']) - 12)}}</small></div>
      % end
    </td></tr>
    % end
  </table>
  % end
</section>
</div>

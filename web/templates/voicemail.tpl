% rebase('layout.tpl', title='Voicemail')
<link rel="stylesheet" href="/static/settings.css">
% if delete_asked:
<form method="post" action="/voicemail/{{delete_asked['id']}}/delete" class="card narrow stack" id="confirm-delete">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="confirm" value="yes">
  <h2>Delete this message?</h2>
  <p>The message from {{delete_asked['caller'] or 'a withheld number'}} left on {{delete_asked['when']}} is deleted from the appliance for good. The call stays in the call log.</p>
  <div class="actions"><button class="danger" id="delete-yes">Delete the message</button> <a href="/voicemail">Keep it</a></div>
</form>
% else:
% if problem:
<p class="notice bad">{{problem}}</p>
% end
<p class="quiet" id="vm-count">{{total}} {{'message' if total == 1 else 'messages'}}, newest first. Times are the office's ({{timezone}}).</p>
% if not messages:
<p class="quiet" id="no-messages">No messages.</p>
% else:
<div class="scroll">
<table class="rows vm" id="messages">
  <tr><th>When</th><th>Caller</th><th>Queue</th><th>Message</th><th><span class="sr-only">Done or delete</span></th></tr>
  % for m in messages:
  <tr class="{{'vm-done' if m['done'] else 'vm-new'}}" id="vm-{{m['id']}}">
    <td>{{m['when']}}<br><span class="pill {{'answered' if m['done'] else 'waiting'}}">{{'Done' if m['done'] else 'New'}}</span></td>
    <td>{{m['who'] or ''}}{{!'<br>' if m['who'] else ''}}{{m['caller'] or 'Withheld number'}}</td>
    <td>{{m['queue'] or ''}}</td>
    <td>
    % if m['exists']:
      <audio controls preload="none" src="/voicemail/{{m['id']}}.wav"></audio>
      <small>{{'%d:%02d' % divmod(int(round(m['seconds'])), 60) if m['seconds'] is not None else ''}}</small>
      <a href="/voicemail/{{m['id']}}/download">Download</a>
    % else:
      <span class="bad">The sound file is no longer on the appliance.</span>
    % end
    </td>
    <td class="vm-actions">
      <form method="post" action="/voicemail/{{m['id']}}/done" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        % if m['done']:
        <input type="hidden" name="undo" value="1">
        <button class="small">Mark as new</button>
        % else:
        <button class="small primary">Mark done</button>
        % end
      </form>
      <form method="post" action="/voicemail/{{m['id']}}/delete" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button class="small danger">Delete…</button>
      </form>
    </td>
  </tr>
  % end
</table>
</div>
% if pages > 1:
<p class="pager">
  % if page > 1:
  <a href="/voicemail?page={{page - 1}}">Newer</a>
  % end
  Page {{page}} of {{pages}}
  % if page < pages:
  <a href="/voicemail?page={{page + 1}}">Older</a>
  % end
</p>
% end
% end
% end

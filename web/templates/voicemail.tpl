% rebase('layout.tpl', title=_('Voicemail'))
<link rel="stylesheet" href="/static/settings.css">
% if delete_asked:
<form method="post" action="/voicemail/{{delete_asked['id']}}/delete" class="card narrow stack" id="confirm-delete">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="confirm" value="yes">
  <h2>{{_('Delete this message?')}}</h2>
  <p>{{_('The message from {caller} left on {when} is deleted from the appliance for good. The call stays in the call log.').format(caller=delete_asked['caller'] or _('a withheld number'), when=delete_asked['when'])}}</p>
  <div class="actions"><button class="danger" id="delete-yes">{{_('Delete the message')}}</button> <a href="/voicemail">{{_('Keep it')}}</a></div>
</form>
% else:
% if problem:
<p class="notice bad">{{problem}}</p>
% end
<p class="quiet" id="vm-count">{{!(_("{n} message, newest first. Times are the office's ({zone}).") if total == 1 else _("{n} messages, newest first. Times are the office's ({zone}).")).format(n=total, zone=esc(timezone))}}</p>
% if not messages:
<p class="quiet" id="no-messages">{{_('No messages.')}}</p>
% else:
<div class="scroll">
<table class="rows vm" id="messages">
  <tr><th>{{_('When')}}</th><th>{{_('Caller')}}</th><th>{{_('Queue')}}</th><th>{{_('Message')}}</th><th><span class="sr-only">{{_('Done or delete')}}</span></th></tr>
  % for m in messages:
  <tr class="{{'vm-done' if m['done'] else 'vm-new'}}" id="vm-{{m['id']}}">
    <td>{{m['when']}}<br><span class="pill {{'answered' if m['done'] else 'waiting'}}">{{_('Done') if m['done'] else _('New')}}</span></td>
    <td>{{m['who'] or ''}}{{!'<br>' if m['who'] else ''}}{{m['caller'] or _('Withheld number')}}</td>
    <td>{{m['queue'] or ''}}</td>
    <td>
    % if m['exists']:
      <audio controls preload="none" src="/voicemail/{{m['id']}}.wav"></audio>
      <small>{{'%d:%02d' % divmod(int(round(m['seconds'])), 60) if m['seconds'] is not None else ''}}</small>
      <a href="/voicemail/{{m['id']}}/download">{{_('Download')}}</a>
    % else:
      <span class="bad">{{_('The sound file is no longer on the appliance.')}}</span>
    % end
    </td>
    <td class="vm-actions">
      <form method="post" action="/voicemail/{{m['id']}}/done" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        % if m['done']:
        <input type="hidden" name="undo" value="1">
        <button class="small">{{_('Mark as new')}}</button>
        % else:
        <button class="small primary">{{_('Mark done')}}</button>
        % end
      </form>
      <form method="post" action="/voicemail/{{m['id']}}/delete" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button class="small danger">{{_('Delete…')}}</button>
      </form>
    </td>
  </tr>
  % end
</table>
</div>
% if pages > 1:
<p class="pager">
  % if page > 1:
  <a href="/voicemail?page={{page - 1}}">{{_('Newer')}}</a>
  % end
  {{_('Page {page} of {pages}').format(page=page, pages=pages)}}
  % if page < pages:
  <a href="/voicemail?page={{page + 1}}">{{_('Older')}}</a>
  % end
</p>
% end
% end
% end

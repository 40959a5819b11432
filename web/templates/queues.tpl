% rebase('layout.tpl', title='Queues')
% if removing:
<section class="card stack" id="remove-queue">
  <h2>Remove queue {{removing}}?</h2>
  % if blockers:
  <p class="notice bad" role="alert">Queue {{removing}} cannot be removed while something still sends callers there:</p>
  <ul>
    % for why in blockers:
    <li>{{why}}</li>
    % end
  </ul>
  <p>Change those first (Voice menu, Operators, or the queue's escalation and overflow below), then remove it.</p>
  <div class="actions"><a class="button" href="/queues">Back to the queues</a></div>
  % else:
  <p>Callers can no longer wait in queue {{removing}}. Anyone waiting there when you remove it
  is moved to the voice menu's fallback queue (or the first queue), keeping their place.
  % if losing:
  It is taken off the queues of {{', '.join(losing)}}.
  % end
  Past calls keep the name in the call log.</p>
  <form method="post" action="/queues/{{removing}}/remove" class="actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="confirmed" value="1">
    <button class="danger strong" id="confirm-remove">Yes, remove queue {{removing}}</button>
    <a href="/queues">Cancel</a>
  </form>
  % end
</section>
% else:
<form method="post" action="/queues" id="queues-form">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
% for name in names:
% q = settings['queues'][name]
% p = 'queues.' + name + '.'
% others = [n for n in names if n != name]
<section class="card stack" id="queue-{{name}}">
  <div class="queue-head"><h2>Queue {{name}}</h2>
    <a class="button small danger" href="/queues/{{name}}/remove">Remove…</a></div>
  % include('field.tpl', path=p + 'name', label='Name (rename: menu keys, operators and other queues follow)', value=name, nohelp=True)
  % include('field.tpl', path=p + 'strategy', label='Who rings next', value=q['strategy'], options=strategies)
  % include('field.tpl', path=p + 'ring_timeout_s', label='Ring each phone for (s)', value=q['ring_timeout_s'], numeric=True)
  % include('field.tpl', path=p + 'wrapup_s', label='Wrap-up after a call (s)', value=q['wrapup_s'], numeric=True)
  % include('field.tpl', path=p + 'autopause_after_missed', label='Pause an operator after missed rings in a row (0: never)', value=q['autopause_after_missed'], numeric=True)
  <h3>What waiting callers hear</h3>
  % include('field.tpl', path=p + 'announce_position', label='Tell callers their place in line', value=q['announce_position'], check=True)
  % include('field.tpl', path=p + 'announce_wait', label='Tell callers the estimated wait', value=q['announce_wait'], check=True)
  % include('field.tpl', path=p + 'announce_every_s', label='Repeat announcements every (s)', value=q['announce_every_s'], numeric=True)
  % include('field.tpl', path=p + 'default_handle_s', label='Assumed length of a call for wait estimates (s)', value=q['default_handle_s'], numeric=True)
  % include('field.tpl', path=p + 'callback_offer_after_s', label='Offer a callback when the wait is over (s; blank: never)', value=q['callback_offer_after_s'], numeric=True)
  <h3>When the wait is long</h3>
  % include('field.tpl', path=p + 'escalate_to', label='Let the operators of another queue help', value=q['escalate_to'] or '', options=[('', 'No')] + [(o, 'Queue ' + o) for o in others], hint='After the wait below, the operators of that queue may take this queue’s callers too; callers keep their place. An operator’s flash + 0 transfers a caller there.')
  % include('field.tpl', path=p + 'escalate_after_s', label='…after a wait of (s; blank with “No”)', value=q['escalate_after_s'], numeric=True)
  % include('field.tpl', path=p + 'max_wait_s', label='Longest wait (s; blank: no limit)', value=q['max_wait_s'], numeric=True)
  % include('field.tpl', path=p + 'overflow', label='Then', value=overflow_value(q['overflow']), options=overflows + [('queue:' + o, 'Move to the head of queue ' + o) for o in others], hint='What happens to a caller who has waited that long (and, with the box below ticked, at once when nobody is there). Moving to another queue puts them at its head.')
  % include('field.tpl', path=p + 'leave_when_empty', label='With no operator present, do not hold callers: do the above (or say goodbye)', value=q['leave_when_empty'], check=True)
</section>
% end
<section class="card stack">
  <h2>Callbacks</h2>
  % include('field.tpl', path='callbacks.max_attempts', label='Dial-back tries', value=settings['callbacks']['max_attempts'], numeric=True)
  % include('field.tpl', path='callbacks.retry_after_s', label='Between tries (s)', value=settings['callbacks']['retry_after_s'], numeric=True)
</section>
</div>
<div class="actions"><button class="primary" id="save-queues">Save queues</button></div>
</form>
<form method="post" action="/queues/add" class="card stack" id="add-queue">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>Add a queue</h2>
  % include('field.tpl', path='new_queue', label='Name (letters, digits, - and _; used in call records and reports)', value='', nohelp=True)
  <p class="hint">A new queue starts with the usual settings. Then give it operators (Operators page) and a key in the voice menu.</p>
  <div class="actions"><button class="primary" id="add-queue-button">Add queue</button></div>
</form>
% end

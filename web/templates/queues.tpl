% rebase('layout.tpl', title=_('Queues'))
% if removing:
<section class="card stack" id="remove-queue">
  <h2>{{_('Remove queue {name}?').format(name=removing)}}</h2>
  % if blockers:
  <p class="notice bad" role="alert">{{_('Queue {name} cannot be removed while something still sends callers there:').format(name=removing)}}</p>
  <ul>
    % for why in blockers:
    <li>{{why}}</li>
    % end
  </ul>
  <p>{{!_("Change those first (Voice menu, Operators, or the queue's escalation and overflow below), then remove it.")}}</p>
  <div class="actions"><a class="button" href="/queues">{{_('Back to the queues')}}</a></div>
  % else:
  <p>{{!_("Callers can no longer wait in queue {name}. Anyone waiting there when you remove it is moved to the voice menu's fallback queue (or the first queue), keeping their place.").format(name=esc(removing))}}
  % if losing:
  {{_('It is taken off the queues of {operators}.').format(operators=', '.join(losing))}}
  % end
  {{_('Past calls keep the name in the call log.')}}</p>
  <form method="post" action="/queues/{{removing}}/remove" class="actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="confirmed" value="1">
    <button class="danger strong" id="confirm-remove">{{_('Yes, remove queue {name}').format(name=removing)}}</button>
    <a href="/queues">{{_('Cancel')}}</a>
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
  <div class="queue-head"><h2>{{_('Queue {name}').format(name=name)}}</h2>
    <a class="button small danger" href="/queues/{{name}}/remove">{{_('Remove…')}}</a></div>
  % include('field.tpl', path=p + 'name', label=_('Name (rename: menu keys, operators and other queues follow)'), value=name, nohelp=True)
  % include('field.tpl', path=p + 'strategy', label=_('Who rings next'), value=q['strategy'], options=[(v, _(t)) for v, t in strategies])
  % include('field.tpl', path=p + 'ring_timeout_s', label=_('Ring each phone for (s)'), value=q['ring_timeout_s'], numeric=True)
  % include('field.tpl', path=p + 'wrapup_s', label=_('Wrap-up after a call (s)'), value=q['wrapup_s'], numeric=True)
  % include('field.tpl', path=p + 'autopause_after_missed', label=_('Pause an operator after missed rings in a row (0: never)'), value=q['autopause_after_missed'], numeric=True)
  % include('field.tpl', path=p + 'service_level_s', label=_('Service-level target (s; blank: the office’s, under Report targets)'), value=q['service_level_s'], numeric=True, hint=_('The Reports page counts a call as in service level when it was answered within this wait.'))
  <h3>{{_('What waiting callers hear')}}</h3>
  % include('field.tpl', path=p + 'announce_position', label=_('Tell callers their place in line'), value=q['announce_position'], check=True)
  % include('field.tpl', path=p + 'announce_wait', label=_('Tell callers the estimated wait'), value=q['announce_wait'], check=True)
  % include('field.tpl', path=p + 'announce_every_s', label=_('Repeat announcements every (s)'), value=q['announce_every_s'], numeric=True)
  % include('field.tpl', path=p + 'default_handle_s', label=_('Assumed length of a call for wait estimates (s)'), value=q['default_handle_s'], numeric=True)
  % include('field.tpl', path=p + 'callback_offer_after_s', label=_('Offer a callback when the wait is over (s; blank: never)'), value=q['callback_offer_after_s'], numeric=True)
  <h3>{{_('When the wait is long')}}</h3>
  % include('field.tpl', path=p + 'escalate_to', label=_('Let the operators of another queue help'), value=q['escalate_to'] or '', options=[('', _('No'))] + [(o, _('Queue {name}').format(name=o)) for o in others], hint=_('After the wait below, the operators of that queue may take this queue’s callers too; callers keep their place. An operator’s flash + 0 transfers a caller there.'))
  % include('field.tpl', path=p + 'escalate_after_s', label=_('…after a wait of (s; blank with “No”)'), value=q['escalate_after_s'], numeric=True)
  % include('field.tpl', path=p + 'max_wait_s', label=_('Longest wait (s; blank: no limit)'), value=q['max_wait_s'], numeric=True)
  % include('field.tpl', path=p + 'overflow', label=_('Then'), value=overflow_value(q['overflow']), options=[(v, _(t)) for v, t in overflows] + [('queue:' + o, _('Move to the head of queue {name}').format(name=o)) for o in others], hint=_('What happens to a caller who has waited that long (and, with the box below ticked, at once when nobody is there). Moving to another queue puts them at its head.'))
  % include('field.tpl', path=p + 'leave_when_empty', label=_('With no operator present, do not hold callers: do the above (or say goodbye)'), value=q['leave_when_empty'], check=True)
</section>
% end
<section class="card stack">
  <h2>{{_('Callbacks')}}</h2>
  % include('field.tpl', path='callbacks.max_attempts', label=_('Dial-back tries'), value=settings['callbacks']['max_attempts'], numeric=True)
  % include('field.tpl', path='callbacks.retry_after_s', label=_('Between tries (s)'), value=settings['callbacks']['retry_after_s'], numeric=True)
  % include('field.tpl', path='callbacks.answer_timeout_s', label=_('Let the customer’s phone ring for (s)'), value=settings['callbacks']['answer_timeout_s'], numeric=True)
  % include('field.tpl', path='callbacks.close_margin_s', label=_('Promise the next working day when closing is nearer than (s)'), value=settings['callbacks']['close_margin_s'], numeric=True)
</section>
<section class="card stack" id="report-targets">
  <h2>{{_('Report targets')}}</h2>
  % include('field.tpl', path='reports.service_level_s', label=_('Service-level target (s), for queues without their own'), value=settings['reports']['service_level_s'], numeric=True)
  % include('field.tpl', path='reports.missed_rings_flag', label=_('Flag an operator with this many missed rings in a report'), value=settings['reports']['missed_rings_flag'], numeric=True)
</section>
</div>
<div class="actions"><button class="primary" id="save-queues">{{_('Save queues')}}</button></div>
</form>
<form method="post" action="/queues/add" class="card stack" id="add-queue">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Add a queue')}}</h2>
  % include('field.tpl', path='new_queue', label=_('Name (letters, digits, - and _; used in call records and reports)'), value='', nohelp=True)
  <p class="hint">{{_('A new queue starts with the usual settings. Then give it operators (Operators page) and a key in the voice menu.')}}</p>
  <div class="actions"><button class="primary" id="add-queue-button">{{_('Add queue')}}</button></div>
</form>
% end

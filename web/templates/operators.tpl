% rebase('layout.tpl', title=_('Operators'))
% beside = lambda path: error if error and (error_at or '').startswith(path) else ''
% flag = lambda path: ' aria-invalid="true" autofocus' if beside(path) else ''
% if removing:
<section class="card stack" id="remove-operator">
  <h2>{{_('Remove {name} ({id})?').format(name=removing['name'], id=removing['id'])}}</h2>
  <p>{{_('{name} will no longer be offered calls, and desk phone {handset} is free for someone else. Past calls keep their name in the call log and the reports. To stop calls for a while instead, edit them and untick “Enabled”, or pause them.').format(name=removing['name'], handset=removing['handset'])}}</p>
  % if get('consequence'):
  <p class="notice warn" role="alert"><strong>{{_('Careful:')}}</strong> {{consequence}}</p>
  % end
  <form method="post" action="/operators/{{removing['id']}}/delete" class="actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="confirmed" value="1">
    <button class="danger strong" id="confirm-remove">{{_('Yes, remove {name}').format(name=removing['name'])}}</button>
    <a href="/operators">{{_('Cancel')}}</a>
  </form>
</section>
% else:
<p class="quiet">{{_('Up to 20 operators, one per desk phone (phones 1 to {count} are fitted).').format(count=count)}}</p>
<div class="grid">
% for i, op in enumerate(operators):
<section class="card">
  % if editing == op['id']:
  % t = edit_typed
  <form method="post" action="/operators/{{op['id']}}" class="stack" id="edit-operator">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h2>{{op['id']}}</h2>
    <label>{{_('Name shown')}} <input name="name" value="{{t('name', op['name'])}}"></label>
    <label>{{_('Desk phone')}} <input name="handset" type="number" min="1" max="{{count}}" value="{{t('handset', op['handset'])}}"{{!flag('operators[%d].handset' % i)}}>
      <span class="field-error">{{beside('operators[%d].handset' % i)}}</span></label>
    <fieldset><legend>{{_('Queues')}} <span class="field-error">{{beside('operators[%d].queues' % i)}}</span></legend>
    % chosen = t.all('queue', op['queues'])
    % for j, q in enumerate(queues):
      <label class="check"><input type="checkbox" name="queue" value="{{q}}" {{'checked' if q in chosen else ''}}{{!flag('operators[%d].queues' % i) if j == 0 else ''}}> {{q}}</label>
    % end
    </fieldset>
    <label class="check"><input type="checkbox" name="enabled" {{'checked' if t.ticked('enabled', op['enabled']) else ''}}> {{_('Enabled (takes calls)')}}</label>
    <label class="check"><input type="checkbox" name="paused" {{'checked' if t.ticked('paused', op['paused']) else ''}}> {{_('Paused (on a break)')}}</label>
    <div class="actions"><button class="primary">{{_('Save')}}</button> <a href="/operators">{{_('Cancel')}}</a></div>
  </form>
  % else:
  <h2 class="op-name">{{op['name']}}</h2>
  <dl class="facts">
    <dt>{{_('Id')}}</dt><dd>{{op['id']}}</dd>
    <dt>{{_('Desk phone')}}</dt><dd>{{op['handset']}}</dd>
    <dt>{{_('Queues')}}</dt><dd>{{', '.join(op['queues'])}}</dd>
    <dt>{{_('Status')}}</dt><dd>{{_('enabled') if op['enabled'] else _('disabled')}}{{_(', paused') if op['paused'] else ''}}</dd>
  </dl>
  <div class="actions">
    <a class="button" href="/operators?edit={{op['id']}}">{{_('Edit')}}</a>
    <form method="post" action="/operators/{{op['id']}}/delete" class="inline">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button class="danger">{{_('Remove…')}}</button>
    </form>
  </div>
  % end
</section>
% end
</div>
% if len(operators) < 20:
% t = add_typed
<form method="post" action="/operators" class="card stack" id="add-operator">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Add an operator')}}</h2>
  % new = 'operators[%d]' % len(operators)
  <label>{{_('Id (letters, digits, - and _; used in reports)')}} <input name="id" id="new-id" value="{{t('id', '')}}" required pattern="[A-Za-z0-9_-]+"{{!flag(new + '.id')}}>
    <span class="field-error">{{beside(new + '.id')}}</span></label>
  <label>{{_('Name shown')}} <input name="name" id="new-name" value="{{t('name', '')}}"{{!flag(new + '.name')}}></label>
  <label>{{_('Desk phone (1 to {count})').format(count=count)}} <input name="handset" id="new-handset" type="number" min="1" max="{{count}}" value="{{t('handset', '')}}" required{{!flag(new + '.handset')}}>
    <span class="field-error">{{beside(new + '.handset')}}</span></label>
  <fieldset><legend>{{_('Queues')}} <span class="field-error">{{beside(new + '.queues')}}</span></legend>
  % chosen = t.all('queue', queues)
  % for j, q in enumerate(queues):
    <label class="check"><input type="checkbox" name="queue" value="{{q}}" {{'checked' if q in chosen else ''}}{{!flag(new + '.queues') if j == 0 else ''}}> {{q}}</label>
  % end
  </fieldset>
  <label class="check"><input type="checkbox" name="enabled" {{'checked' if t.ticked('enabled', True) else ''}}> {{_('Enabled')}}</label>
  <div class="actions"><button class="primary" id="add">{{_('Add operator')}}</button></div>
</form>
% else:
<p class="card quiet">{{_('20 operators: the most the appliance has desk phones for. Remove one to add another.')}}</p>
% end
<form method="post" action="/operators/phones/count" class="card stack" id="phones-form">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Desk phones fitted')}}</h2>
  % include('field.tpl', path='handsets.count', label=_('How many desk phones (handset line cards) are fitted, 1 to 20'), value=count, numeric=True, nohelp=True)
  <p class="hint">{{_('Raise it when you fit another desk phone, so an operator can be given it. It cannot go below a phone an operator has.')}}</p>
  <div class="actions"><button class="primary" id="save-phones">{{_('Save')}}</button></div>
</form>
% end

% rebase('layout.tpl', title='Operators')
% beside = lambda path: error if error and (error_at or '').startswith(path) else ''
<p class="quiet">Up to 20 operators, one per desk phone (phones 1 to {{count}} are fitted).</p>
<div class="grid">
% for i, op in enumerate(operators):
<section class="card">
  % if editing == op['id']:
  <form method="post" action="/operators/{{op['id']}}" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h2>{{op['id']}}</h2>
    <label>Name shown <input name="name" value="{{op['name']}}"></label>
    <label>Desk phone <input name="handset" type="number" min="1" max="{{count}}" value="{{op['handset']}}">
      <span class="field-error">{{beside('operators[%d].handset' % i)}}</span></label>
    <fieldset><legend>Queues <span class="field-error">{{beside('operators[%d].queues' % i)}}</span></legend>
    % for q in queues:
      <label class="check"><input type="checkbox" name="queue" value="{{q}}" {{'checked' if q in op['queues'] else ''}}> {{q}}</label>
    % end
    </fieldset>
    <label class="check"><input type="checkbox" name="enabled" {{'checked' if op['enabled'] else ''}}> Enabled (takes calls)</label>
    <label class="check"><input type="checkbox" name="paused" {{'checked' if op['paused'] else ''}}> Paused (on a break)</label>
    <div class="actions"><button class="primary">Save</button> <a href="/operators">Cancel</a></div>
  </form>
  % else:
  <h2 class="op-name">{{op['name']}}</h2>
  <dl class="facts">
    <dt>Id</dt><dd>{{op['id']}}</dd>
    <dt>Desk phone</dt><dd>{{op['handset']}}</dd>
    <dt>Queues</dt><dd>{{', '.join(op['queues'])}}</dd>
    <dt>Status</dt><dd>{{'enabled' if op['enabled'] else 'disabled'}}{{', paused' if op['paused'] else ''}}</dd>
  </dl>
  <div class="actions">
    <a class="button" href="/operators?edit={{op['id']}}">Edit</a>
    <form method="post" action="/operators/{{op['id']}}/delete" class="inline">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button class="danger">Remove</button>
    </form>
  </div>
  % end
</section>
% end
</div>
% if len(operators) < 20:
<form method="post" action="/operators" class="card stack" id="add-operator">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>Add an operator</h2>
  % new = 'operators[%d]' % len(operators)
  <label>Id (letters, digits, - and _; used in reports) <input name="id" id="new-id" value="{{form.get('id', '')}}" required pattern="[A-Za-z0-9_-]+">
    <span class="field-error">{{beside(new + '.id')}}</span></label>
  <label>Name shown <input name="name" id="new-name" value="{{form.get('name', '')}}"></label>
  <label>Desk phone (1 to {{count}}) <input name="handset" id="new-handset" type="number" min="1" max="{{count}}" value="{{form.get('handset', '')}}" required>
    <span class="field-error">{{beside(new + '.handset')}}</span></label>
  <fieldset><legend>Queues <span class="field-error">{{beside(new + '.queues')}}</span></legend>
  % for q in queues:
    <label class="check"><input type="checkbox" name="queue" value="{{q}}" checked> {{q}}</label>
  % end
  </fieldset>
  <label class="check"><input type="checkbox" name="enabled" checked> Enabled</label>
  <div class="actions"><button class="primary" id="add">Add operator</button></div>
</form>
% end

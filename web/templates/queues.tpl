% rebase('layout.tpl', title='Queues')
<form method="post" action="/queues">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
% for name, q in sorted(settings['queues'].items()):
% p = 'queues.' + name + '.'
<section class="card stack">
  <h2>Queue {{name}}</h2>
  <label>Who rings next
    <select name="{{p}}strategy">
    % for s in strategies:
      <option {{'selected' if s == q['strategy'] else ''}}>{{s}}</option>
    % end
    </select>
    <small class="hint">{{help(p + 'strategy')}}</small></label>
  % include('field.tpl', path=p + 'ring_timeout_s', label='Ring each phone for (s)', value=q['ring_timeout_s'], numeric=True)
  % include('field.tpl', path=p + 'wrapup_s', label='Wrap-up after a call (s)', value=q['wrapup_s'], numeric=True)
  <label class="check"><input type="checkbox" name="{{p}}announce_position" {{'checked' if q['announce_position'] else ''}}> Tell callers their place in line</label>
  <label class="check"><input type="checkbox" name="{{p}}announce_wait" {{'checked' if q['announce_wait'] else ''}}> Tell callers the estimated wait</label>
  % include('field.tpl', path=p + 'announce_every_s', label='Repeat announcements every (s)', value=q['announce_every_s'], numeric=True)
  % include('field.tpl', path=p + 'callback_offer_after_s', label='Offer a callback when the wait is over (s; blank: never)', value=q['callback_offer_after_s'], numeric=True)
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

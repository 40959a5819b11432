% rebase('layout.tpl', title=_('Call {caller}').format(caller=call.get('caller') or _('withheld')))
<div class="grid">
<section class="card">
  <h2>{{_('What happened')}}</h2>
  <p class="hint">{{!_("Times are the office's ({zone}).").format(zone=esc(zone))}}</p>
  <ol class="timeline" id="timeline">
  % for clock, text in steps:
    <li><time>{{clock}}</time> {{text}}</li>
  % end
  </ol>
</section>
<section class="card">
  <h2>{{_('Details')}}</h2>
  <dl class="facts">
    <dt>{{_('Started')}}</dt><dd id="started">{{when(call.get('started_at'))}}</dd>
    <dt>{{_('Ended')}}</dt><dd>{{when(call.get('ended_at')) or _('still going on')}}</dd>
    <dt>{{_('Direction')}}</dt><dd>{{_(call.get('direction'))}}</dd>
    <dt>{{_('Line')}}</dt><dd>{{call.get('line')}}</dd>
    <dt>{{_('Language')}}</dt><dd>{{call.get('language') or '-'}}</dd>
    <dt>{{_('Queue')}}</dt><dd>{{call.get('queue') or '-'}}</dd>
    <dt>{{_('Wait')}}</dt><dd>{{duration(call.get('wait_s'))}}</dd>
    <dt>{{_('Ring / talk / hold / wrap-up')}}</dt><dd>{{duration(call.get('ring_s'))}} / {{duration(call.get('talk_s'))}} / {{duration(call.get('hold_s'))}} / {{duration(call.get('wrapup_s'))}}</dd>
    <dt>{{_('Outcome')}}</dt><dd>{{_(call.get('outcome'))}}</dd>
    % if call.get('parent_id'):
    <dt>{{_('Callback for')}}</dt><dd><a href="/calls/{{call['parent_id']}}">{{_('the original call')}}</a></dd>
    % end
  </dl>
  <h3 id="notes-title">{{_('Notes')}}</h3>
  <form method="post" action="/calls/{{call['id']}}/notes" class="stack" id="call-notes">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <textarea name="notes" id="notes" aria-labelledby="notes-title" rows="3" maxlength="2000">{{call.get('notes') or ''}}</textarea>
    <div class="actions"><button id="save-notes">{{_('Save notes')}}</button></div>
  </form>
  % for kind in ('recording', 'voicemail'):
  % if call.get(kind):
  <h3>{{_('Recording') if kind == 'recording' else _('Voicemail')}}</h3>
  <audio controls preload="none" src="/media/{{call[kind]}}"></audio>
  % end
  % end
</section>
</div>
<p><a href="/calls">{{_('‹ All calls')}}</a></p>

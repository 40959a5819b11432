% rebase('layout.tpl', title='Call ' + (call.get('caller') or 'withheld'))
<div class="grid">
<section class="card">
  <h2>What happened</h2>
  <p class="hint">Times are the office's ({{zone}}).</p>
  <ol class="timeline" id="timeline">
  % for clock, text in steps:
    <li><time>{{clock}}</time> {{text}}</li>
  % end
  </ol>
</section>
<section class="card">
  <h2>Details</h2>
  <dl class="facts">
    <dt>Started</dt><dd id="started">{{when(call.get('started_at'))}}</dd>
    <dt>Ended</dt><dd>{{when(call.get('ended_at')) or 'still going on'}}</dd>
    <dt>Direction</dt><dd>{{call.get('direction')}}</dd>
    <dt>Line</dt><dd>{{call.get('line')}}</dd>
    <dt>Language</dt><dd>{{call.get('language') or '-'}}</dd>
    <dt>Queue</dt><dd>{{call.get('queue') or '-'}}</dd>
    <dt>Wait</dt><dd>{{duration(call.get('wait_s'))}}</dd>
    <dt>Ring / talk / hold / wrap-up</dt><dd>{{duration(call.get('ring_s'))}} / {{duration(call.get('talk_s'))}} / {{duration(call.get('hold_s'))}} / {{duration(call.get('wrapup_s'))}}</dd>
    <dt>Outcome</dt><dd>{{call.get('outcome')}}</dd>
    % if call.get('parent_id'):
    <dt>Callback for</dt><dd><a href="/calls/{{call['parent_id']}}">the original call</a></dd>
    % end
  </dl>
  <h3 id="notes-title">Notes</h3>
  <form method="post" action="/calls/{{call['id']}}/notes" class="stack" id="call-notes">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <textarea name="notes" id="notes" aria-labelledby="notes-title" rows="3" maxlength="2000">{{call.get('notes') or ''}}</textarea>
    <div class="actions"><button id="save-notes">Save notes</button></div>
  </form>
  % for kind in ('recording', 'voicemail'):
  % if call.get(kind):
  <h3>{{kind.capitalize()}}</h3>
  <audio controls preload="none" src="/media/{{call[kind]}}"></audio>
  % end
  % end
</section>
</div>
<p><a href="/calls">‹ All calls</a></p>

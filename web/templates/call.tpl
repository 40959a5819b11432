% rebase('layout.tpl', title='Call ' + (call.get('caller') or 'withheld'))
<div class="grid">
<section class="card">
  <h2>What happened</h2>
  <ol class="timeline" id="timeline">
  % for when, text in steps:
    <li><time>{{when}}</time> {{text}}</li>
  % end
  </ol>
</section>
<section class="card">
  <h2>Details</h2>
  <dl class="facts">
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
  % for kind in ('recording', 'voicemail'):
  % if call.get(kind):
  <h3>{{kind.capitalize()}}</h3>
  <audio controls preload="none" src="/media/{{call[kind]}}"></audio>
  % end
  % end
</section>
</div>
<p><a href="/calls">‹ All calls</a></p>

% # One list of prompts of one language: key and text, player, upload and restore.
<ul class="prompts">
% for r in rows:
  <li id="prompt-{{lang}}-{{r['key']}}">
    <div class="what"><b>{{r['key']}}</b>
      % if r['text']:
      <small>{{r['text']}}</small>
      % end
    </div>
    <div class="play">
      % if r['custom'] or r['default']:
      <audio controls preload="none" src="/prompts/{{lang}}/{{r['key']}}.wav"></audio>
      <small>{{_('your recording') if r['custom'] else _('default')}}</small>
      % else:
      <small class="quiet">{{_('no recording yet')}}</small>
      % end
    </div>
    <div class="change">
      <form method="post" action="/prompts/{{lang}}/{{r['key']}}" enctype="multipart/form-data" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="file" name="sound" accept=".wav,audio/wav" required aria-label="{{_('WAV file for {key}').format(key=r['key'])}}">
        <button class="small">{{_('Upload')}}</button>
      </form>
      % if r['custom']:
      <form method="post" action="/prompts/{{lang}}/{{r['key']}}/restore" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button class="small">{{_('Restore default')}}</button>
      </form>
      % end
    </div>
  </li>
% end
</ul>

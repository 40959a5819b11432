% rebase('layout.tpl', title=_('Voice'))
<link rel="stylesheet" href="/static/settings.css">
% mine = lambda path: bool(error_at) and (error_at == path or error_at.startswith(path + '.'))
% rec, vm = settings['recording'], settings['voicemail']
% T = get('typed')
% val = (lambda p, s: T(p, s)) if T else (lambda p, s: s)
% tick = (lambda p, s: T.ticked(p, s)) if T else (lambda p, s: s)
<form method="post" action="/voice">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
<section class="card stack">
  <h2>{{_('Language')}}</h2>
  <label class="{{'has-error' if mine('language') else ''}}">{{_('Callers hear first')}}
    <select name="language">
    % for code, name in languages:
      <option value="{{code}}" {{'selected' if code == val('language', settings['language']) else ''}}>{{_(name)}} ({{code}})</option>
    % end
    </select>
    % if mine('language'):
    <span class="field-error">{{error}}</span>
    % end
    <small class="hint">{{help('language')}}. {{_('A menu option can switch a caller to another language.')}}</small></label>
</section>
<section class="card stack">
  <h2>{{_('Recording conversations')}}</h2>
  <label class="check"><input type="checkbox" name="recording.enabled" {{'checked' if tick('recording.enabled', rec['enabled']) else ''}}> {{_('Record conversations between callers and operators')}}</label>
  <label class="{{'has-error' if mine('recording.notice_prompt') else ''}}">{{_('Notice callers hear while recording is on')}}
    <select name="recording.notice_prompt">
    % for key in prompts:
      <option {{'selected' if key == val('recording.notice_prompt', rec['notice_prompt']) else ''}}>{{key}}</option>
    % end
    </select>
    % if mine('recording.notice_prompt'):
    <span class="field-error">{{error}}</span>
    % end
    <small class="hint">{{help('recording.notice_prompt')}}. {{!_('Many countries require telling callers; record your own on the <a href="/prompts">Prompts</a> page.')}}</small></label>
  <label class="check"><input type="checkbox" name="recording.stereo" {{'checked' if tick('recording.stereo', rec['stereo']) else ''}}> {{_('Caller and operator on separate channels (stereo)')}}</label>
  % include('field.tpl', path='recording.keep_days', label=_('Keep recordings and voicemail for (days)'), value=rec['keep_days'], numeric=True)
  % include('field.tpl', path='recording.min_free_mb', label=_('Keep this much disk free (MB)'), value=rec['min_free_mb'], numeric=True)
</section>
<section class="card stack">
  <h2>{{_('Voicemail')}}</h2>
  <label class="check"><input type="checkbox" name="voicemail.when_closed" {{'checked' if tick('voicemail.when_closed', vm['when_closed']) else ''}}> {{_('Outside opening hours, take a message after the closed prompt')}}</label>
  <label class="{{'has-error' if mine('voicemail.prompt') else ''}}">{{_('Prompt before the beep')}}
    <select name="voicemail.prompt">
    % for key in prompts:
      <option {{'selected' if key == val('voicemail.prompt', vm['prompt']) else ''}}>{{key}}</option>
    % end
    </select>
    % if mine('voicemail.prompt'):
    <span class="field-error">{{error}}</span>
    % end
    <small class="hint">{{help('voicemail.prompt')}}</small></label>
  % include('field.tpl', path='voicemail.max_s', label=_('Longest message (s)'), value=vm['max_s'], numeric=True)
  % include('field.tpl', path='voicemail.silence_end_s', label=_('A message ends after this much silence (s)'), value=vm['silence_end_s'], numeric=True)
  <p class="hint">{{!_('Messages are in the <a href="/voicemail">Voicemail</a> inbox. A queue can also send callers to voicemail when they wait too long (its overflow).')}}</p>
</section>
<section class="card stack" id="hold-music">
  <h2>{{_('Hold music')}}</h2>
  <p class="hint">{{!_('What callers hear while they wait and while an operator holds them. It is not a setting: to change it, upload a WAV named <code>music_hold</code> for a language on the <a href="/prompts">Prompts</a> page ("Add a new prompt"); <b>Restore default</b> there brings back the firmware\'s.')}}</p>
  <table class="rows">
  % for h in hold:
    <tr><td>{{_(h['name'])}}</td>
      <td>{{_('your recording') if h['custom'] else (_('the default music') if h['exists'] else _('none'))}}</td>
      <td>
      % if h['exists']:
        <audio controls preload="none" src="/voice/hold/{{h['code']}}.wav"></audio>
      % end
      </td></tr>
  % end
  </table>
</section>
</div>
<div class="actions"><button class="primary" id="save-voice">{{_('Save voice settings')}}</button></div>
</form>

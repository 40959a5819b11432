% rebase('layout.tpl', title='Text messages')
<link rel="stylesheet" href="/static/settings.css">
% mine = lambda path: bool(error_at) and (error_at == path or error_at.startswith(path + '.'))
% conf = settings['sms']
% T = get('typed')
% val = (lambda p, s: T(p, s)) if T else (lambda p, s: s)
% tick = (lambda p, s: T.ticked(p, s)) if T else (lambda p, s: s)
<p class="quiet">Text messages go from the line the call came in on, to callers whose number is a mobile number (8 to 15 digits). Each text must fit one message however it is filled in.</p>
<form method="post" action="/sms">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
<section class="card stack">
  <h2>Which texts are sent</h2>
  % for kind in kinds:
  <label class="check {{'has-error' if mine('sms.' + kind) else ''}}"><input type="checkbox" name="sms.{{kind}}" {{'checked' if tick('sms.' + kind, conf[kind]) else ''}}> {{kind_words[kind][0]}}: {{kind_words[kind][1]}}</label>
  % end
  % include('field.tpl', path='sms.sender_name', label='Business name (for {business}; blank: none)', value=conf['sender_name'])
</section>
% for kind in kinds:
<section class="card stack wide" id="sms-{{kind}}">
  <h2>{{kind_words[kind][0]}}</h2>
  <p class="hint">{{kind_words[kind][1]}}. Placeholders: {{', '.join('{' + n + '}' for n in allowed[kind])}}; up to {{max_chars}} characters.</p>
  % for lang in languages:
  % if lang in conf['templates'][kind]:
  % p = 'sms.templates.' + kind + '.' + lang
  % text = val(p, conf['templates'][kind][lang])
  <label class="{{'has-error' if mine(p) else ''}}">{{language_names.get(lang, lang)}}{{'' if lang == 'en' else ' (blank: the English text)'}}
    <textarea class="sms" name="{{p}}" maxlength="{{max_chars}}">{{text or ''}}</textarea>
    % if mine(p):
    <span class="field-error">{{error}}</span>
    % end
    % if examples.get((kind, lang)):
    <small class="hint">Example: {{examples[(kind, lang)]}}</small>
    % end
  </label>
  % end
  % end
</section>
% end
</div>
<div class="actions"><button class="primary" id="save-sms">Save text messages</button></div>
</form>

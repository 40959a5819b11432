% rebase('layout.tpl', title=_('Text messages'))
<link rel="stylesheet" href="/static/settings.css">
% mine = lambda path: bool(error_at) and (error_at == path or error_at.startswith(path + '.'))
% conf = settings['sms']
% T = get('typed')
% val = (lambda p, s: T(p, s)) if T else (lambda p, s: s)
% tick = (lambda p, s: T.ticked(p, s)) if T else (lambda p, s: s)
<p class="quiet">{{_('Text messages go from the line the call came in on, to callers whose number is a mobile number (8 to 15 digits). Each text must fit one message however it is filled in.')}}</p>
<form method="post" action="/sms">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
<section class="card stack">
  <h2>{{_('Which texts are sent')}}</h2>
  % for kind in kinds:
  <label class="check {{'has-error' if mine('sms.' + kind) else ''}}"><input type="checkbox" name="sms.{{kind}}" {{'checked' if tick('sms.' + kind, conf[kind]) else ''}}> {{_(kind_words[kind][0])}}: {{_(kind_words[kind][1])}}</label>
  % end
  % include('field.tpl', path='sms.sender_name', label=_('Business name (for {business}; blank: none)'), value=conf['sender_name'])
</section>
% for kind in kinds:
<section class="card stack wide" id="sms-{{kind}}">
  <h2>{{_(kind_words[kind][0])}}</h2>
  <p class="hint">{{_('{what}. Placeholders: {names}; up to {n} characters.').format(what=_(kind_words[kind][1]), names=', '.join('{' + n + '}' for n in allowed[kind]), n=max_chars)}}</p>
  % for lang in languages:
  % if lang in conf['templates'][kind]:
  % p = 'sms.templates.' + kind + '.' + lang
  % text = val(p, conf['templates'][kind][lang])
  <label class="{{'has-error' if mine(p) else ''}}">{{_(language_names.get(lang, lang))}}{{'' if lang == 'en' else _(' (blank: the English text)')}}
    <textarea class="sms" name="{{p}}" maxlength="{{max_chars}}">{{text or ''}}</textarea>
    % if mine(p):
    <span class="field-error">{{error}}</span>
    % end
    % if examples.get((kind, lang)):
    <small class="hint">{{_('Example: {text}').format(text=examples[(kind, lang)])}}</small>
    % end
  </label>
  % end
  % end
</section>
% end
</div>
<div class="actions"><button class="primary" id="save-sms">{{_('Save text messages')}}</button></div>
</form>

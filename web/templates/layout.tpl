<!doctype html>
<html lang="{{page_lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · {{_('Call centre')}}</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml">
% if get('refresh'):
<noscript><meta http-equiv="refresh" content="{{refresh}}"></noscript>
% end
</head>
<body>
<header class="top">
  <a class="brand" href="/"><img src="/static/icon.svg" alt="" width="24" height="24"> {{_('Call centre')}}</a>
  % if logged_in:
  <nav class="nav">
    % for href, label in nav:
    <a href="{{href}}" class="{{'on' if (path == href or (href != '/' and path.startswith(href + '/'))) else ''}}">{{label}}</a>
    % end
  </nav>
  <form method="post" action="/logout" class="logout">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button class="link">{{_('Log out')}}</button>
  </form>
  % end
</header>
<main>
  <h1>{{title}}</h1>
  % if notice:
  <p class="notice ok" role="status">{{notice}}</p>
  % end
  % if error:
  <p class="notice bad" role="alert" id="error">{{error}}</p>
  % end
  % if get('confirm'):
  <div class="notice warn" role="alert" id="confirm">
    <p><strong>{{_('Are you sure?')}}</strong> {{confirm}}</p>
    <p class="hint">{{_('Nothing has been saved yet. Change the form below, or agree and save it as it is.')}}</p>
    <button class="danger strong" name="confirmed" value="1" form="{{get('confirm_form', '')}}" id="confirm-save">{{get('confirm_label', _('Yes, save it anyway'))}}</button>
  </div>
  % end
  {{!base}}
</main>
<footer>{{_('IVR appliance {version}').format(version=version)}}
  <nav class="languages" aria-label="{{_('Language of this page')}}">
  % for code, label, href, on in lang_switch:
    % if on:
    <strong lang="{{code}}" aria-current="true">{{label}}</strong>
    % else:
    <a href="{{href}}" lang="{{code}}" hreflang="{{code}}" id="lang-{{code}}">{{label}}</a>
    % end
  % end
  </nav>
</footer>
% if get('script'):
<script src="/static/refresh.js" defer></script>
<script src="/static/{{script}}" defer></script>
% end
</body>
</html>

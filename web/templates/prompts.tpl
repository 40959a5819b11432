% rebase('layout.tpl', title=_('Prompts'))
<p class="quiet">{{_('What callers hear, per language. Upload a WAV recording to replace a prompt; it is converted to telephone quality (8 kHz mono). Files up to 5 MB.')}}</p>
% for index, (lang, rows) in enumerate(prompts.items()):
<details class="card" {{'open' if index == 0 else ''}}>
  <summary><h2>{{_('Language: {lang}').format(lang=lang)}}</h2> <small>{{_('{n} prompts, {mine} recorded by you').format(n=len(rows), mine=sum(r['custom'] for r in rows))}}</small></summary>
  % used = [r for r in rows if r['used']]
  % words = [r for r in rows if not r['used']]
  % include('prompt_rows.tpl', rows=used, lang=lang)
  % if words:
  <details class="words">
    <summary><h3>{{_('Words for announcements')}}</h3> <small>{{_('{n} numbers and words that places in line and waits are spoken with').format(n=len(words))}}</small></summary>
    % include('prompt_rows.tpl', rows=words, lang=lang)
  </details>
  % end
</details>
% end
<form method="post" action="/prompts/new" enctype="multipart/form-data" class="card stack" id="new-prompt">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Add a new prompt')}}</h2>
  <p class="hint">{{_('For a message or submenu of the voice menu: record it, give it a name here, then choose that name in the voice menu.')}}</p>
  <label>{{_('Name (lowercase letters, digits and _)')}} <input name="key" pattern="[a-z0-9_]+" required></label>
  <label>{{_('Language')}} <select name="lang">
  % for lang in prompts:
    <option>{{lang}}</option>
  % end
  </select></label>
  <label>{{_('WAV file')}} <input type="file" name="sound" accept=".wav,audio/wav" required></label>
  <button class="primary">{{_('Upload')}}</button>
</form>

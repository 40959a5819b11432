% rebase('layout.tpl', title='Prompts')
<p class="quiet">What callers hear, per language. Upload a WAV recording to replace a prompt; it is
converted to telephone quality (8 kHz mono). Files up to 5 MB.</p>
% for index, (lang, rows) in enumerate(prompts.items()):
<details class="card" {{'open' if index == 0 else ''}}>
  <summary><h2>Language: {{lang}}</h2> <small>{{len(rows)}} prompts, {{sum(r['custom'] for r in rows)}} recorded by you</small></summary>
  % used = [r for r in rows if r['used']]
  % words = [r for r in rows if not r['used']]
  % include('prompt_rows.tpl', rows=used, lang=lang)
  % if words:
  <details class="words">
    <summary><h3>Words for announcements</h3> <small>{{len(words)}} numbers and words that places in line and waits are spoken with</small></summary>
    % include('prompt_rows.tpl', rows=words, lang=lang)
  </details>
  % end
</details>
% end
<form method="post" action="/prompts/new" enctype="multipart/form-data" class="card stack" id="new-prompt">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>Add a new prompt</h2>
  <p class="hint">For a message or submenu of the voice menu: record it, give it a name here, then
  choose that name in the voice menu.</p>
  <label>Name (lowercase letters, digits and _) <input name="key" pattern="[a-z0-9_]+" required></label>
  <label>Language <select name="lang">
  % for lang in prompts:
    <option>{{lang}}</option>
  % end
  </select></label>
  <label>WAV file <input type="file" name="sound" accept=".wav,audio/wav" required></label>
  <button class="primary">Upload</button>
</form>

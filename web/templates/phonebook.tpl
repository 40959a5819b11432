% rebase('layout.tpl', title='Phone book')
% for problem in problems:
<p class="notice bad problem">{{problem}}</p>
% end
<form method="get" action="/phonebook" class="card filters" id="find">
  <label>Find <input name="q" value="{{search}}" placeholder="name, company or part of a number"></label>
  <div class="actions"><button class="primary">Find</button> <a href="/phonebook">All</a>
    <a class="button" id="export" href="/phonebook.csv">Export CSV</a></div>
</form>
<p class="quiet">{{total}} entr{{'y' if total == 1 else 'ies'}}{{' found' if search else ''}}{{', the first %d shown: find to narrow' % len(entries) if total > len(entries) else ''}}.</p>
<div class="scroll card">
<table class="rows" id="entries">
  <tr><th>Name</th><th>Company</th><th>Number</th><th>Notes</th><th><span class="sr-only">Change</span></th></tr>
  % for e in entries:
  % if editing == e['number']:
  % typed = form if form.get('name') is not None and error else e
  <tr class="editing"><td colspan="5">
    <form method="post" action="/phonebook/{{e['number']}}" class="filters">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label>Name <input name="name" value="{{typed['name']}}" maxlength="64"></label>
      <label>Company <input name="company" value="{{typed['company']}}" maxlength="64"></label>
      <label>Number <input name="number" value="{{typed['number']}}" inputmode="tel" required></label>
      <label>Notes <input name="notes" value="{{typed['notes']}}" maxlength="500"></label>
      <div class="actions"><button class="primary">Save</button> <a href="/phonebook">Cancel</a></div>
    </form>
  </td></tr>
  % else:
  <tr><td>{{e['name']}}</td><td>{{e['company']}}</td><td>{{e['number']}}</td><td>{{e['notes']}}</td>
    <td class="actions"><a class="button" href="/phonebook?edit={{quote(e['number'])}}">Edit</a>
      <form method="post" action="/phonebook/{{e['number']}}/delete" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button class="danger small">Delete</button>
      </form></td></tr>
  % end
  % end
</table>
</div>
<div class="grid">
<form method="post" action="/phonebook" class="card stack" id="add-entry">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>Add an entry</h2>
  % adding = form if not editing else {}
  <label>Number <input name="number" id="new-number" value="{{adding.get('number', '')}}" inputmode="tel" required></label>
  <label>Name <input name="name" id="new-name" value="{{adding.get('name', '')}}" maxlength="64"></label>
  <label>Company <input name="company" id="new-company" value="{{adding.get('company', '')}}" maxlength="64"></label>
  <label>Notes <input name="notes" value="{{adding.get('notes', '')}}" maxlength="500"></label>
  <p class="hint">Type numbers as you like (+44 1632 960001, 01632 960001): spaces, dashes and brackets are ignored, and either form finds the caller.</p>
  <div class="actions"><button class="primary" id="add">Add</button></div>
</form>
<form method="post" action="/phonebook/import" enctype="multipart/form-data" class="card stack" id="import">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>Import CSV</h2>
  <label>A CSV file with the columns number,name,company,notes <input type="file" name="csv" accept=".csv,text/csv" required></label>
  <label class="check"><input type="checkbox" name="replace"> Replace the whole phone book with this file</label>
  <p class="hint">The whole file is checked first; if any line is wrong, nothing changes and the line is named. Otherwise an entry with a number already in the book replaces it, the rest are added.</p>
  <button id="import-csv">Import</button>
</form>
</div>

% rebase('layout.tpl', title=_('Phone book'))
% for problem in problems:
<p class="notice bad problem">{{problem}}</p>
% end
<form method="get" action="/phonebook" class="card filters" id="find">
  <label>{{_('Find')}} <input name="q" value="{{search}}" placeholder="{{_('name, company or part of a number')}}"></label>
  <div class="actions"><button class="primary">{{_('Find')}}</button> <a href="/phonebook">{{_('All')}}</a>
    <a class="button" id="export" href="/phonebook.csv">{{_('Export CSV')}}</a></div>
</form>
<p class="quiet">{{(_('{n} entry') if total == 1 else _('{n} entries')).format(n=total)}}{{_(' found') if search else ''}}{{_(', the first {shown} shown: find to narrow').format(shown=len(entries)) if total > len(entries) else ''}}.</p>
<div class="scroll card">
<table class="rows" id="entries">
  <tr><th>{{_('Name')}}</th><th>{{_('Company')}}</th><th>{{_('Number')}}</th><th>{{_('Notes')}}</th><th><span class="sr-only">{{_('Change')}}</span></th></tr>
  % for e in entries:
  % if editing == e['number']:
  % typed = form if form.get('name') is not None and error else e
  <tr class="editing"><td colspan="5">
    <form method="post" action="/phonebook/{{e['number']}}" class="filters">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label>{{_('Name')}} <input name="name" value="{{typed['name']}}" maxlength="64"></label>
      <label>{{_('Company')}} <input name="company" value="{{typed['company']}}" maxlength="64"></label>
      <label>{{_('Number')}} <input name="number" value="{{typed['number']}}" inputmode="tel" required></label>
      <label>{{_('Notes')}} <input name="notes" value="{{typed['notes']}}" maxlength="500"></label>
      <div class="actions"><button class="primary">{{_('Save')}}</button> <a href="/phonebook">{{_('Cancel')}}</a></div>
    </form>
  </td></tr>
  % else:
  <tr><td>{{e['name']}}</td><td>{{e['company']}}</td><td>{{e['number']}}</td><td>{{e['notes']}}</td>
    <td class="actions"><a class="button" href="/phonebook?edit={{quote(e['number'])}}">{{_('Edit')}}</a>
      <form method="post" action="/phonebook/{{e['number']}}/delete" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button class="danger small">{{_('Delete')}}</button>
      </form></td></tr>
  % end
  % end
</table>
</div>
<div class="grid">
<form method="post" action="/phonebook" class="card stack" id="add-entry">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Add an entry')}}</h2>
  % adding = form if not editing else {}
  <label>{{_('Number')}} <input name="number" id="new-number" value="{{adding.get('number', '')}}" inputmode="tel" required></label>
  <label>{{_('Name')}} <input name="name" id="new-name" value="{{adding.get('name', '')}}" maxlength="64"></label>
  <label>{{_('Company')}} <input name="company" id="new-company" value="{{adding.get('company', '')}}" maxlength="64"></label>
  <label>{{_('Notes')}} <input name="notes" value="{{adding.get('notes', '')}}" maxlength="500"></label>
  <p class="hint">{{_('Type numbers as you like (+44 1632 960001, 01632 960001): spaces, dashes and brackets are ignored, and either form finds the caller.')}}</p>
  <div class="actions"><button class="primary" id="add">{{_('Add')}}</button></div>
</form>
<form method="post" action="/phonebook/import" enctype="multipart/form-data" class="card stack" id="import">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Import CSV')}}</h2>
  <label>{{_('A CSV file with the columns number,name,company,notes')}} <input type="file" name="csv" accept=".csv,text/csv" required></label>
  <label class="check"><input type="checkbox" name="replace"> {{_('Replace the whole phone book with this file')}}</label>
  <p class="hint">{{_('The whole file is checked first; if any line is wrong, nothing changes and the line is named. Otherwise an entry with a number already in the book replaces it, the rest are added.')}}</p>
  <button id="import-csv">{{_('Import')}}</button>
</form>
</div>

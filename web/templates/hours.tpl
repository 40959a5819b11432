% rebase('layout.tpl', title=_('Opening hours'))
% h = settings['hours']
<form method="post" action="/hours" class="card stack" id="hours-form">
  <input type="hidden" name="csrf" value="{{csrf}}">
  % include('field.tpl', path='hours.timezone', label=_('Time zone'), value=h['timezone'])
  % include('field.tpl', path='hours.always_open', label=_('Always open (ignore the week below)'), value=h['weekly'] is None, check=True, nohelp=True)
  <p class="hint">{{!_('Write opening times like <code>09:00-12:30, 13:30-17:00</code>. Leave a day empty when closed.')}}</p>
  % for day, name in days.items():
  % include('field.tpl', path='hours.weekly.' + day, label=_(name), value=show((h['weekly'] or {}).get(day, [])), nohelp=True)
  % end
  % include('field.tpl', path='hours.holidays', label=_('Holidays (dates like 2026-12-25, separated by spaces or commas)'), value=', '.join(h['holidays']))
  % include('field.tpl', path='hours.closed_prompt', label=_('What callers hear when closed (prompt name)'), value=h['closed_prompt'])
  <div class="actions"><button class="primary" id="save-hours">{{_('Save opening hours')}}</button></div>
</form>

% rebase('layout.tpl', title=_('Phone lines'))
<link rel="stylesheet" href="/static/settings.css">
% mine = lambda path: bool(error_at) and (error_at == path or error_at.startswith(path + '.') or error_at.startswith(path + '['))
% T = get('typed')
% val = (lambda p, s: T(p, s)) if T else (lambda p, s: s)
% tick = (lambda p, s: T.ticked(p, s)) if T else (lambda p, s: s)
% def bad(path):
%   if mine(path):
<span class="field-error">{{error}}</span>
%   end
% end
% def card_field(p, current):
%   if cards:
<label class="{{'has-error' if mine(p + '.bridge_audio') else ''}}">{{!_("Bridge sound card (wired to this line's crosspoint row)")}}
  <select name="{{p}}.bridge_audio">
    <option value="" {{'selected' if not current else ''}}>{{_('(none)')}}</option>
    % for name in cards:
    <option value="{{name}}" {{'selected' if name == current else ''}}>{{name}}</option>
    % end
    % if current and current not in cards:
    <option value="{{current}}" selected>{{_('{card} (matched by name when the line starts)').format(card=current)}}</option>
    % end
  </select>
  % bad(p + '.bridge_audio')
  <small class="hint">{{help('lines[].bridge_audio')}}</small></label>
<label>{{!_("…or type a card's name, or a piece of it that matches one card")}}
  <input name="{{p}}.bridge_audio_typed" value=""></label>
%   else:
<label class="{{'has-error' if mine(p + '.bridge_audio') else ''}}">{{!_("Bridge sound card (wired to this line's crosspoint row)")}}
  <input name="{{p}}.bridge_audio" value="{{current or ''}}">
  % bad(p + '.bridge_audio')
  <small class="hint">{{!_("No list to choose from: {why}. Type the card's name as PortAudio gives it, or a piece of it that matches one card.").format(why=esc(no_cards))}}</small></label>
%   end
% end
% def driver_field(p, current):
<label class="{{'has-error' if mine(p + '.driver') else ''}}">{{_('Kind of line')}}
  <select name="{{p}}.driver">
  % for d in drivers:
    <option value="{{d}}" {{'selected' if d == current else ''}}>{{_(driver_words.get(d, d))}}</option>
  % end
  </select>
  % bad(p + '.driver')
</label>
% end
<p class="quiet">{{!_('One to {n} lines, in the order of the crosspoint rows they are wired to (the first line is row Y0). Changes take effect when the appliance restarts ({command}).').format(n=int(max_lines), command='<code>sudo systemctl restart ivr-appliance</code>')}}</p>
% if loop_away:
<p class="notice bad">{{!_("The appliance is not answering right now: the lines' state cannot be shown.")}}</p>
% end
<form method="post" action="/lines" id="lines-form">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="grid">
% for i, line in enumerate(lines):
% p = 'lines[%d]' % i
% h = health.get(line['id'])
<section class="card stack" id="line-{{line['id']}}">
  <h2>{{line['id']}} <small>{{_('row Y{n}').format(n=i)}}</small></h2>
  <input type="hidden" name="{{p}}.id" value="{{line['id']}}">
  % if h:
  <p class="line-health"><span class="pill {{h['state']}}">{{_(h['label'])}}</span> {{h['health']}}{{' · ' if h['health'] else ''}}{{_('{n} calls today').format(n=h['calls_today'])}}</p>
  % if h['warning']:
  <p class="notice bad">{{h['warning']}}</p>
  % end
  % elif not loop_away:
  <p class="line-health quiet">{{_('Not running yet: starts when the appliance restarts.')}}</p>
  % end
  % driver_field(p, val(p + '.driver', line['driver']))
  % include('field.tpl', path=p + '.port', label=_('AT command port (not for a simulated line)'), value=line['port'], nohelp=True)
  % include('field.tpl', path=p + '.audio_port', label=_('Audio port (SIM7600 and EC25 only)'), value=line['audio_port'], nohelp=True)
  % card_field(p, val(p + '.bridge_audio_typed', '') or val(p + '.bridge_audio', line['bridge_audio']))
  % if line['sound_card'] is not None:
  % include('field.tpl', path=p + '.sound_card', label=_('Older sound card setting (sim800 only; empty it and use the bridge sound card)'), value=line['sound_card'], nohelp=True)
  % end
  <label class="{{'has-error' if mine(p + '.pin') else ''}}">{{_('SIM PIN (one is set; blank keeps it)') if line['pin'] else _('SIM PIN (none set)')}}
    <input name="{{p}}.pin" type="password" autocomplete="off" value="">
    % bad(p + '.pin')
  </label>
  % if line['pin']:
  <label class="check"><input type="checkbox" name="{{p}}.pin_clear" {{'checked' if tick(p + '.pin_clear', False) else ''}}> {{_('The SIM has no PIN any more')}}</label>
  % end
  % include('field.tpl', path=p + '.baud', label=_('Serial speed'), value=line['baud'], numeric=True, nohelp=True)
</section>
% end
</div>
<div class="actions"><button class="primary" id="save-lines">{{_('Save lines')}}</button></div>
</form>
% if len(lines) > 1:
<section class="card stack">
  <h2>{{_('Remove a line')}}</h2>
  <p class="hint">{{_('The lines after it move up one crosspoint row: rewire them, or remove the last line only.')}}</p>
  <div class="actions">
  % for line in lines:
    <form method="post" action="/lines/{{line['id']}}/delete" class="inline">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button class="danger small" id="remove-{{line['id']}}">{{_('Remove {line}').format(line=line['id'])}}</button>
    </form>
  % end
  </div>
</section>
% end
% if len(lines) < max_lines:
% n = 'lines[%d]' % len(lines)
<form method="post" action="/lines/add" class="card stack" id="add-line">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <h2>{{_('Add a line')}} <small>{{_('row Y{n}').format(n=len(lines))}}</small></h2>
  % include('field.tpl', path=n + '.id', label=_('Name (letters, digits, - and _; shown in call records)'), value=form.get(n + '.id', ''), nohelp=True)
  % driver_field(n, form.get(n + '.driver', 'sim800'))
  % include('field.tpl', path=n + '.port', label=_('AT command port, e.g. /dev/ttyUSB2'), value=form.get(n + '.port', ''), nohelp=True)
  % include('field.tpl', path=n + '.audio_port', label=_('Audio port (SIM7600 and EC25 only)'), value=form.get(n + '.audio_port', ''), nohelp=True)
  % card_field(n, form.get(n + '.bridge_audio_typed') or form.get(n + '.bridge_audio'))
  <label>{{_('SIM PIN (blank: none)')}} <input name="{{n}}.pin" type="password" autocomplete="off" value=""></label>
  % include('field.tpl', path=n + '.baud', label=_('Serial speed'), value=form.get(n + '.baud', '115200'), numeric=True, nohelp=True)
  <div class="actions"><button class="primary" id="add">{{_('Add line')}}</button></div>
</form>
% end

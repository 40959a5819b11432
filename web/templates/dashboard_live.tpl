% if snap is None:
<p class="notice bad">{{_('The appliance is not answering right now. This page will try again.')}}</p>
% end
% if warnings:
<ul class="warnings" id="warnings">
  % for level, text in warnings:
  <li class="{{level}}">{{text}}</li>
  % end
</ul>
% end
% if snap is not None:
<section class="figures" id="today">
  <div class="figure"><span>{{today.get('calls', 0)}}</span>{{_('calls today')}}</div>
  <div class="figure"><span>{{today.get('answered', 0)}}</span>{{_('answered')}}</div>
  <div class="figure"><span>{{today.get('abandoned', 0)}}</span>{{_('gave up')}}</div>
  <div class="figure"><span>{{today.get('callbacks_requested', 0)}}</span>{{_('callbacks asked')}}</div>
</section>
<div class="grid">
<section class="card">
  <h2>{{_('Lines')}}</h2>
  <div class="scroll" tabindex="0" role="region" aria-label="{{_('Lines')}}">
  <table class="rows" id="lines">
    <tr><th>{{_('Line')}}</th><th>{{_('State')}}</th><th>{{_('Caller')}}</th><th>{{_('Network')}}</th></tr>
    % for line in snap['lines']:
    <tr><td>{{line['id']}}</td><td><span class="pill {{line['state']}}">{{_(line['label'])}}</span></td><td>{{line['caller'] or ''}}</td><td>{{health_text(line['health'])}}{{' · ' if health_text(line['health']) else ''}}{{_('{n} today').format(n=today['per_line'].get(line['id'], 0))}}</td></tr>
    % if line['warning']:
    <tr class="warning"><td colspan="4"><span class="notice bad">{{line['id']}}: {{line['warning']}}</span></td></tr>
    % end
    % end
  </table>
  </div>
</section>
<section class="card">
  <h2>{{_('Queue')}}</h2>
  % waiting = [(name, m) for name, members in snap['queues'].items() for m in members]
  % if not waiting:
  <p class="quiet" data-say="{{_('Nobody waiting')}}">{{_('Nobody is waiting.')}}</p>
  % else:
  <div class="scroll" tabindex="0" role="region" aria-label="{{_('Queue')}}">
  <table class="rows" id="queue" data-say="{{_('{n} waiting').format(n=len(waiting))}}">
    <tr><th>#</th><th>{{_('Caller')}}</th><th>{{_('Queue')}}</th><th>{{_('Waited')}}</th><th>{{_('Estimate')}}</th></tr>
    % for name, m in waiting:
    <tr><td>{{m['position']}}</td><td>{{m['caller'] or _('withheld')}}{{_(' (callback)') if m['kind'] != 'caller' else ''}}</td><td>{{name}}</td>
      <td>{{int(m['waited_s'] // 60)}}:{{'%02d' % (m['waited_s'] % 60)}}</td>
      <td>{{'-' if m['estimate_s'] is None else '%d:%02d' % divmod(int(m['estimate_s']), 60)}}</td></tr>
    % end
  </table>
  </div>
  % end
  <h3>{{_('Callbacks to make')}}</h3>
  % if not snap['callbacks']:
  <p class="quiet">{{_('None pending.')}}</p>
  % else:
  <div class="scroll" tabindex="0" role="region" aria-label="{{_('Callbacks to make')}}">
  <table class="rows" id="callbacks">
    <tr><th>{{_('Number')}}</th><th>{{_('Queue')}}</th><th>{{_('Tries')}}</th><th>{{_('Next try')}}</th></tr>
    % for cb in snap['callbacks']:
    <tr><td>{{cb['number']}}</td><td>{{cb['queue']}}</td><td>{{cb['attempts']}}</td><td>{{_('dialling now') if cb['in_progress'] else (clock(cb['next_try_at']) if cb['next_try_at'] else _('when an operator is free'))}}</td></tr>
    % end
  </table>
  </div>
  % end
</section>
<section class="card wide">
  <h2>{{_('Operators')}}</h2>
  <div class="scroll">
  <table class="rows" id="operators">
    <tr><th>{{_('Operator')}}</th><th>{{_('Phone')}}</th><th>{{_('State')}}</th><th>{{_('Today')}}</th><th><span class="sr-only">{{_('Pause or unpause')}}</span></th></tr>
    % for op in snap['operators']:
    <tr><td>{{op['name']}}</td><td>{{op['handset']}}</td>
      <td><span class="pill {{op['state']}}" data-say="{{op['name']}}: {{_(words.get(op['state'], op['state']))}}">{{_(words.get(op['state'], op['state']))}}</span>
        % if op['caller']:
        <small>{{op['caller']}}</small>
        % end
      </td>
      <td>{{today['per_operator'].get(op['id'], 0)}}</td>
      <td>
        <form method="post" action="/operators/{{op['id']}}/{{'unpause' if op['state'] == 'paused' else 'pause'}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button class="small" aria-label="{{(_('Unpause {name}') if op['state'] == 'paused' else _('Pause {name}')).format(name=op['name'])}}">{{_('Unpause') if op['state'] == 'paused' else _('Pause')}}</button>
        </form>
      </td></tr>
    % end
  </table>
  </div>
</section>
% if notices:
<section class="card wide">
  <h2>{{_('Recent notices')}}</h2>
  <ul class="notices">
  % for text in notices:
    <li>{{text}}</li>
  % end
  </ul>
</section>
% end
</div>
<p class="quiet updated">{{_('Updated {time} ({zone})').format(time=updated, zone=zone)}}</p>
% end

% words = {'reserved': _('Calling them back for you: your phone rings when they press 1'), 'ringing': _('Ringing'), 'talking': _('On the line')}
% if snap is None:
<p class="notice bad">{{_('The appliance is not answering right now. This page will try again.')}}</p>
% elif operator is None:
<p class="quiet">{{_('No operator has desk phone {handset} (Operators page).').format(handset=handset)}}</p>
% end
% if call:
<section class="card caller" id="caller">
  <p><span class="pill {{call['state']}}" data-say="{{words.get(call['state'], call['state'])}}: {{who}}">{{words.get(call['state'], call['state'])}}</span></p>
  <h2 class="who" id="caller-name">{{who}}</h2>
  % if entry and entry['name'] and entry['company']:
  <p class="company" id="caller-company">{{entry['company']}}</p>
  % end
  <dl class="facts">
    <dt>{{_('Number')}}</dt><dd id="caller-number">{{call['caller'] or _('withheld')}}</dd>
    <dt>{{_('Queue')}}</dt><dd>{{call['queue'] or '-'}}</dd>
    <dt>{{_('Waited')}}</dt><dd>{{duration(call['waited_s'])}}</dd>
    % if entry and entry['notes']:
    <dt>{{_('Phone book')}}</dt><dd>{{entry['notes']}}</dd>
    % end
  </dl>
  % if call['caller'] and not entry:
  <p><a href="/phonebook?add={{quote(call['caller'])}}" id="add-to-book">{{_('Add this number to the phone book')}}</a></p>
  % end
</section>
% elif operator is not None:
<p class="quiet" id="no-call" data-say="{{_('No call')}}">{{_('No call on desk phone {handset} right now ({name}: {state}).').format(handset=handset, name=operator['name'], state=_(operator['state']))}}</p>
% end

% rebase('layout.tpl', title=_('Desk'), refresh=refresh, script='desk.js')
% for problem in problems:
<p class="notice bad problem">{{problem}}</p>
% end
<form method="get" action="/operator" class="card filters" id="pick">
  <label>{{_('Your desk phone')}} <select name="handset" id="handset">
    % if handset is None:
    <option value="">{{_('choose…')}}</option>
    % end
    % for number, label in handsets:
    <option value="{{number}}" {{'selected' if number == handset else ''}}>{{label}}</option>
    % end
  </select></label>
  <div class="actions"><button class="primary" id="show">{{_('Show')}}</button></div>
</form>
% if handset is None:
<p class="quiet">{{_('Choose the desk phone you answer. This browser remembers it.')}}</p>
% else:
<p id="said" class="sr-only" aria-live="polite"></p>
<div id="live" data-src="/operator/live?handset={{handset}}">
% include('desk_live.tpl')
</div>
% end

% if target:
<section class="card" id="notes-box" data-call="{{target['id']}}">
  <form method="post" action="/calls/{{target['id']}}/notes" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="then" value="operator">
    <label>{{(_('Notes about this call ({number})') if target['live'] else _('Notes about your last call ({number})')).format(number=target['caller'] or _('withheld number'))}}
      <textarea name="notes" id="notes" rows="4" maxlength="2000">{{target['notes']}}</textarea></label>
    <div class="actions"><button class="primary" id="save-notes">{{_('Save notes')}}</button>
      <a href="/calls/{{target['id']}}">{{!_("the call's page")}}</a></div>
  </form>
</section>
% end

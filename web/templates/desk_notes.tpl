% if target:
<section class="card" id="notes-box" data-call="{{target['id']}}">
  <form method="post" action="/calls/{{target['id']}}/notes" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="then" value="operator">
    <label>Notes about {{'this call' if target['live'] else 'your last call'}} ({{target['caller'] or 'withheld number'}})
      <textarea name="notes" id="notes" rows="4" maxlength="2000">{{target['notes']}}</textarea></label>
    <div class="actions"><button class="primary" id="save-notes">Save notes</button>
      <a href="/calls/{{target['id']}}">the call's page</a></div>
  </form>
</section>
% end

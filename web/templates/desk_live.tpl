<div id="part-caller">
% include('desk_caller.tpl')
</div>
<div id="part-notes">
% include('desk_notes.tpl')
</div>
<div id="part-history">
% include('desk_history.tpl')
</div>

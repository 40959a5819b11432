// The operator page: fetches the server-rendered /operator/live fragment every 2 seconds and
// puts each of its parts (caller, notes, history) in place. The notes part is left alone while
// something typed in it waits to be saved, so a new call never wipes the notes of the last one.
// Parts are updated in place (refresh.js), so focus and scroll stay put; news goes to #said.
// Without JavaScript the page refreshes itself every 10 seconds while no call is on the phone.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.ivrRefresh) { return; }
  var heard = window.ivrRefresh.sayings(live);

  function busy(part) {
    var text = part.querySelector("textarea");
    return !!text && (text.value !== text.defaultValue || document.activeElement === text);
  }

  function show(html) {
    var next = document.createElement("div");
    next.innerHTML = html;
    Array.prototype.forEach.call(next.children, function (fresh) {
      var part = fresh.id && document.getElementById(fresh.id);
      if (part && !busy(part)) { window.ivrRefresh.morph(part, fresh); }
    });
    heard = window.ivrRefresh.tell(live, heard);
  }

  window.ivrRefresh.poll(live, show);
}());

// Keeps the dashboard live: fetches the server-rendered /live fragment every 2 seconds and
// updates the page in place (refresh.js), so focus and scroll stay put; news goes to #said.
// Without JavaScript the page refreshes itself every 10 seconds instead (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || !window.ivrRefresh) { return; }
  var heard = window.ivrRefresh.sayings(box);
  function show(html) {
    var fresh = document.createElement("div");
    fresh.innerHTML = html;
    window.ivrRefresh.morph(box, fresh);
    heard = window.ivrRefresh.tell(box, heard);
  }
  window.ivrRefresh.poll(box, show);
}());

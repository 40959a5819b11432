// Keeps the dashboard live: fetches the server-rendered /live fragment every 2 seconds.
// Without JavaScript the page refreshes itself every 10 seconds instead (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) { return; }
  function refresh() {
    fetch(box.getAttribute("data-src"), {credentials: "same-origin", cache: "no-store"})
      .then(function (reply) {
        if (reply.status === 401) { window.location = "/login"; return null; }
        return reply.ok ? reply.text() : null;
      })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () { /* the appliance is restarting: try again next time */ })
      .finally(function () { window.setTimeout(refresh, 2000); });
  }
  window.setTimeout(refresh, 2000);
}());

// Shared by live.js (dashboard) and desk.js (operator page). A refresh updates the page in place,
// element by element, instead of replacing it: a focused button stays the same element, so the
// keyboard focus and the scroll position stay where they were. What is worth hearing is marked
// data-say in the fragment; what is new is put in the polite live region #said, once.
window.ivrRefresh = (function () {
  "use strict";

  function attributes(have, want) {
    var i;
    for (i = have.attributes.length - 1; i >= 0; i--) {
      if (!want.hasAttribute(have.attributes[i].name)) { have.removeAttribute(have.attributes[i].name); }
    }
    for (i = 0; i < want.attributes.length; i++) {
      var a = want.attributes[i];
      if (have.getAttribute(a.name) !== a.value) { have.setAttribute(a.name, a.value); }
    }
  }

  function blank(node) { return !!node && node.nodeType === 3 && !/\S/.test(node.nodeValue); }

  // Make old's children look like fresh's, keeping every element whose tag and id still match.
  function morph(old, fresh) {
    var kids = Array.prototype.slice.call(fresh.childNodes), i = 0;
    kids.forEach(function (want) {
      var have = old.childNodes[i];
      // The page and the fragment may differ in blank text only: drop or add it, shift nothing.
      while (blank(have) && want.nodeType !== 3) { old.removeChild(have); have = old.childNodes[i]; }
      if (!have) {
        old.appendChild(want);
      } else if (blank(want) && have.nodeType !== 3) {
        old.insertBefore(want, have);
      } else if (have.nodeName !== want.nodeName || (have.id || "") !== (want.id || "")) {
        old.replaceChild(want, have);
      } else if (have.nodeType !== 1) {
        if (have.nodeValue !== want.nodeValue) { have.nodeValue = want.nodeValue; }
      } else {
        attributes(have, want);
        morph(have, want);
      }
      i += 1;
    });
    while (old.childNodes.length > i) { old.removeChild(old.lastChild); }
  }

  function sayings(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-say]"),
                                    function (el) { return el.getAttribute("data-say"); });
  }

  // Says what is new since ``before`` (a list from sayings) and returns the list for next time.
  function tell(root, before) {
    var now = sayings(root), region = document.getElementById("said");
    var news = now.filter(function (text) { return before.indexOf(text) < 0; });
    if (region && news.length) { region.textContent = news.join(". ") + "."; }
    return now;
  }

  // Every 2 s: fetch the element's data-src fragment and hand its HTML to show(); a lost session
  // goes to the login, a restarting appliance is simply asked again next time.
  function poll(box, show) {
    function refresh() {
      fetch(box.getAttribute("data-src"), {credentials: "same-origin", cache: "no-store"})
        .then(function (reply) {
          if (reply.status === 401) { window.location = "/login"; return null; }
          return reply.ok ? reply.text() : null;
        })
        .then(function (html) { if (html !== null) { show(html); } })
        .catch(function () { /* the appliance is restarting: try again next time */ })
        .finally(function () { window.setTimeout(refresh, 2000); });
    }
    window.setTimeout(refresh, 2000);
  }

  return {morph: morph, sayings: sayings, tell: tell, poll: poll};
}());

// disan serve only: reload the page after each good build; show content errors over the page.
(function () {
  "use strict";
  var first = null;
  var overlay = null;
  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("section");
      overlay.className = "disan-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.textContent = problems.length + " error(s) — the last good version is shown below";
    overlay.appendChild(title);
    problems.forEach(function (p) {
      var item = document.createElement("pre");
      item.textContent = p.file + (p.line ? ":" + p.line : "") + ": " + p.message + (p.hint ? "\n    " + p.hint : "");
      overlay.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { overlay.hidden = true; });
    overlay.appendChild(close);
    overlay.hidden = false;
  }
  var source = new EventSource("/__disan/events");
  source.onopen = function () { document.documentElement.setAttribute("data-disan-live", "connected"); };
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (first === null) first = state.generation;
    if (state.problems.length) { show(state.problems); return; }
    if (overlay) overlay.hidden = true;
    if (state.generation !== first) location.reload();
  };
})();

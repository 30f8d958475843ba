// disan serve only: reload the page after each good build; show content errors over the page.
// Browsers allow six HTTP/1.1 connections per host, so the tabs share one event stream: the tab holding the
// "disan-live" lock listens to the server and passes each state on over a BroadcastChannel; when it closes,
// another tab takes the lock. Where locks or channels are missing (plain http on a LAN address), tabs poll.
(function () {
  "use strict";
  var script = document.currentScript;
  var servedGeneration = Number(script && script.getAttribute("data-generation"));
  var overlay = null;
  var lastState = null;
  var reloading = false;  // a second reload while the first is loading would abort it

  function show(problems, errors) {
    if (!overlay) {
      overlay = document.createElement("section");
      document.body.appendChild(overlay);
    }
    overlay.className = errors ? "disan-overlay" : "disan-overlay disan-warnings";
    overlay.setAttribute("role", errors ? "alert" : "status");
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.textContent = errors ? problems.length + " error(s) — the last good version is shown below"
                               : problems.length + " warning(s) — the site is built; fix them when you can";
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

  function apply(state) {
    document.documentElement.setAttribute("data-disan-live", "connected");
    if (reloading || (lastState && lastState.generation === state.generation)) return;
    lastState = state;
    var errors = state.problems.filter(function (p) { return p.level === "error"; });
    if (errors.length) { show(errors, true); return; }
    if (state.generation > servedGeneration) { reloading = true; location.reload(); return; }
    if (state.problems.length) show(state.problems, false);
    else if (overlay) overlay.hidden = true;
  }

  function poll() {
    fetch("/__disan/state", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(apply, function () {})
      .then(function () { setTimeout(poll, 1000); });
  }

  if (!("BroadcastChannel" in window) || !(navigator.locks && navigator.locks.request)) { poll(); return; }

  var channel = new BroadcastChannel("disan-live");
  var leading = false;
  channel.onmessage = function (event) {
    if (event.data === "hello") { if (leading && lastState) channel.postMessage(lastState); return; }
    apply(event.data);
  };
  channel.postMessage("hello");
  navigator.locks.request("disan-live", function () {
    leading = true;
    var source = new EventSource("/__disan/events");
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      channel.postMessage(state);
      apply(state);
    };
    return new Promise(function () {});  // hold the lock, and so the stream, until this tab goes away
  });
})();

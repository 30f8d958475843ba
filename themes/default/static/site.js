// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var box = document.querySelector(".share-actions");
  if (!box) return;
  var url = box.getAttribute("data-share-url");
  var title = box.getAttribute("data-share-title");
  var status = box.querySelector(".share-status");
  var shareButton = box.querySelector('[data-action="share"]');
  var copyButton = box.querySelector('[data-action="copy"]');
  if (!navigator.share) shareButton.hidden = true;
  if (!navigator.clipboard) copyButton.hidden = true;
  if (shareButton.hidden && copyButton.hidden) return;
  box.hidden = false;
  shareButton.addEventListener("click", function () {
    navigator.share({ title: title, url: url }).catch(function () {});
  });
  copyButton.addEventListener("click", function () {
    navigator.clipboard.writeText(url).then(function () {
      status.textContent = box.getAttribute("data-copied");
    });
  });
})();

// Narration: speed buttons, and the transcript line being read is highlighted and kept in view.
(function () {
  "use strict";
  var section = document.querySelector(".narration");
  if (!section) return;
  var audio = section.querySelector("audio");
  var speed = section.querySelector(".speed");
  var lines = Array.prototype.slice.call(section.querySelectorAll(".transcript-lines [data-start]"));
  speed.hidden = false;
  speed.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-rate]");
    if (!button) return;
    audio.playbackRate = Number(button.getAttribute("data-rate"));
    speed.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
  });
  var current = null;
  function follow() {
    var time = audio.currentTime;
    var found = null;
    lines.forEach(function (line) {
      if (time >= Number(line.getAttribute("data-start")) && time < Number(line.getAttribute("data-end"))) found = line;
    });
    if (found === current) return;
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = found;
    if (current) {
      current.classList.add("is-current");
      current.setAttribute("aria-current", "true");
      // keep it in view inside the transcript box only: the page itself never jumps (on a tour
      // page the visitor is looking at the panorama)
      var box = current.parentNode;
      var top = current.offsetTop - box.offsetTop;
      if (!audio.paused && (top < box.scrollTop || top + current.offsetHeight > box.scrollTop + box.clientHeight)) {
        box.scrollTop = top - (box.clientHeight - current.offsetHeight) / 2;
      }
    }
  }
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);
  lines.forEach(function (line) {
    line.addEventListener("click", function () {
      audio.currentTime = Number(line.getAttribute("data-start"));
    });
  });
})();

// The header menu opens and closes without this file (<details>); Escape and a tap outside close it too.
(function () {
  "use strict";
  var menu = document.querySelector(".site-menu");
  if (!menu) return;
  var button = menu.querySelector("summary");
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !menu.open) return;
    // the first Escape in a search box with text clears the text, as browsers do
    if (event.target.type === "search" && event.target.value) return;
    menu.open = false;
    button.focus();
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();

// For teachers (partials/teacher.html): copy buttons, addresses made absolute in a preview, and on
// a tour page the snippet and the link kept at the view the teacher turned to (the viewer sends
// `disan:view` with its URL hash as the view changes; the tour's own first view embeds the tour).
(function () {
  "use strict";
  var box = document.getElementById("teacher");
  if (!box) return;
  var snippet = document.getElementById("teacher-snippet");
  var link = document.getElementById("teacher-view");
  var embedUrl = new URL(box.getAttribute("data-embed-url"), location.href).href;
  var viewUrl = new URL(box.getAttribute("data-view-url"), location.href).href;
  var template = snippet.value;
  function attribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function show(hash) {
    snippet.value = template.replace(/src="[^"]*"/, 'src="' + attribute(embedUrl + hash) + '"');
    link.href = link.textContent = viewUrl + hash;
  }
  show("");
  if (box.getAttribute("data-kind") === "tour") {
    document.addEventListener("disan:view", function (event) { show(event.detail.moved ? event.detail.hash : ""); });
    if (/^#scene=/.test(location.hash)) show(location.hash);
  }
  snippet.addEventListener("focus", function () { snippet.select(); });
  box.querySelectorAll(".teacher-actions").forEach(function (actions) {
    var button = actions.querySelector("button");
    var status = actions.querySelector(".teacher-status");
    var source = document.getElementById(button.getAttribute("data-copy"));
    actions.hidden = false;
    button.addEventListener("click", function () {
      var text = source.value || source.textContent;
      if (source.select) source.select();
      var done = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text) : Promise.reject();
      done.then(
        function () { status.textContent = box.getAttribute("data-copied"); },
        function () { status.textContent = box.getAttribute("data-copy-failed"); }
      );
    });
  });
})();

// The QR sheet's Print button (teacher_print.html); without this file the browser's own Print works.
(function () {
  "use strict";
  var button = document.querySelector('[data-action="print"]');
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();

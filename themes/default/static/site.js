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

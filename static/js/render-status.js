/* Decision page: follows the rendering of the certificates (status URL in #render's data) until the
   downloads are ready, then shows them. Without JS the page shows the state at load time. */
(function () {
  "use strict";
  var box = document.getElementById("render");
  var downloads = document.getElementById("downloads");
  if (!box || !downloads || !downloads.hidden) return;
  var bar = document.querySelector("#render-progress > span"), label = document.getElementById("render-label");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      bar.style.width = (s.total ? Math.round(100 * s.done / s.total) : 0) + "%";
      bar.parentNode.setAttribute("aria-valuenow", s.done);
      label.textContent = s.label + (s.ready ? "" : " — " + s.done + "/" + s.total);
      var detail = document.getElementById("render-detail");   // queued behind a down queue, stalled, retrying, failed
      if (detail) {
        detail.textContent = s.detail || "";
        detail.hidden = !s.detail;
        detail.classList.toggle("alert-error", s.status === "failed");
        detail.classList.toggle("alert-warning", s.status !== "failed");
      }
      if (s.ready) { downloads.hidden = false; bar.parentNode.classList.remove("active"); }
      else if (s.status !== "failed") { setTimeout(poll, 1500); }
    });
  }
  setTimeout(poll, 1000);
})();

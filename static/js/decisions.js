/* The decision page: one tick logic. Unticking a dossier unticks its nominees; ticking a nominee
   ticks its dossier; the "select all" boxes follow. The server applies the same rule (a nominee of
   an unticked dossier is not decided), so the page works the same without this script. */
(function () {
  "use strict";
  function boxes(scope, name) {
    return Array.prototype.slice.call(scope.querySelectorAll("input[type=checkbox][name=" + name + "]"));
  }
  function syncAll(form) {
    ["dossier", "award"].forEach(function (name) {
      var all = form.querySelector("[data-select-all=" + name + "]");
      var items = boxes(form, name);
      if (all) { all.checked = items.length > 0 && items.every(function (c) { return c.checked; }); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.decision-form"), function (form) {
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || box.type !== "checkbox") { return; }
      var section = box.closest("[data-decision-dossier]");
      if (box.name === "dossier" && section) {
        boxes(section, "award").forEach(function (c) { c.checked = box.checked; });
      } else if (box.name === "award" && section && box.checked) {
        boxes(section, "dossier").forEach(function (c) { c.checked = true; });
      } else if (box.dataset.selectAll === "dossier") {
        boxes(form, "dossier").forEach(function (c) { c.checked = box.checked; });
        boxes(form, "award").forEach(function (c) { c.checked = box.checked; });
      } else if (box.dataset.selectAll === "award") {
        boxes(form, "award").forEach(function (c) { c.checked = box.checked; });
        if (box.checked) { boxes(form, "dossier").forEach(function (c) { c.checked = true; }); }
      }
      syncAll(form);
    });
  });
})();

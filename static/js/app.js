/* Small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* Countdown to a campaign's window closing, to the minute: <span data-countdown="ISO" data-fmt="còn %d ngày %h giờ %m phút">.
     It changes once a minute, not every second (WCAG 2.2.2: nothing moves that a person would need to pause). */
  function tickCountdowns() {
    var now = Date.now();
    $all("[data-countdown]").forEach(function (el) {
      var left = Math.max(0, Math.floor((Date.parse(el.dataset.countdown) - now) / 60000));
      if (left === 0) { el.textContent = el.dataset.closed || ""; return; }
      var d = Math.floor(left / 1440), h = Math.floor(left % 1440 / 60), m = left % 60;
      el.textContent = el.dataset.fmt.replace("%d", d).replace("%h", h).replace("%m", m);
    });
  }
  if (document.querySelector("[data-countdown]")) { tickCountdowns(); setInterval(tickCountdowns, 60000); }

  /* After a refused action the page names the error at its top: move the focus there, so it is read first
     and the next Tab goes on from it (WCAG 3.3.1, 2.4.3). */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  /* Print buttons (a dossier's printable summary, the forwarded list); hidden ones only make sense with JS */
  $all("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  /* One live region, present from the page's load, says what happened to an upload (WCAG 4.1.3). */
  function announce(text) {
    var region = document.getElementById("upload-status");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  /* Drag and drop uploads with a progress bar (XMLHttpRequest upload progress). Without JS the
     same form posts normally. */
  function initDrop(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".progress");
    var fill = bar && bar.querySelector("span");
    var msg = form.querySelector(".drop-msg");
    function say(text, kind) {
      if (msg) { msg.textContent = text; msg.className = "drop-msg " + (kind || ""); }
      if (kind) announce(text);
      input.setAttribute("aria-invalid", kind === "error" ? "true" : "false");
    }
    function send(file) {
      var max = parseInt(form.dataset.maxBytes || "0", 10);
      if (max && file.size > max) { say(form.dataset.tooBig.replace("%s", file.name), "error"); return; }
      var data = new FormData(form);
      data.set("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      if (bar) { bar.classList.add("active"); fill.style.width = "0"; }
      say(form.dataset.sending.replace("%s", file.name));
      form.setAttribute("aria-busy", "true");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && fill) { fill.style.width = Math.round(100 * e.loaded / e.total) + "%"; }
      };
      xhr.onload = function () {
        form.removeAttribute("aria-busy");
        var reply = null;
        try { reply = JSON.parse(xhr.responseText); } catch (err) { reply = null; }
        if (bar) bar.classList.remove("active");
        if (reply && reply.ok) {
          /* the whole step block comes back: the row, the step's badge and "Còn thiếu…" stay true */
          var block = form.closest(".step-block");
          if (block && reply.block) {
            var holder = document.createElement("div");
            holder.innerHTML = reply.block.trim();
            var fresh = holder.firstElementChild;
            block.parentNode.replaceChild(fresh, block);
            $all("form.drop", fresh).forEach(initDrop);
            $all("[data-preview]", fresh).forEach(initPreview);
            var done = reply.row_id && document.getElementById(reply.row_id);
            var m = done && done.querySelector(".drop-msg");
            if (m) { m.textContent = reply.message; m.className = "drop-msg ok"; }
            var result = done || fresh;
            result.setAttribute("tabindex", "-1");
            result.focus();  // the focus goes to the result (the uploaded row), not to <body> (WCAG 2.4.3)
            announce(reply.message);
          } else { say(reply.message, "ok"); }
          document.dispatchEvent(new CustomEvent("dossier:uploaded"));
        } else {
          say((reply && reply.error) || form.dataset.failed, "error");
        }
      };
      xhr.onerror = function () { form.removeAttribute("aria-busy"); if (bar) bar.classList.remove("active"); say(form.dataset.failed, "error"); };
      xhr.send(data);
    }
    input.addEventListener("change", function () { if (input.files.length) send(input.files[0]); });
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.remove("is-over"); });
    });
    form.addEventListener("drop", function (e) { if (e.dataTransfer.files.length) send(e.dataTransfer.files[0]); });
    form.addEventListener("submit", function (e) {
      if (input.files.length) { e.preventDefault(); send(input.files[0]); }
    });
  }
  $all("form.drop").forEach(initDrop);

  /* PDF preview in the page */
  function initPreview(link) {
    link.addEventListener("click", function (e) {
      var frame = document.getElementById("preview-frame");
      if (!frame) return;
      e.preventDefault();
      var href = link.getAttribute("href");
      frame.src = href + (href.indexOf("#") < 0 ? "#navpanes=0&view=FitH" : "");
      var title = document.getElementById("preview-title");
      if (title) title.textContent = link.dataset.preview;
      $all(".doc-row.is-active").forEach(function (r) { r.classList.remove("is-active"); });
      var row = link.closest(".doc-row");
      if (row) row.classList.add("is-active");
      var box = document.getElementById("preview");
      if (box) { box.classList.add("has-doc"); if (window.innerWidth < 900) box.scrollIntoView({ behavior: "smooth" }); }
    });
  }
  $all("[data-preview]").forEach(initPreview);

  /* The preview frame is a Tab stop: its box shows the focus while the focus is inside it (2.4.7). The page
     loses the focus to the frame's document (window blur) without the frame matching :focus in Chromium. */
  var frames = $all(".preview iframe");
  if (frames.length) {
    window.addEventListener("blur", function () {
      setTimeout(function () {
        frames.forEach(function (f) { f.closest(".preview").classList.toggle("has-focus", document.activeElement === f); });
      }, 0);
    });
    window.addEventListener("focus", function () {
      frames.forEach(function (f) { f.closest(".preview").classList.remove("has-focus"); });
    });
  }

  /* Nominee form: show only the fields of the chosen kind */
  var kinds = $all("input[name=kind]");
  function showKind() {
    var chosen = kinds.filter(function (r) { return r.checked; })[0];
    $all("[data-kind-only]").forEach(function (el) {
      el.classList.toggle("show", !!chosen && el.dataset.kindOnly === chosen.value);
    });
  }
  kinds.forEach(function (r) { r.addEventListener("change", showKind); });
  if (kinds.length) showKind();

  /* Nominee form: a known CCCD fills the person's details the unit already holds */
  var nomineeForm = document.getElementById("form-nominee");
  var cccd = document.getElementById("id_citizen_id");
  if (nomineeForm && cccd && window.fetch) {
    cccd.addEventListener("input", function () {
      if (!/^\d{12}$/.test(cccd.value)) return;
      fetch(nomineeForm.dataset.lookup + "?cccd=" + cccd.value, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { found: false }; })
        .then(function (data) {
          if (!data.found) return;
          ["full_name", "birth_date", "position", "workplace"].forEach(function (name) {
            var input = document.getElementById("id_" + name);
            if (input && !input.value && data[name]) { input.value = data[name]; }
          });
          var help = document.getElementById("id_citizen_id_helptext");
          if (help) { help.textContent = nomineeForm.dataset.found; }
        });
    });
  }

  /* Review: a document marked "return" asks for its reason */
  $all(".doc-row input[type=radio][name^=verdict_]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var row = radio.closest(".doc-row");
      var back = radio.value === "return" && radio.checked;
      row.classList.toggle("is-return", back);
      var reason = row.querySelector("textarea");
      if (reason) { reason.closest(".field").hidden = !back; if (back) reason.focus(); }
    });
  });
  $all(".doc-row").forEach(function (row) {
    var ret = row.querySelector("input[value=return]");
    var reason = row.querySelector("textarea");
    if (ret && reason && !ret.checked && !reason.value) reason.closest(".field").hidden = true;
  });

  /* "Finish" saves the council form first when it holds unsaved (or never saved) figures, so what was
     typed there is not lost and one click does both. */
  var finish = document.getElementById("form-complete");
  var council = document.getElementById("form-council");
  if (finish && council) {
    finish.addEventListener("submit", function (e) {
      var dirty = $all("input", council).some(function (i) { return i.type !== "hidden" && i.value !== i.defaultValue; });
      if (!dirty && council.dataset.recorded === "1") return;           // nothing new to save
      if (!council.checkValidity()) {                                    // half-typed: say what is missing
        if (dirty) { e.preventDefault(); council.reportValidity(); }
        return;
      }
      e.preventDefault();
      var button = finish.querySelector("button");
      if (button) button.disabled = true;
      fetch(council.action, { method: "POST", body: new FormData(council), credentials: "same-origin" })
        .then(function (r) { if (r.ok) { finish.submit(); } else { council.submit(); } })
        .catch(function () { council.submit(); });
    });
  }

  /* A second click while a form is being sent would act twice: disable its buttons once sent. */
  $all("form[method=post]").forEach(function (form) {
    if (form.classList.contains("drop")) return;
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      setTimeout(function () {
        $all("button[type=submit]", form).forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  /* Select all (inbox, decisions) */
  $all("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var scope = box.dataset.scope ? document.getElementById(box.dataset.scope) : document;
      $all("input[type=checkbox][name=" + box.dataset.selectAll + "]", scope).forEach(function (c) { c.checked = box.checked; });
    });
  });
})();

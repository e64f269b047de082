/* Small Grants: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  // Remember the browser's time zone so the server can show times in it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + ";path=/;max-age=31536000;SameSite=Lax";
    }
  } catch (e) { /* old browser: server time zone it is */ }

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Confirmation before irreversible buttons.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  // Formsets: "add a line" clones the <template> and renumbers __prefix__.
  function setUpFormset(container) {
    var prefix = container.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = container.querySelector("template[data-formset-template]");
    var rows = container.querySelector("[data-formset-rows]");
    var add = container.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !add) { return; }
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      if (window.htmx) { window.htmx.process(rows.lastElementChild); }
    });
  }

  // A file question's file is sent as soon as it is chosen, by the question's own small form
  // (the input belongs to it through its "form" attribute); without JavaScript, its button sends it.
  document.addEventListener("change", function (event) {
    var input = event.target.closest("[data-file-question] input[type=file]");
    if (input && input.form && input.files.length && input.form.requestSubmit) { input.form.requestSubmit(); }
  });

  // Budget: show the running total and whether it matches the requested amount.
  function setUpBudgetTotal(form) {
    var out = form.querySelector("[data-budget-total]");
    if (!out) { return; }
    var mismatch = form.querySelector("[data-budget-mismatch]");
    var currency = out.getAttribute("data-currency");
    var lang = document.documentElement.lang || undefined;
    // Chromium ships no Belarusian number data (it would write 1,500.00); Russian writes numbers
    // as Belarusian does (1 500,00), as the server does on the same page.
    if (lang && !Intl.NumberFormat.supportedLocalesOf([lang]).length) { lang = { be: "ru" }[lang.split("-")[0]] || lang; }
    var formatter = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    function cents(value) {
      var n = parseFloat(String(value || "").replace(",", "."));
      return isNaN(n) ? 0 : Math.round(n * 100);
    }
    function update() {
      var total = 0;
      form.querySelectorAll("[data-formset-row]").forEach(function (row) {
        var del = row.querySelector("input[name$='-DELETE']");
        if (del && del.checked) { return; }
        var q = row.querySelector("input[name$='-quantity']");
        var u = row.querySelector("input[name$='-unit_cost']");
        if (q && u && q.value !== "" && u.value !== "") { total += Math.round(cents(q.value) * cents(u.value) / 100); }
      });
      out.textContent = formatter.format(total / 100) + "\u00a0" + currency;
      var requested = form.querySelector("[name='requested_amount']");
      if (mismatch && requested) { mismatch.hidden = requested.value === "" || cents(requested.value) === total; }
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  // Drafts: keep what was typed in this browser until the server has it, so nothing is lost
  // when the network drops or the session expires.
  function setUpDraftKeeper(form) {
    var key = "smallgrants-draft:" + form.getAttribute("data-draft-key");
    var storage;
    try { storage = window.localStorage; } catch (e) { return; }
    function snapshot() {
      var data = {};
      form.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (!el.name || el.type === "hidden" || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
        data[el.name] = el.type === "checkbox" ? el.checked : el.value;
      });
      data.__rows = parseInt((document.getElementById("id_lines-TOTAL_FORMS") || {}).value || "0", 10);
      // The draft's version this text was typed on: restored later, a stale copy conflicts
      // with newer saves instead of overwriting them.
      data.__version = (form.elements.namedItem("draft_version") || {}).value || "";
      return data;
    }
    function restore(data) {
      var total = document.getElementById("id_lines-TOTAL_FORMS");
      var add = form.querySelector("[data-formset-add]");
      while (total && add && parseInt(total.value, 10) < data.__rows) { add.click(); }
      var changed = false;
      Object.keys(data).forEach(function (name) {
        if (name === "__rows" || name === "__version") { return; }
        var el = form.elements.namedItem(name);
        if (!el || el.length) { return; }
        if (el.type === "checkbox") { if (el.checked !== data[name]) { el.checked = data[name]; changed = true; } }
        else if (el.value !== data[name]) { el.value = data[name]; changed = true; }
      });
      var version = form.elements.namedItem("draft_version");
      if (changed && version && data.__version) { version.value = data.__version; }
      return changed;
    }
    var saved = storage.getItem(key);
    if (saved) {
      try {
        if (restore(JSON.parse(saved))) {
          var notice = document.getElementById("restore-notice");
          if (notice) { notice.hidden = false; }
          setTimeout(function () { form.dispatchEvent(new Event("change", { bubbles: true })); }, 50);
        } else { storage.removeItem(key); }
      } catch (e) { storage.removeItem(key); }
    }
    form.addEventListener("input", function () { storage.setItem(key, JSON.stringify(snapshot())); });
    form.addEventListener("change", function () { storage.setItem(key, JSON.stringify(snapshot())); });
    // Once the form is being submitted for real, no autosave may race it.
    form.addEventListener("submit", function () { form.dataset.submitting = "1"; });
    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-discard-draft]")) { storage.removeItem(key); }
    });
    form.addEventListener("htmx:beforeRequest", function (event) {
      if (form.dataset.submitting) { event.preventDefault(); }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      var status = event.detail.xhr ? event.detail.xhr.status : 0;
      var sessionNotice = document.getElementById("session-notice");
      if (status >= 200 && status < 300) {
        storage.removeItem(key);
        if (sessionNotice) { sessionNotice.hidden = true; }
      } else if (status === 401 || status === 403) {
        if (sessionNotice) { sessionNotice.hidden = false; }
      } else if (status === 409) {
        // Refused: the copy in this browser stays until a save succeeds.
        var box = document.getElementById("autosave-status");
        var conflictBox = document.getElementById("draft-conflict");
        if (event.detail.xhr.getResponseHeader("X-Draft-Conflict") && conflictBox) {
          var parsed = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
          conflictBox.replaceChildren.apply(conflictBox, Array.prototype.slice.call(parsed.body.childNodes));
          if (box) { box.textContent = form.getAttribute("data-conflict-message") || ""; }
        } else if (box) { box.textContent = event.detail.xhr.responseText; }
      }
    });
  }

  // A new call's address follows its title until staff type an address of their own.
  function setUpSlug(input) {
    var source = document.getElementById(input.getAttribute("data-slug-from"));
    if (!source) { return; }
    var typedByHand = input.value !== "";
    input.addEventListener("input", function () { typedByHand = input.value !== ""; });
    source.addEventListener("input", function () {
      if (typedByHand) { return; }
      input.value = source.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
    });
  }

  // Stacked tables (class "table-stack"): on a phone every row is a card, and each cell is led by
  // its column's name, taken here from the header so that templates need no second copy of it.
  // A cell that names itself (data-label) keeps its own; visually hidden headers lend no label.
  function labelStackedCells(table) {
    var labels = [];
    table.querySelectorAll("thead tr:first-child > th").forEach(function (th) {
      var copy = th.cloneNode(true);
      copy.querySelectorAll(".visually-hidden").forEach(function (hidden) { hidden.remove(); });
      var label = copy.textContent.trim();
      for (var span = th.colSpan || 1; span > 0; span--) { labels.push(label); }
    });
    table.querySelectorAll("tbody > tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (cell.tagName === "TD" && cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column]);
        }
        // The cell's content goes into one box, so that the label and the value sit side by side
        // however many pieces (text, link, badge) the value has.
        if (cell.hasAttribute("data-label") && !cell.querySelector(":scope > .cell-value")) {
          var value = document.createElement("span");
          value.className = "cell-value";
          while (cell.firstChild) { value.appendChild(cell.firstChild); }
          cell.appendChild(value);
        }
        column += cell.colSpan || 1;
      });
    });
  }

  onReady(function () {
    document.querySelectorAll("input[data-slug-from]").forEach(setUpSlug);
    document.querySelectorAll("table.table-stack").forEach(labelStackedCells);
    // A page that shows an application as no longer editable clears its copy in this browser.
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      try { window.localStorage.removeItem("smallgrants-draft:" + el.getAttribute("data-clear-draft")); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("[data-formset]").forEach(setUpFormset);
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      setUpBudgetTotal(form);
      setUpDraftKeeper(form);
    });
  });
})();

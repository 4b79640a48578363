// Idle sign-out without losing work.
// - Pages with a form warn a few minutes before the session ends; "계속 사용" extends it.
// - What is typed into a form is kept in this tab (sessionStorage). If the session ends, the
//   login page marks it (data-session-ended) and the first page after signing in again puts the
//   kept values back into its forms. Any other page load starts from the server's values.
(function () {
  "use strict";
  var PREFIX = "rtis-draft:";
  var RESTORE = "rtis-restore";
  var SKIPPED_TYPES = ["password", "file", "submit", "button", "reset", "image"];
  var body = document.body;
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) return;

  if (body.hasAttribute("data-session-ended")) {
    store.setItem(RESTORE, "1");
    return;
  }
  var remainingAttr = body.getAttribute("data-session-remaining");
  if (remainingAttr === null) return; // not signed in: nothing to keep or warn about

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
      if (el.tagName !== "INPUT" && el.tagName !== "SELECT" && el.tagName !== "TEXTAREA") return false;
      return SKIPPED_TYPES.indexOf((el.type || "").toLowerCase()) < 0;
    });
  }
  function editable(form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return false;
    if (form.hasAttribute("data-no-draft")) return false;
    return fieldsOf(form).some(function (el) { return (el.type || "").toLowerCase() !== "hidden"; });
  }
  var forms = Array.prototype.filter.call(document.querySelectorAll("form"), editable);
  function keyOf(form) {
    return PREFIX + location.pathname + location.search + "|" + (form.getAttribute("action") || "") +
      "|" + forms.indexOf(form);
  }
  function save(form) {
    var values = fieldsOf(form).map(function (el) {
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") return [el.name, el.value, el.checked];
      if (el.tagName === "SELECT" && el.multiple) {
        return [el.name, Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; })];
      }
      return [el.name, el.value];
    });
    try { store.setItem(keyOf(form), JSON.stringify(values)); } catch (e) { /* storage full */ }
  }
  function restore(form) {
    var raw = store.getItem(keyOf(form));
    if (!raw) return false;
    var values;
    try { values = JSON.parse(raw); } catch (e) { return false; }
    var fields = fieldsOf(form);
    if (values.length !== fields.length) return false; // the form changed shape: do not guess
    fields.forEach(function (el, i) {
      var saved = values[i];
      if (saved[0] !== el.name) return;
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") el.checked = saved[2];
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = saved[1].indexOf(o.value) >= 0; });
      } else el.value = saved[1];
    });
    return true;
  }

  var restoring = store.getItem(RESTORE) === "1";
  store.removeItem(RESTORE);
  forms.forEach(function (form) {
    if (restoring && restore(form)) {
      var note = document.getElementById("rtis-draft-restored");
      if (note && form.parentNode) {
        form.parentNode.insertBefore(note.content.firstElementChild.cloneNode(true), form);
      }
    }
    store.removeItem(keyOf(form));
    if (restoring) save(form);
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () { save(form); });
  });
  if (!forms.length) return;

  // The warning before an idle sign-out.
  var warn = parseInt(body.getAttribute("data-session-warn") || "300", 10);
  var url = body.getAttribute("data-session-url");
  var template = document.getElementById("rtis-session-warning");
  var timer = null, ticker = null, deadline = 0, dialog = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function schedule(left) {
    deadline = Date.now() + left * 1000;
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(0, left - warn) * 1000);
  }
  function check() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.signed_in || data.remaining <= 0) { ended(); return; }
        // Another tab may have kept the session alive.
        if (data.remaining > warn + 2) { schedule(data.remaining); return; }
        deadline = Date.now() + data.remaining * 1000;
        show();
      })
      .catch(function () { show(); });
  }
  function ensureDialog() {
    if (dialog || !template) return dialog;
    dialog = template.content.firstElementChild.cloneNode(true);
    body.appendChild(dialog);
    dialog.querySelector("[data-action=extend]").addEventListener("click", extend);
    return dialog;
  }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var out = dialog.querySelector("[data-countdown]");
    if (out) out.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left <= 0) ended();
  }
  function show() {
    if (!ensureDialog()) return;
    if (!dialog.open) dialog.showModal();
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
    tick();
  }
  function extend() {
    fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        window.clearInterval(ticker);
        if (dialog && dialog.open) dialog.close();
        if (data.signed_in && data.remaining > 0) schedule(data.remaining); else ended();
      })
      .catch(function () { /* leave the dialog open: the user may try again */ });
  }
  function ended() {
    window.clearInterval(ticker);
    window.clearTimeout(timer);
    forms.forEach(save);
    store.setItem(RESTORE, "1"); // the next signed-in page puts the kept values back
    if (!ensureDialog()) return;
    dialog.querySelector("[data-state=warn]").hidden = true;
    dialog.querySelector("[data-state=ended]").hidden = false;
    dialog.querySelector("[data-action=extend]").hidden = true;
    var login = dialog.querySelector("[data-action=login]");
    login.hidden = false;
    login.href = login.getAttribute("href").split("?")[0] + "?next=" +
      encodeURIComponent(location.pathname + location.search);
    if (!dialog.open) dialog.showModal();
  }
  schedule(parseInt(remainingAttr, 10));
})();

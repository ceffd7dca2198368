/* Offline-tolerant forms: what is typed into a console form is kept in this browser
   (localStorage) until the form is sent, so a lost connection on site loses nothing.
   Sending while offline is held back with a message; the next visit restores the draft
   into empty fields and says so. Messages come translated from <body data-…>. */
(function () {
  "use strict";
  var PREFIX = "aftersales:draft:";
  var SKIP_TYPES = ["hidden", "file", "password", "submit", "button", "reset"];

  function say(key) { return document.body.getAttribute("data-" + key) || ""; }
  function kept(form) {
    return form.method.toLowerCase() === "post" && !form.hasAttribute("data-nokeep") &&
      !form.closest("header") && form.closest("main");
  }
  function keyOf(form) {
    if (form.dataset.keepKey) return form.dataset.keepKey;
    var forms = Array.prototype.filter.call(document.forms, kept);
    var which = form.id || String(forms.indexOf(form));
    form.dataset.keepKey = PREFIX + location.pathname + "|" + (form.getAttribute("action") || "") + "|" + which;
    return form.dataset.keepKey;
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && SKIP_TYPES.indexOf(el.type) < 0 && el.name !== "csrfmiddlewaretoken";
    });
  }
  function note(form, text, warn) {
    var p = form.querySelector(":scope > .draft-note");
    if (!p) {
      p = document.createElement("p");
      p.className = "draft-note";
      p.setAttribute("role", "status");
      form.insertBefore(p, form.firstChild);
    }
    p.textContent = text;
    p.classList.toggle("warn", !!warn);
  }
  function save(form) {
    var data = {};
    fields(form).forEach(function (el, i) {
      data[el.name + "#" + i] = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
    });
    try { localStorage.setItem(keyOf(form), JSON.stringify({at: Date.now(), data: data})); }
    catch (e) { /* storage full or disabled: the form still works online */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(keyOf(form)); } catch (e) { return; }
    if (!raw) return;
    var saved = JSON.parse(raw).data || {}, restored = false;
    fields(form).forEach(function (el, i) {
      var value = saved[el.name + "#" + i];
      if (value === undefined) return;
      if (el.type === "checkbox" || el.type === "radio") return;  // server's state wins
      if (el.value === "" && value !== "") { el.value = value; restored = true; }
    });
    if (restored) note(form, say("draft-restored"));
  }
  function forget(form) { try { localStorage.removeItem(keyOf(form)); } catch (e) { /* */ } }

  function init(root) {
    Array.prototype.filter.call((root || document).querySelectorAll("form"), kept)
      .forEach(function (form) {
        if (form.dataset.keepReady) return;
        form.dataset.keepReady = "1";
        restore(form);
        form.addEventListener("input", function () { save(form); });
        form.addEventListener("change", function () { save(form); });
        form.addEventListener("submit", function (e) {
          if (!navigator.onLine) {
            e.preventDefault();
            e.stopImmediatePropagation();
            save(form);
            note(form, say("draft-offline"), true);
            return;
          }
          if (!form.hasAttribute("hx-post")) forget(form);
        }, true);
      });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); banner(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
  // HTMX forms: hold back while offline. While a request is under way its draft is set
  // aside; it comes back if the request never arrived or the answer shows the form with
  // an error, and is dropped when the action went through.
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (!form || !kept(form)) return;
    if (!navigator.onLine) {
      e.preventDefault();
      save(form);
      note(form, say("draft-offline"), true);
      return;
    }
    save(form);
    var key = keyOf(form);
    pending = {key: key, id: form.id, raw: localStorage.getItem(key)};
    try { localStorage.removeItem(key); } catch (err) { /* */ }
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!pending) return;
    var again = pending.id && document.getElementById(pending.id);
    if (again && again.querySelector(".error") && pending.raw) {
      try { localStorage.setItem(pending.key, pending.raw); } catch (err) { /* */ }
      again.dataset.keepKey = pending.key;
      restore(again);
    }
    pending = null;
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (pending && pending.raw) {
      try { localStorage.setItem(pending.key, pending.raw); } catch (err) { /* */ }
    }
    pending = null;
    if (form && kept(form)) note(form, say("draft-offline"), true);
  });

  function banner() {
    var el = document.getElementById("offline-banner");
    if (!el) return;
    function show() { el.hidden = navigator.onLine; }
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
  }
})();

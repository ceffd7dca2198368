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
    var forms = Array.prototype.filter.call(document.forms, kept);
    return PREFIX + location.pathname + "|" + (form.getAttribute("action") || "") + "|" +
      (form.getAttribute("hx-post") || "") + "|" + forms.indexOf(form);
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
  // HTMX forms: hold back while offline, keep the draft if the request never arrived
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (form && kept(form) && !navigator.onLine) {
      e.preventDefault();
      save(form);
      note(form, say("draft-offline"), true);
    }
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (form && kept(form)) { save(form); note(form, say("draft-offline"), true); }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (form && kept(form) && e.detail.successful) forget(form);
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

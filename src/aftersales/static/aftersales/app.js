/* Small helpers: keyboard use of the hotline results, live SLA countdowns, signature pad. */
(function () {
  "use strict";
  // SLA countdowns in words, in the page's language: the phrases come from
  // <body data-countdown> (core/countdown.py, the same rules as the server's first render):
  // time left rounded down, time overdue up; days and hours from 24 h on.
  var words = null;
  function phrases() {
    if (words === null) {
      try { words = JSON.parse(document.body.getAttribute("data-countdown") || "{}"); }
      catch (e) { words = {}; }
    }
    return words;
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  }
  function countdownText(ms) {
    var w = phrases();
    if (!w.left) return null;
    var over = ms < 0, min = over ? Math.ceil(-ms / 60000) : Math.floor(ms / 60000);
    var d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60, span;
    if (d) span = h ? fill(w.days_hours, {days: d, hours: h}) : fill(w.days, {days: d});
    else if (h) span = m ? fill(w.hours_minutes, {hours: h, minutes: m}) : fill(w.hours, {hours: h});
    else span = fill(w.minutes, {minutes: m});
    return fill(over ? w.overdue : w.left, {span: span});
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-due")) - Date.now();
      var text = countdownText(left);
      if (text !== null && el.textContent !== text) el.textContent = text;
      el.classList.toggle("bad", left < 0);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);

  // Hotline: arrow keys move between the search box and the results.
  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("hotline-q");
    if (!box) return;
    var links = Array.prototype.slice.call(document.querySelectorAll("#hotline-results a"));
    var i = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && (document.activeElement === box || i >= 0)) {
      if (links[i + 1]) { links[i + 1].focus(); e.preventDefault(); }
    } else if (e.key === "ArrowUp" && i >= 0) {
      (i === 0 ? box : links[i - 1]).focus(); e.preventDefault();
    } else if (e.key === "Enter" && document.activeElement === box && links.length) {
      links[0].click(); e.preventDefault();
    } else if (e.key === "Escape") { box.focus(); box.select(); }
  });

  // Signature pad: draws on a canvas and keeps a PNG data URL in the form's hidden input.
  function initPad(canvas) {
    if (canvas.dataset.ready) return;
    canvas.dataset.ready = "1";
    var ctx = canvas.getContext("2d"), drawing = false, input = document.getElementById(canvas.dataset.input);
    function size() {
      var r = canvas.getBoundingClientRect();
      canvas.width = r.width; canvas.height = r.height;
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    }
    size();
    function pos(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    function end() { if (!drawing) return; drawing = false; if (input) input.value = canvas.toDataURL("image/png"); }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
    var clear = document.querySelector("[data-clear='" + canvas.id + "']");
    if (clear) clear.addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); if (input) input.value = ""; });
  }
  // No inline handlers (the Content-Security-Policy allows none): a select marked
  // data-autosubmit sends its form; a link marked data-back goes back when it can;
  // a button marked data-print prints the page.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
  });
  document.addEventListener("click", function (e) {
    var back = e.target.closest && e.target.closest("[data-back]");
    if (back && window.history.length > 1) { window.history.back(); e.preventDefault(); }
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
  // A styled file picker: the chosen names are written next to it.
  document.addEventListener("change", function (e) {
    var input = e.target, out = input.dataset && input.dataset.names && document.getElementById(input.dataset.names);
    if (!out) return;
    out.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
  });

  function pads() { document.querySelectorAll("canvas.signature").forEach(initPad); }
  document.addEventListener("DOMContentLoaded", pads);
  document.addEventListener("htmx:afterSwap", pads);
})();

// A dismiss button removes the element it names (the screen-pop, notices).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (button) {
    const target = button.closest(button.dataset.dismiss);
    if (target) target.remove();
  }
});

// Quote lines: picking a part from the catalogue fills its description and price.
document.addEventListener("change", (event) => {
  const input = event.target.closest("[data-part-picker]");
  if (!input || !input.list) return;
  const option = Array.from(input.list.options).find((o) => o.value === input.value.trim());
  const line = input.closest(".quote-line");
  if (!option || !line) return;
  const set = (suffix, value) => {
    const field = line.querySelector(`[name$="_${suffix}"]`);
    if (field && !field.dataset.touched) field.value = value;
  };
  set("description", option.dataset.name);
  set("unit_price", option.dataset.price);
  const kind = line.querySelector('[name$="_kind"]');
  if (kind) kind.value = "part";
});
document.addEventListener("input", (event) => {
  if (event.target.matches(".quote-line [name$='_description'], .quote-line [name$='_unit_price']")) {
    event.target.dataset.touched = "1";
  }
});

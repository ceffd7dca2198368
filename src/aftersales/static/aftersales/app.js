/* Small helpers: keyboard use of the hotline results, live SLA countdowns, signature pad. */
(function () {
  "use strict";
  function fmt(ms) {
    var neg = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var t = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(sec).padStart(2, "0");
    return (neg ? "-" : "") + t;
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-due")) - Date.now();
      el.textContent = fmt(left);
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

// Draws every <div class="chart" data-chart-id="X"> from the JSON in <script id="X">
// with the vendored ECharts (canvas renderer, so the charts print). The tables under
// the charts hold the exact figures; the charts only draw them.
(function () {
  "use strict";
  var PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"];

  function option(spec) {
    if (spec.type === "pie") {
      return {
        color: PALETTE, tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], name: spec.series[0].name,
          data: spec.categories.map(function (name, i) {
            return { name: name, value: spec.series[0].data[i] };
          }) }]
      };
    }
    return {
      color: PALETTE, tooltip: { trigger: "axis" }, animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 16, top: 36, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: spec.categories,
        axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: spec.series.map(function (s) {
        return { type: spec.type, name: s.name, data: s.data, stack: spec.stack ? "all" : null,
          areaStyle: spec.type === "line" && spec.stack ? {} : null };
      })
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll(".chart[data-chart-id]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart-id"));
      if (!source) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(JSON.parse(source.textContent)));
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

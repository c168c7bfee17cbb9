/* Disparity dashboards: draw the charts described in the page's #chart-data JSON with Chart.js.
   Every chart has the table of its numbers right below it; values are written on the bars and
   lines differ by dash pattern and point shape, so no chart relies on colour alone. */
(function () {
  "use strict";
  var COLOURS = ["#1f4e79", "#b35806", "#2d6a4f", "#6a3d9a", "#8c2d04", "#4d4d4d", "#01665e"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 8], [4, 1]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "cross", "crossRot"];
  var charts = [];

  function format(value, kind) {
    if (value === null || value === undefined) return "";
    if (kind === "percent") return (value * 100).toFixed(1) + "%";
    if (kind === "ratio") return value.toFixed(2);
    if (kind === "rate") return value.toFixed(1);
    if (kind === "money") return "$" + value.toFixed(0);
    return Math.round(value).toLocaleString();
  }

  // Writes each bar's value at its end: the chart reads without colour and without hovering.
  var directLabels = {
    id: "directLabels",
    afterDatasetsDraw: function (chart) {
      if (chart.config.type !== "bar") return;
      var ctx = chart.ctx;
      var kind = chart.options.plugins.directLabels.format;
      ctx.save();
      ctx.fillStyle = "#111";
      ctx.font = "12px sans-serif";
      ctx.textBaseline = "middle";
      var hidden = chart.options.plugins.directLabels.hidden || [];
      chart.data.datasets.forEach(function (dataset, i) {
        chart.getDatasetMeta(i).data.forEach(function (bar, j) {
          // A suppressed figure has no bar: its label ("<11", "suppressed") is written instead.
          var text = dataset.data[j] === null ? (hidden[j] || "") : format(dataset.data[j], kind);
          var x = isFinite(bar.x) && dataset.data[j] !== null ? bar.x : chart.scales.x.left;
          if (text) ctx.fillText(text, x + 4, bar.y);
        });
      });
      ctx.restore();
    }
  };

  // The value axis reads in the figure's own unit (a share as a percentage, a fine in dollars).
  function valueAxis(kind) {
    var axis = { beginAtZero: true };
    if (kind && kind !== "count") axis.ticks = { callback: function (v) { return format(v, kind); } };
    return axis;
  }

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    var specs = JSON.parse(source.textContent);
    specs.forEach(function (spec) {
      var canvas = document.getElementById(spec.id);
      if (!canvas) return;
      var line = spec.type === "line";
      var datasets = spec.series.map(function (s, i) {
        return {
          label: s.label,
          data: s.values,
          backgroundColor: COLOURS[i % COLOURS.length],
          borderColor: COLOURS[i % COLOURS.length],
          borderDash: line ? DASHES[i % DASHES.length] : [],
          pointStyle: POINTS[i % POINTS.length],
          pointRadius: line ? 4 : 0,
          borderWidth: line ? 2 : 0,
          spanGaps: true
        };
      });
      charts.push(new Chart(canvas, {
        type: line ? "line" : "bar",
        data: { labels: spec.labels, datasets: datasets },
        plugins: [directLabels],
        options: {
          indexAxis: line ? "x" : "y",
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          layout: { padding: { right: 60 } },
          plugins: {
            legend: { display: line, labels: { usePointStyle: true } },
            directLabels: { format: spec.format, hidden: spec.hidden || [] },
            tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + format(item.raw, spec.format); } } }
          },
          scales: line ? { x: {}, y: valueAxis(spec.format) } : { x: valueAxis(spec.format), y: {} }
        }
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();

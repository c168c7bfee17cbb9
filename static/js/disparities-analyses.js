/* The outcome test by district: one scatter per group (each district a point, the white hit rate
   across, the group's down, with the diagonal of equal rates), drawn from the page's #scatter-data
   JSON with Chart.js. The table below each chart gives every number; points carry their district's
   name on the chart, so nothing relies on colour. */
(function () {
  "use strict";
  var charts = [];

  function percent(v) { return (v * 100).toFixed(0) + "%"; }

  var pointLabels = {
    id: "pointLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "#111";
      ctx.font = "12px sans-serif";
      chart.getDatasetMeta(0).data.forEach(function (point, i) {
        ctx.fillText(chart.data.datasets[0].data[i].label, point.x + 6, point.y - 6);
      });
      ctx.restore();
    }
  };

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var source = document.getElementById("scatter-data");
    if (!source || typeof Chart === "undefined") return;
    JSON.parse(source.textContent).forEach(function (spec) {
      var canvas = document.getElementById(spec.id);
      if (!canvas) return;
      var top = 0;
      spec.points.forEach(function (p) { top = Math.max(top, p.x, p.y); });
      top = Math.min(1, Math.ceil((top + 0.05) * 10) / 10);
      charts.push(new Chart(canvas, {
        type: "scatter",
        data: { datasets: [
          { label: "Districts", data: spec.points, backgroundColor: "#1f4e79", pointRadius: 5, pointStyle: "circle" },
          { label: "Equal hit rates", type: "line", data: [{ x: 0, y: 0 }, { x: top, y: top }],
            borderColor: "#4d4d4d", borderDash: [6, 4], borderWidth: 1, pointRadius: 0 }
        ] },
        plugins: [pointLabels],
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          plugins: {
            legend: { display: true },
            tooltip: { callbacks: { label: function (item) {
              var p = item.raw;
              return (p.label || "") + ": white " + percent(p.x) + ", " + spec.label + " " + percent(p.y);
            } } }
          },
          scales: {
            x: { min: 0, max: top, title: { display: true, text: spec.x_label }, ticks: { callback: percent } },
            y: { min: 0, max: top, title: { display: true, text: spec.y_label }, ticks: { callback: percent } }
          }
        }
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();

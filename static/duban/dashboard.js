/* Draw the dashboard's two charts with the vendored Chart.js; data comes from json_script tags. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  Chart.defaults.font.family = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  Chart.defaults.animation = false;

  var depts = data("data-departments");
  new Chart(document.getElementById("chart-departments"), {
    type: "bar",
    data: {
      labels: depts.labels,
      datasets: [
        { label: "按时办结", data: depts.on_time, backgroundColor: "#2e7d32" },
        { label: "逾期办结", data: depts.late, backgroundColor: "#f9a825" },
        { label: "在办", data: depts.open, backgroundColor: "#90a4ae" }
      ]
    },
    options: {
      indexAxis: "y", maintainAspectRatio: false, maxBarThickness: 28,
      scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
      plugins: { legend: { position: "bottom" } }
    }
  });

  var months = data("data-months");
  new Chart(document.getElementById("chart-months"), {
    type: "bar",
    data: { labels: months.labels, datasets: [{ label: "办结任务数", data: months.closed, backgroundColor: "#1565c0" }] },
    options: {
      maintainAspectRatio: false, maxBarThickness: 48,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } }
    }
  });
})();

/* Seoul RTIS national R&D statistics: draw the [data-ntis-chart] line chart (computed Seoul share
 * by year, with the printed 2011–2015 share beside it) from its JSON blob. The table below the
 * chart holds the same figures for readers without JavaScript or sight. */
(function () {
  "use strict";
  function draw(element) {
    var blob = document.getElementById(element.getAttribute("data-ntis-chart"));
    if (!blob || !window.echarts) { return; }
    var data = JSON.parse(blob.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [data.label_share, data.label_printed] },
      xAxis: { type: "category", data: data.categories },
      yAxis: { type: "value", name: "%" },
      series: [
        { name: data.label_share, type: "line", data: data.share, connectNulls: false },
        { name: data.label_printed, type: "line", data: data.printed, lineStyle: { type: "dashed" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ntis-chart]").forEach(draw);
  });
}());

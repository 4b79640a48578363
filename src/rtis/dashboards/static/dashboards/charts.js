/* Seoul RTIS dashboards: draw each [data-chart] element with ECharts from its JSON blob.
 * The blob (rendered by {{ chart|json_script }}) holds categories, series, a drill-down URL per
 * category, the unit and an optional threshold line. Clicking a bar opens its records page.
 * Without JavaScript the page's table says the same. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cad", "#e08a00", "#1b7a3a", "#b3261e", "#6b4fbb"];

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function tooltip(data) {
    return function (items) {
      if (!items.length) { return ""; }
      var lines = [escape(data.names[items[0].dataIndex] || items[0].name)];
      items.forEach(function (item) {
        var value = item.value === null || item.value === undefined ? "-"
          : Number(item.value).toLocaleString("ko-KR") + " " + data.unit;
        lines.push(item.marker + escape(item.seriesName) + ": " + escape(value));
      });
      return lines.join("<br>");
    };
  }

  function option(data) {
    var horizontal = data.categories.length > 8;
    var categoryAxis = {
      type: "category", data: data.categories,
      axisLabel: { interval: 0, width: horizontal ? 210 : 90, overflow: "truncate" }
    };
    var valueAxis = { type: "value", name: data.unit, max: data.max === null ? undefined : data.max };
    if (horizontal) { valueAxis.nameLocation = "middle"; valueAxis.nameGap = 26; }
    var series = data.series.map(function (s, i) {
      var item = { name: s.name, type: "bar", data: s.data, cursor: "pointer" };
      if (i === data.series.length - 1 && data.mark) {
        item.markLine = {
          symbol: "none", silent: true, lineStyle: { color: "#b3261e", type: "dashed" },
          label: { formatter: data.mark.label, position: "insideEndTop" },
          data: [horizontal ? { xAxis: data.mark.value } : { yAxis: data.mark.value }]
        };
      }
      return item;
    });
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip(data) },
      legend: { top: 0 },
      grid: { left: horizontal ? 230 : 60, right: 40, top: 40, bottom: horizontal ? 50 : 60, containLabel: false },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: series
    };
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (data.categories.length > 8) {
      element.style.height = Math.max(320, data.categories.length * 28 + 80) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    chart.on("click", function (params) {
      var url = data.links[params.dataIndex];
      if (url) { window.location.assign(url); }
    });
    element.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var elements = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < elements.length; i++) { draw(elements[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The dashboard's charts (ECharts, loaded before this file): the figures come from the page's
 * <script type="application/json" id="stats-charts"> (json_script), never from inline code. */
(function () {
  "use strict";

  function start() {
    var source = document.getElementById("stats-charts");
    if (!window.echarts || !source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var red = "#b71c1c", grey = "#8d6e63";

    function draw(id, option) {
      var el = document.getElementById(id);
      if (!el) {
        return;
      }
      var chart = window.echarts.init(el, null, {renderer: "svg"});
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    }

    function trend(id, s) {
      draw(id, {
        grid: {left: 8, right: 12, top: 36, bottom: 8, containLabel: true},  // room for a district's six-digit axis
        tooltip: {trigger: "axis"},
        legend: {data: ["收集", "其中已办结"], top: 0, textStyle: {fontSize: 14}},
        xAxis: {type: "category", data: s.labels, axisLabel: {fontSize: 12, rotate: s.labels.length > 6 ? 45 : 0}},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: "收集", type: "bar", data: s.collected, itemStyle: {color: red}},
          {name: "其中已办结", type: "line", data: s.resolved, itemStyle: {color: grey}, symbolSize: 6}
        ]
      });
    }

    trend("chart-weekly", data.weekly);
    trend("chart-monthly", data.monthly);
    if (data.activities.labels.length) {
      draw("chart-activities", {
        grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
        tooltip: {},
        xAxis: {type: "value", minInterval: 1},
        yAxis: {type: "category", data: data.activities.labels, axisLabel: {fontSize: 13}},
        series: [{type: "bar", data: data.activities.values, itemStyle: {color: red}, label: {show: true, position: "right"}}]
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

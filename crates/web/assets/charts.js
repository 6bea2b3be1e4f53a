// Draws every chart of a page (ECharts) from its data-chart attribute: the same rows the table
// beside it prints (see src/pages/dashboard.rs). Charts that arrive with htmx are drawn too.
(function () {
  'use strict';

  function option(c) {
    var series = c.series.map(function (s, i) {
      var o = {
        name: s.name,
        type: c.kind === 'line' ? 'line' : 'bar',
        data: s.data,
        barMaxWidth: 36
      };
      if (c.kind === 'stack') { o.stack = 'total'; }
      if (c.mark && i === 0) {
        o.markLine = {
          symbol: 'none',
          data: [{ yAxis: c.mark[0] }],
          label: { formatter: c.mark[1], position: 'insideEndTop' },
          lineStyle: { color: '#b42318', type: 'dashed' }
        };
      }
      return o;
    });
    return {
      animation: false,
      color: ['#b42318', '#1c5d99', '#e3a008', '#0e7c3a', '#616e7c'],
      tooltip: {
        trigger: 'axis',
        valueFormatter: function (v) { return v + c.unit; }
      },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: c.categories,
        axisLabel: { interval: 0, rotate: c.categories.length > 6 ? 30 : 0 }
      },
      yAxis: { type: 'value', name: c.unit },
      series: series
    };
  }

  function draw(el) {
    if (el.getAttribute('data-drawn') || typeof echarts === 'undefined') { return; }
    var c;
    try { c = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
    el.setAttribute('data-drawn', '1');
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option(c));
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function drawAll() {
    var charts = document.querySelectorAll('.chart[data-chart]');
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
  document.addEventListener('htmx:afterSettle', drawAll);
})();

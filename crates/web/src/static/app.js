// ketenzicht: draw the charts the server describes, and wire clicks to filters.
// No inline script anywhere (CSP script-src 'self'); this file and the two libraries are all.
(function () {
  "use strict";

  function formatter(option) {
    // Tooltips drawn by the chart itself, not as HTML with inline styles (which the CSP,
    // style-src 'self', refuses).
    if (option.tooltip) {
      option.tooltip.renderMode = "richText";
    }
    // The server cannot send functions in JSON; a few named formatters stand in.
    if (option.tooltip && option.tooltip.valueFormatter === "procent") {
      option.tooltip.valueFormatter = function (v) {
        return v == null ? "–" : String(v).replace(".", ",") + "%";
      };
    }
    return option;
  }

  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".grafiek[data-optie]").forEach(function (el) {
      if (el.dataset.getekend) return;
      el.dataset.getekend = "1";
      var option = formatter(JSON.parse(el.dataset.optie));
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      var filter = option.ketenzicht && option.ketenzicht.filter;
      if (filter) {
        // A click anywhere in a category's column of the grid filters on that category.
        chart.getZr().on("click", function (e) {
          var point = [e.offsetX, e.offsetY];
          if (!chart.containPixel("grid", point)) return;
          var categories = chart.getOption().xAxis[0].data || [];
          var index = Math.round(chart.convertFromPixel({ xAxisIndex: 0 }, point[0]));
          var name = categories[index];
          var form = document.querySelector("form.filters");
          if (!form || name === undefined) return;
          if (filter === "maand") {
            // A month (YYYY-MM) on the axis: the period becomes that month.
            var parts = String(name).split("-");
            var year = Number(parts[0]), month = Number(parts[1]);
            if (!year || !month) return;
            var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
            var pad = function (n) { return String(n).padStart(2, "0"); };
            form.querySelector("[name='van']").value = year + "-" + pad(month) + "-01";
            form.querySelector("[name='tot']").value = year + "-" + pad(month) + "-" + pad(last);
          } else {
            var field = form.querySelector("[name='" + filter + "']");
            if (!field) return;
            field.value = name;
          }
          form.requestSubmit();
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();

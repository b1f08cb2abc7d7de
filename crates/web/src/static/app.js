// ketenzicht: draw the charts the server describes, and wire clicks to filters.
// No inline script anywhere (CSP script-src 'self'); this file and the two libraries are all.
(function () {
  "use strict";

  function formatter(option) {
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
        chart.on("click", function (params) {
          var form = document.querySelector("form.filters");
          var field = form && form.querySelector("[name='" + filter + "']");
          if (!field) return;
          field.value = params.name;
          form.requestSubmit();
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();

// Draws each outcomes chart from its Vega-Lite specification (a JSON data block beside it).
// Vega's expression interpreter is used instead of generated code, so the page's
// Content-Security-Policy needs no 'unsafe-eval'. Every chart also has a table view.
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function" || typeof vega === "undefined") return;
    document.querySelectorAll(".vega-chart[data-spec-id]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-spec-id"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      vegaEmbed(el, spec, {
        actions: false,
        renderer: "svg",
        ast: true,
        expr: vega.expressionInterpreter,
        defaultStyle: false,
        tooltip: false,
      }).then(function () {
        el.setAttribute("data-drawn", "true");
      }).catch(function (error) {
        el.setAttribute("data-error", String(error));
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

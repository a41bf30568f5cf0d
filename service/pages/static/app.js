/* cdo-portfolio pages: draw the charts, switch the department chart, small helpers. */
(function () {
  "use strict";

  // On a phone the x axis (dates, or amounts of the horizontal bars) gets a few ticks only,
  // so its labels never overlap.
  function thinTicks(layout) {
    layout.xaxis = Object.assign({ nticks: 4 }, layout.xaxis);
  }

  function drawCharts() {
    if (!window.Plotly) { return; }
    // No tool bar: it covered the legends, and the pages give every figure as a table.
    var config = { displayModeBar: false, responsive: true };
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      if (el.clientWidth < 480) { thinTicks(figure.layout); }
      window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
        el.setAttribute("data-drawn", "true");
      });
    });
  }

  // Bar widths come as data-fill (percent): no inline style under the CSP.
  function fillBars() {
    document.querySelectorAll("[data-fill]").forEach(function (el) {
      var share = parseFloat(el.getAttribute("data-fill"));
      el.style.width = (isNaN(share) ? 0 : Math.max(0, Math.min(100, share))) + "%";
    });
  }

  function switchChart(event) {
    var link = event.target.closest("[data-chart-switch]");
    if (!link || !window.Plotly) { return; }
    var chart = document.getElementById(link.getAttribute("data-chart-switch"));
    if (!chart || chart.getAttribute("data-drawn") !== "true") { return; }
    event.preventDefault();
    var visible = link.getAttribute("data-visible").split(",").map(function (v) { return v === "true"; });
    window.Plotly.restyle(chart, { visible: visible });
    link.parentNode.querySelectorAll("[data-chart-switch]").forEach(function (other) {
      if (other === link) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
    });
  }

  // Words shown by the scripts come in the page's language, from data-text-* on <body>.
  function text(name) {
    return document.body.getAttribute("data-text-" + name) || "";
  }

  function copySecret(event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var text = document.getElementById(button.getAttribute("data-copy")).textContent;
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text).then(function () { button.textContent = text("copied"); });
    }
  }

  function confirmSubmit(event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }

  // The client share only applies to hybrid initiatives; closing asks for lessons learned.
  function toggleDependent() {
    document.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("=");
      var input = document.querySelector("[name='" + rule[0] + "']:checked") ||
        document.querySelector("select[name='" + rule[0] + "']");
      el.hidden = !!input && rule[1].split("|").indexOf(input.value) < 0;
    });
  }

  // A form that came back with errors: its summary takes focus, so it is read first.
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // The menu: on narrow screens the Menu button shows and hides it (opening "More" with it);
  // Escape closes the menu or "More", and so do a click or focus elsewhere.
  function setupMenu() {
    var header = document.querySelector(".topbar");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) { return; }
    var more = header.querySelector(".more-menu");
    var narrow = function () { return toggle.offsetParent !== null; };
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.setAttribute("data-menu", open ? "open" : "closed");
      if (more) { more.open = open; }
    };
    setOpen(false);
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      if (narrow() && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      } else if (more && more.open && !narrow()) {
        var inside = more.contains(document.activeElement);
        more.open = false;
        if (inside) { more.querySelector("summary").focus(); }
      }
    });
    var closeMore = function (target) {
      if (more && more.open && !narrow() && !(target && more.contains(target))) { more.open = false; }
    };
    document.addEventListener("click", function (event) { closeMore(event.target); });
    if (!more) { return; }
    more.addEventListener("focusout", function (event) {
      if (event.relatedTarget) { closeMore(event.relatedTarget); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    fillBars();
    drawCharts();
    toggleDependent();
    focusErrors();
    document.addEventListener("change", toggleDependent);
    document.addEventListener("click", switchChart);
    document.addEventListener("click", copySecret);
    document.addEventListener("submit", confirmSubmit);
  });
}());

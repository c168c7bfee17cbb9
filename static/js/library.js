// Library search: htmx swaps the results; keep the keyboard where it was. Works without this file.
(function () {
  "use strict";
  var lastFocused = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var el = document.activeElement;
    lastFocused = el && el.id ? el.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.target || event.target.id !== "library-results") return;
    var el = lastFocused && document.getElementById(lastFocused);
    if (el && document.activeElement !== el) {
      el.focus();
    } else if (!el) {
      var heading = document.getElementById("results-heading");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
})();

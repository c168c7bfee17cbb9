// REAL Cities: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Disclosure menus in the header: close the others when one opens, close on Escape.
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLDetailsElement) || !target.open || !target.classList.contains("menu")) return;
    document.querySelectorAll("details.menu[open]").forEach(function (other) {
      if (other !== target) other.open = false;
    });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
})();

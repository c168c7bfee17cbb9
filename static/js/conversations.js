// Conversations: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // After a walk-in is added through htmx, empty the form and put the cursor back in the name.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("js-reset-on-success")) return;
    if (event.detail.successful) {
      form.reset();
      var first = form.querySelector("input[type=text]");
      if (first) first.focus();
    }
  });
})();

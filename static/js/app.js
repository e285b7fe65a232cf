// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Move focus to an error summary so screen reader and keyboard users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }

    // Warn before leaving a form with changes that have not been saved.
    var forms = document.querySelectorAll("form[data-warn-unsaved]");
    var dirty = false;
    forms.forEach(function (form) {
      // A page shown again after a problem holds text that is not saved yet.
      if (form.hasAttribute("data-unsaved-on-load")) { dirty = true; }
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
    });
    if (forms.length) {
      window.addEventListener("beforeunload", function (event) {
        if (dirty) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }
  });
})();

/* Seoul RTIS: the few behaviours every page shares. No inline script anywhere (CSP). */
(function () {
  "use strict";
  // Pages work without JavaScript; with it, the phone menu collapses behind a button.
  document.documentElement.classList.add("js");

  function ready() {
    var header = document.querySelector(".top");
    var toggle = document.querySelector(".menu-toggle");
    if (header && toggle) {
      toggle.addEventListener("click", function () {
        var open = header.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && header.classList.contains("open")) {
          header.classList.remove("open");
          toggle.setAttribute("aria-expanded", "false");
          toggle.focus();
        }
      });
    }
    // data-confirm and data-autosubmit are app.js's.
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

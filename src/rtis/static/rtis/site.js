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
    // <form data-confirm="…">: ask before submitting (deleting, locking).
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var question = form && form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
      }
    });
    // <select data-autosubmit>: choosing an option submits its form (a button is in <noscript>).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
        target.form.submit();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

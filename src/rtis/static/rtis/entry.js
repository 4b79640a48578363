// Entry pages: period pickers that submit on change, amounts regrouped with thousands separators.
// A static file rather than inline handlers, so that the Content-Security-Policy can forbid those.
(function () {
  "use strict";

  function grouped(text) {
    var compact = text.replace(/[,\s]/g, "");
    var match = /^([-\u2212\u25b3]?)(\d+)(\.\d+)?$/.exec(compact);
    if (!match) {
      return text; // leave it as typed: the server names what is wrong with it
    }
    var whole = match[2].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return match[1] + whole + (match[3] || "");
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("focusout", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-amount]")) {
      target.value = grouped(target.value);
    }
  });
})();

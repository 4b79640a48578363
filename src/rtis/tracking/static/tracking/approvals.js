// The approval queue: a "select all" box for the bulk decision and filters that apply on change.
// Without JavaScript every box is ticked by hand and the filters apply with the 보기 button.
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var boxes = function () {
      return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    };
    var sync = function () {
      var list = Array.prototype.slice.call(boxes());
      var ticked = list.filter(function (b) { return b.checked; }).length;
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    };
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
    });
    boxes().forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  });
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

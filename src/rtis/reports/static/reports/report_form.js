// The report form: the node list follows the chosen plan (and matters only for a pledge card);
// the as-of date follows the plan's data until the planner types one. Without JavaScript every
// plan's nodes are listed by plan and the server checks that the node belongs to the plan.
(function () {
  "use strict";
  var form = document.querySelector("form[data-report-form]");
  var blob = document.getElementById("report-as-of-defaults");
  if (!form) { return; }
  var defaults = blob ? JSON.parse(blob.textContent) : {};
  var kind = form.querySelector("select[name=kind]");
  var plan = form.querySelector("select[name=plan]");
  var node = form.querySelector("select[name=node]");
  var asOf = form.querySelector("input[name=as_of]");
  var asOfTouched = false;

  function showNodes() {
    node.querySelectorAll("optgroup").forEach(function (group) {
      var mine = group.getAttribute("data-plan") === plan.value;
      group.hidden = !mine;
      group.disabled = !mine;
      if (!mine && node.selectedOptions.length && group.contains(node.selectedOptions[0])) {
        node.value = "";
      }
    });
    node.disabled = kind.value !== node.getAttribute("data-pledge-card");
  }

  asOf.addEventListener("input", function () { asOfTouched = true; });
  plan.addEventListener("change", function () {
    if (!asOfTouched && defaults[plan.value]) { asOf.value = defaults[plan.value]; }
    showNodes();
  });
  kind.addEventListener("change", showNodes);
  showNodes();
})();

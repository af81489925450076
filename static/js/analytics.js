// Analytics page: choosing another activity charts it at once. The metric and split menus offer
// the charted activity's own only, so they are cleared and the server picks the new activity's
// default metric. Without JavaScript, "Show" after choosing the activity offers its metrics.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name !== "activity" || !select.form || select.form.id !== "analytics-filter") {
      return;
    }
    ["metric", "split"].forEach(function (name) {
      var other = select.form.elements[name];
      if (other) {
        other.value = "";
      }
    });
    select.form.requestSubmit();
  });
})();

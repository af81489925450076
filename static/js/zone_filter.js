// A filter box above long menus marked data-filterable (the 600-entry time-zone menu), and the
// browser's own time zone put into the sign-up form's hidden field.
(function () {
  "use strict";
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "zone-filter";
    box.placeholder = "Filter " + select.dataset.filterable + "…";
    box.setAttribute("aria-label", "Filter " + select.dataset.filterable);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase().replace(/ /g, "_");
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.value.toLowerCase().indexOf(needle) !== -1 || option.selected;
        option.hidden = !match;
      });
    });
  });
  var hidden = document.querySelector("input[type=hidden][name=time_zone]");
  if (hidden && !hidden.value && window.Intl && Intl.DateTimeFormat) {
    hidden.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }
})();

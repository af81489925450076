// Session detail: live clocks for running timers, the library search filter, and htmx settings.
(function () {
  "use strict";

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function formatElapsed(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  // Clocks are found on every tick, so cards swapped in by htmx keep ticking without rebinding.
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll("[data-clock-start]").forEach(function (clock) {
      var start = Number(clock.getAttribute("data-clock-start"));
      if (start) {
        clock.textContent = formatElapsed(now - start);
      }
    });
  }

  // Filter the options of the activity list as the user types (the server filters without JS).
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-filter-select]")) {
      return;
    }
    var select = document.getElementById(box.getAttribute("data-filter-select"));
    if (!select) {
      return;
    }
    var needle = box.value.trim().toLowerCase();
    var firstVisible = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var visible = option.text.toLowerCase().indexOf(needle) !== -1;
      option.hidden = !visible;
      option.disabled = !visible;
      if (visible && firstVisible === null) {
        firstVisible = option;
      }
    });
    if (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden) {
      select.value = firstVisible ? firstVisible.value : "";
    }
  });

  // Refused input answers 400 with the card showing the message: swap it in like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  tick();
  setInterval(tick, 1000);
})();

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

  // Drag a card by its handle within its section; the new order goes to the reorder endpoint
  // (the up/down buttons do the same one step at a time, and work without JavaScript).
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) {
      return;
    }
    dragged = handle.closest("article.instance");
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.id);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) {
      return;
    }
    var over = event.target.closest && event.target.closest("article.instance");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) {
      return;
    }
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) {
      event.preventDefault();
    }
  });

  document.addEventListener("dragend", function () {
    if (!dragged) {
      return;
    }
    var card = dragged;
    dragged = null;
    card.classList.remove("dragging");
    var list = card.closest("[data-reorder-url]");
    var ids = Array.prototype.map.call(list.querySelectorAll(":scope > article.instance"), function (entry) {
      return entry.getAttribute("data-instance");
    });
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    window.htmx.ajax("POST", list.getAttribute("data-reorder-url"), {
      target: "#session-body",
      swap: "outerHTML",
      values: { ids: ids, section: list.getAttribute("data-section") },
      headers: { "X-CSRFToken": token ? token.value : "" },
    });
  });

  tick();
  setInterval(tick, 1000);
})();

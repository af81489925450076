// The header's "In progress: <session> 12:31" link, asked for after the page has loaded.
(function () {
  "use strict";
  var link = document.getElementById("running-session");
  if (!link || !window.fetch) {
    return;
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  fetch(link.getAttribute("data-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : { running: null };
    })
    .then(function (data) {
      var running = data.running;
      if (!running || location.pathname === running.url) {
        return; // the session page shows its own clock
      }
      link.href = running.url;
      link.title = "Open the session in progress";
      var label = document.createElement("span");
      label.textContent = "In progress: " + running.name + " ";
      var clock = document.createElement("time");
      clock.className = "clock";
      link.replaceChildren(label, clock);
      link.hidden = false;
      function tick() {
        var seconds = Math.max(0, Math.floor(Date.now() / 1000 - running.started_at));
        var hours = Math.floor(seconds / 3600);
        var minutes = Math.floor((seconds % 3600) / 60);
        clock.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(seconds % 60);
      }
      tick();
      setInterval(tick, 1000);
    })
    .catch(function () {
      // Offline: the header simply shows nothing.
    });
})();

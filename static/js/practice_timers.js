// Session page timers: countdowns of activities with planned seconds, and the rest timer that
// starts when a set is confirmed. Both end with a short beep (Web Audio) and a vibration where
// the browser allows them. Elements are looked up on every tick, so htmx re-renders keep working.
(function () {
  "use strict";

  var audio = null;

  // Browsers allow sound only after a user gesture: the context is made on the first tap.
  document.addEventListener(
    "click",
    function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) {
        try {
          audio = new Context();
        } catch (error) {
          audio = null;
        }
      }
    },
    true
  );

  function signal() {
    if (navigator.vibrate) {
      try {
        navigator.vibrate([200, 100, 200]);
      } catch (error) {
        // Not allowed here: the visual state is enough.
      }
    }
    if (!audio) {
      return;
    }
    try {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.6);
    } catch (error) {
      // No audio output: nothing else to do.
    }
  }

  function format(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(seconds / 60);
    return minutes + ":" + String(seconds % 60).padStart(2, "0");
  }

  var body = document.getElementById("session-body");
  var restKey = "fractal-rest-" + (body ? body.getAttribute("data-session") : "");

  function restEnd() {
    try {
      return Number(sessionStorage.getItem(restKey)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function startRest(seconds) {
    try {
      sessionStorage.setItem(restKey, String(Date.now() + seconds * 1000));
    } catch (error) {
      // Private mode without storage: the timer then lasts only until the next re-render.
    }
    tick();
  }

  // Confirming a set (not undoing one) starts the rest of its activity or section.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.confirm-set");
    if (!button || button.getAttribute("aria-pressed") === "true") {
      return;
    }
    var card = button.closest("[data-rest-seconds]");
    if (card) {
      startRest(Number(card.getAttribute("data-rest-seconds")));
    }
  });

  var ended = {};

  function tick() {
    var now = Date.now();
    var rest = document.getElementById("rest-timer");
    var end = restEnd();
    if (rest && end) {
      var left = (end - now) / 1000;
      rest.hidden = false;
      if (left > 0) {
        rest.classList.remove("is-over");
        rest.textContent = "Rest " + format(left);
      } else if (left > -5) {
        rest.classList.add("is-over");
        rest.textContent = "Rest over";
        if (!ended[restKey + end]) {
          ended[restKey + end] = true;
          signal();
        }
      } else {
        rest.hidden = true;
        try {
          sessionStorage.removeItem(restKey);
        } catch (error) {
          // Nothing stored.
        }
      }
    }
    document.querySelectorAll("[data-countdown-start]").forEach(function (clock) {
      var start = Number(clock.getAttribute("data-countdown-start")) * 1000;
      var planned = Number(clock.getAttribute("data-countdown-seconds"));
      var remaining = planned - (now - start) / 1000;
      var key = clock.getAttribute("data-countdown-start");
      if (remaining > 0) {
        clock.textContent = format(remaining);
        clock.setAttribute("data-was-counting", "1");
        return;
      }
      clock.textContent = "Done";
      clock.classList.add("is-over");
      // Reaching zero while the page is open stops the timer (once); an old one is only shown.
      if (clock.getAttribute("data-was-counting") && !ended[key]) {
        ended[key] = true;
        signal();
        var form = clock.closest("form");
        var stop = form && form.querySelector("button[value='stop']");
        if (stop && form.requestSubmit) {
          form.requestSubmit(stop);
        }
      }
    });
  }

  tick();
  setInterval(tick, 250);
})();

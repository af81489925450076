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
    flushAll().then(function () {
      window.htmx.ajax("POST", list.getAttribute("data-reorder-url"), {
        target: "#session-body",
        swap: "outerHTML",
        values: { ids: ids, section: list.getAttribute("data-section") },
        headers: { "X-CSRFToken": csrfToken() },
      });
    });
  });


  // --- Autosave: nothing typed is lost ------------------------------------------------------
  // Every form of an activity card saves itself (typing is debounced, a change or leaving the
  // field saves at once). The requests of one card go through one queue, so they reach the
  // server in order, and a reply only replaces the card when nothing was typed in it since that
  // request was sent: a slow reply can never undo a newer edit. Session-wide actions (mark
  // complete, add, move, remove, reorder) wait until every queue is empty.
  var DEBOUNCE_MS = 700;
  var RETRY_MS = 3000;
  var cards = {};

  function cardState(key) {
    if (!cards[key]) {
      cards[key] = { queue: Promise.resolve(), generation: 0, pending: 0, dirty: {}, timers: {}, failed: false, refused: false };
    }
    return cards[key];
  }

  function csrfToken() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    return token ? token.value : "";
  }

  function keyOf(form) {
    var card = form.closest("article.instance");
    return card ? card.getAttribute("data-instance") : "session";
  }

  function findForm(key, kind) {
    if (key === "session") {
      return document.querySelector("form[data-session-form='" + kind + "']");
    }
    var card = document.getElementById("instance-" + key);
    return card && card.querySelector("form[data-card-form='" + kind + "']");
  }

  function hasUnsaved() {
    return Object.keys(cards).some(function (key) {
      var state = cards[key];
      return state.pending > 0 || state.failed || state.refused || Object.keys(state.dirty).some(function (kind) {
        return state.dirty[kind];
      });
    });
  }

  function showStatus() {
    var status = document.getElementById("save-status");
    if (!status) {
      return;
    }
    var saving = Object.keys(cards).some(function (key) {
      return cards[key].pending > 0;
    });
    var state = "saved";
    if (saving) {
      state = "saving";
    } else if (hasUnsaved()) {
      state = "unsaved";
    }
    status.setAttribute("data-state", state);
    status.textContent = { saved: "All changes saved", saving: "Saving…", unsaved: "Not saved" }[state];
  }

  // A note being written in a card is not saved by itself: when a save of the card's values
  // replaces the card, the note forms keep what was typed in them and stay open.
  function noteDrafts(card) {
    var drafts = {};
    card.querySelectorAll("form.note-form").forEach(function (form) {
      var fields = {};
      form.querySelectorAll("textarea, select, input[type=checkbox]").forEach(function (field) {
        fields[field.name] = field.type === "checkbox" ? field.checked : field.value;
      });
      var details = form.closest("details");
      drafts[form.getAttribute("action")] = { fields: fields, open: details ? details.open : false };
    });
    return drafts;
  }

  function restoreNoteDrafts(card, drafts) {
    card.querySelectorAll("form.note-form").forEach(function (form) {
      var draft = drafts[form.getAttribute("action")];
      if (!draft) {
        return;
      }
      form.querySelectorAll("textarea, select, input[type=checkbox]").forEach(function (field) {
        if (field.name in draft.fields) {
          if (field.type === "checkbox") {
            field.checked = draft.fields[field.name];
          } else {
            field.value = draft.fields[field.name];
          }
        }
      });
      var details = form.closest("details");
      if (details && draft.open) {
        details.open = true;
      }
    });
  }

  // Swap a card for the server's rendering, keeping the cursor where the user is.
  function replaceCard(key, html) {
    var card = document.getElementById("instance-" + key);
    if (!card) {
      return;
    }
    var focused = document.activeElement;
    var focusName = focused && card.contains(focused) ? focused.getAttribute("name") : null;
    var focusForm = focusName && focused.form ? focused.form.getAttribute("action") : null;
    var drafts = noteDrafts(card);
    var selection = null;
    if (focusName && typeof focused.selectionStart === "number") {
      try {
        selection = [focused.selectionStart, focused.selectionEnd];
      } catch (error) {
        selection = null;
      }
    }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("article.instance");
    if (!fresh) {
      return;
    }
    card.replaceWith(fresh);
    restoreNoteDrafts(fresh, drafts);
    if (window.htmx) {
      window.htmx.process(fresh);
    }
    addSteppers(fresh);
    if (focusName) {
      var scope = focusForm ? fresh.querySelector("form[action='" + focusForm + "']") || fresh : fresh;
      var again = scope.querySelector("[name='" + focusName + "']");
      if (again) {
        again.focus();
        if (selection) {
          try {
            again.setSelectionRange(selection[0], selection[1]);
          } catch (error) {
            // Not a text field: nothing to restore.
          }
        }
      }
    }
  }

  function send(key, kind, submitter) {
    var state = cardState(key);
    var form = findForm(key, kind);
    if (!form) {
      return Promise.resolve();
    }
    // Read the form when the request leaves, so it carries the latest values.
    // The card may have been re-rendered since the click: use the same button of the current form.
    if (submitter && !form.contains(submitter)) {
      submitter = submitter.name
        ? form.querySelector("button[name='" + submitter.name + "'][value='" + submitter.value + "']")
        : null;
    }
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    var sentAt = state.generation;
    state.dirty[kind] = false;
    // getAttribute: a button named "action" (the timer form) shadows form.action.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          state.failed = false;
          state.refused = response.status === 400;
          if (response.status >= 500 || (response.status !== 200 && response.status !== 400)) {
            state.failed = true;
            state.dirty[kind] = true;
            return;
          }
          if (key === "session") {
            var box = document.getElementById("session-save-errors");
            if (box) {
              var parsed = document.createElement("div");
              parsed.innerHTML = html;
              var errors = state.refused ? parsed.querySelector(".errors") : null;
              box.innerHTML = errors ? errors.innerHTML : "";
            }
            return;
          }
          if (state.generation === sentAt) {
            replaceCard(key, html);
          } else if (state.refused) {
            state.dirty[kind] = true;
          }
        });
      })
      .catch(function () {
        // Offline or the server is unreachable: keep the edit and try again shortly.
        state.failed = true;
        state.dirty[kind] = true;
        setTimeout(function () {
          if (state.dirty[kind]) {
            enqueue(key, kind);
          }
        }, RETRY_MS);
      });
  }

  function enqueue(key, kind, submitter) {
    var state = cardState(key);
    clearTimeout(state.timers[kind]);
    state.pending += 1;
    showStatus();
    var done = state.queue.then(function () {
      return send(key, kind, submitter);
    });
    state.queue = done.then(function () {
      state.pending -= 1;
      showStatus();
    });
    return state.queue;
  }

  // Save every edit still waiting for its debounce, then wait for every queue to empty.
  function flushAll() {
    Object.keys(cards).forEach(function (key) {
      var state = cards[key];
      Object.keys(state.dirty).forEach(function (kind) {
        if (state.dirty[kind]) {
          enqueue(key, kind);
        }
      });
    });
    return Promise.all(
      Object.keys(cards).map(function (key) {
        return cards[key].queue;
      })
    );
  }
  window.fractalFlushEdits = flushAll;

  function autosaveForm(target) {
    if (!target.closest) {
      return null;
    }
    var form = target.closest("form[data-card-form], form[data-session-form]");
    if (!form) {
      return null;
    }
    var kind = form.getAttribute("data-card-form") || form.getAttribute("data-session-form");
    if (kind === "timer") {
      return null;
    }
    return { form: form, key: keyOf(form), kind: kind };
  }

  function markEdited(found) {
    var state = cardState(found.key);
    state.generation += 1;
    state.dirty[found.kind] = true;
    state.refused = false;
    showStatus();
  }

  document.addEventListener("input", function (event) {
    var found = autosaveForm(event.target);
    if (!found) {
      return;
    }
    markEdited(found);
    var state = cardState(found.key);
    clearTimeout(state.timers[found.kind]);
    if (event.target.type === "checkbox") {
      enqueue(found.key, found.kind);
      return;
    }
    state.timers[found.kind] = setTimeout(function () {
      enqueue(found.key, found.kind);
    }, DEBOUNCE_MS);
  });

  document.addEventListener("change", function (event) {
    var found = autosaveForm(event.target);
    if (!found) {
      return;
    }
    var state = cardState(found.key);
    if (event.target.type === "checkbox") {
      return; // saved by its input event already
    }
    if (!state.dirty[found.kind]) {
      markEdited(found);
    }
    enqueue(found.key, found.kind);
  });

  document.addEventListener("focusout", function (event) {
    var found = autosaveForm(event.target);
    if (found && cardState(found.key).dirty[found.kind]) {
      enqueue(found.key, found.kind);
    }
  });

  // Explicit buttons (Save, Add set, Start/Stop timer) go through the same queue.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-card-form], form[data-session-form]")) {
      return;
    }
    event.preventDefault();
    var key = keyOf(form);
    var kind = form.getAttribute("data-card-form") || form.getAttribute("data-session-form");
    cardState(key).generation += 1;
    enqueue(key, kind, event.submitter || null);
  });

  // Enter in a value cell moves to the next cell (and the cell just left saves itself).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("table.values input")) {
      return;
    }
    event.preventDefault();
    var cells = Array.prototype.slice.call(document.querySelectorAll("table.values input"));
    var next = cells[cells.indexOf(event.target) + 1];
    if (next) {
      next.focus();
      next.select();
    } else {
      event.target.blur();
    }
  });

  // ± steppers beside each value cell (JavaScript only; the cells stay plain inputs).
  function addSteppers(root) {
    root.querySelectorAll("table.values input").forEach(function (input) {
      if (input.parentNode.querySelector(".step")) {
        return;
      }
      [-1, 1].forEach(function (direction) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "step";
        button.textContent = direction < 0 ? "−" : "+";
        // A short label, so "Weight set 1" still names the cell alone.
        button.setAttribute("aria-label", direction < 0 ? "Decrease" : "Increase");
        button.title = (direction < 0 ? "Decrease " : "Increase ") + input.getAttribute("aria-label");
        button.tabIndex = -1;
        button.addEventListener("click", function () {
          var current = parseFloat((input.value || input.placeholder || "0").replace(",", ".")) || 0;
          input.value = String(Math.max(0, Math.round((current + direction) * 1000) / 1000));
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
        if (direction < 0) {
          input.parentNode.insertBefore(button, input);
        } else {
          input.parentNode.appendChild(button);
        }
      });
    });
  }
  addSteppers(document);

  // Session-wide requests replace the whole body: save every card first.
  document.addEventListener("htmx:confirm", function (event) {
    event.preventDefault();
    flushAll().then(function () {
      var elt = event.detail.elt;
      // A save just replaced the card the form was in (htmx drops requests of detached elements):
      // send the same form of the new card instead (a note form there kept what was typed).
      if (!document.body.contains(elt) && elt.matches && elt.matches("form[action]")) {
        // Add-note forms of every card share their action: look in the same card only.
        var oldCard = elt.closest("article.instance");
        var scope = oldCard ? document.getElementById(oldCard.id) : document;
        var again = scope && scope.querySelector("form[action='" + elt.getAttribute("action") + "']");
        if (again && window.htmx) {
          window.htmx.trigger(again, "submit");
        }
        return;
      }
      event.detail.issueRequest(false);
    });
  });

  // "Mark complete" also carries every value on the page, so the server records them before it
  // evaluates the targets even if a save above failed.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.matches || !event.detail.elt.matches("form[data-complete-form]")) {
      return;
    }
    document.querySelectorAll("article.instance form[data-card-form='values']").forEach(function (form) {
      var key = keyOf(form);
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken") {
          return;
        }
        event.detail.parameters[key + ":" + name] = value;
      });
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "session-body") {
      cards = {};
      addSteppers(document);
      showStatus();
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    addSteppers(document);
  });

  window.addEventListener("beforeunload", function (event) {
    if (hasUnsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  tick();
  setInterval(tick, 1000);
})();

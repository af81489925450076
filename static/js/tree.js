// Enhancements of the goal tree; every action also works without this script (links and forms).
// In place: add a child, rename, complete / reopen (only the changed row is swapped), drag and
// drop to move or reorder (the server checks the level rule), keyboard navigation.
(() => {
  const tree = document.getElementById("goal-tree");
  if (!tree) return;
  const base = tree.dataset.goalsBase;
  const csrf = document.querySelector("#goal-action [name=csrfmiddlewaretoken]").value;
  const rowOf = (element) => element.closest("li.tree-item");
  const goalId = (li) => li.id.slice("goal-".length);
  const parentRow = (li) => li.parentElement.closest("li.tree-item");

  async function post(url, data) {
    const body = new URLSearchParams(data);
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrf, "HX-Request": "true" },
      credentials: "same-origin",
    });
    return { ok: response.ok, status: response.status, text: await response.text() };
  }

  // Put a fragment from the server in place of (or into) an element; the messages come along.
  function place(html, apply) {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const notes = holder.content.querySelector("#messages");
    if (notes) {
      notes.remove();
      notes.removeAttribute("hx-swap-oob");
      document.getElementById("messages").replaceWith(notes);
    }
    const element = holder.content.firstElementChild;
    apply(element);
    if (window.htmx) window.htmx.process(element);
    return element;
  }

  function problem(text) {
    const notes = document.getElementById("messages");
    notes.innerHTML = "";
    const list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", "alert");
    const item = document.createElement("li");
    item.className = "message error";
    item.textContent = text || "That did not work; reload the page and try again.";
    list.append(item);
    notes.append(list);
  }

  async function swapRow(li, url, data) {
    const result = await post(url, data);
    if (!result.ok) return problem(result.text);
    const summary = li.querySelector(":scope > details > summary");
    place(result.text, (element) => summary.replaceWith(element));
    li.classList.toggle("is-completed", Boolean(li.querySelector(":scope > details > summary .done-mark")));
    li.querySelector(":scope > details > summary .goal-name").focus();
  }

  function openAddForm(li) {
    const details = li.querySelector(":scope > details");
    const existing = details.querySelector(":scope > form.add-child");
    const childLabel = li.querySelector("[data-add-child]")?.dataset.addChild;
    if (existing) { existing.querySelector("input[name=name]").focus(); return; }
    if (!childLabel) return;
    const form = document.getElementById("add-child-form").content.firstElementChild.cloneNode(true);
    form.action = `${base}${goalId(li)}/add/`;
    const name = form.querySelector("input[name=name]");
    name.placeholder = `Name of the ${childLabel}`;
    form.querySelector(".add-label").textContent = `New ${childLabel}:`;
    details.open = true;
    details.querySelector(":scope > summary").after(form);
    name.focus();
  }

  async function submitAdd(form) {
    const li = rowOf(form);
    const result = await post(`${base}${goalId(li)}/add-in-place/`, new FormData(form));
    if (!result.ok) return problem(result.text);
    let list = li.querySelector(":scope > details > ul.tree-children");
    if (!list) {
      list = document.createElement("ul");
      list.className = "tree-children";
      li.querySelector(":scope > details").append(list);
      li.querySelector(":scope > details > summary").classList.remove("leaf");
    }
    list.querySelector(":scope > li.tree-more")?.remove();
    place(result.text, (element) => list.append(element));
    form.reset();
    form.querySelector("input[name=name]").focus(); // ready for the next sibling
  }

  function openRename(li) {
    const summary = li.querySelector(":scope > details > summary");
    const link = summary.querySelector(".goal-name");
    const form = document.getElementById("rename-form").content.firstElementChild.cloneNode(true);
    form.action = `${base}${goalId(li)}/rename/`;
    const input = form.querySelector("input[name=name]");
    input.value = link.textContent;
    summary.querySelector("details.row-menu").open = false;
    link.hidden = true;
    link.after(form);
    input.focus();
    input.select();
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-tree-toggle]");
    if (toggle) {
      const open = toggle.dataset.treeToggle === "open";
      tree.querySelectorAll("details.tree-node").forEach((node) => { node.open = open; });
      return;
    }
    if (!tree.contains(event.target)) return;
    const confirmable = event.target.closest("[data-confirm]");
    if (confirmable && !window.confirm(confirmable.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    const add = event.target.closest("[data-add-child]");
    if (add) {
      event.preventDefault();
      add.closest("details.row-menu").open = false;
      openAddForm(rowOf(add));
      return;
    }
    const rename = event.target.closest("[data-rename]");
    if (rename) {
      event.preventDefault();
      openRename(rowOf(rename));
      return;
    }
    const action = event.target.closest("[data-row-action]");
    if (action) {
      event.preventDefault();
      const li = rowOf(action);
      swapRow(li, action.formAction, { next: `${base}${goalId(li)}/row/` });
      return;
    }
    const cancel = event.target.closest("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      const form = cancel.closest("form");
      const link = form.parentElement.querySelector(".goal-name[hidden]");
      if (link) { link.hidden = false; link.focus(); }
      form.remove();
    }
  });

  tree.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form.add-child")) {
      event.preventDefault();
      submitAdd(form);
    } else if (form.matches("form.rename")) {
      event.preventDefault();
      swapRow(rowOf(form), form.action, new FormData(form));
    }
  });

  // Keyboard: arrows between the visible goals, left/right to fold, "a" to add a child.
  tree.addEventListener("keydown", (event) => {
    const link = event.target.closest(".goal-name");
    if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
    const li = rowOf(link);
    const visible = [...tree.querySelectorAll(".goal-name")].filter((a) => a.offsetParent !== null);
    const index = visible.indexOf(link);
    const details = li.querySelector(":scope > details");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const next = visible[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
    } else if (event.key === "ArrowRight") {
      details.open = true;
    } else if (event.key === "ArrowLeft") {
      if (details.open && details.querySelector(":scope > ul")) details.open = false;
      else parentRow(li)?.querySelector(":scope > details > summary .goal-name").focus();
    } else if (event.key === "a") {
      openAddForm(li);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Drag and drop: onto a goal one level up (move under it, last) or onto a sibling-level goal
  // (take its place among its siblings). The server checks again; a refusal leaves the page as is.
  let dragged = null;
  const clearMarks = () => tree.querySelectorAll(".drop-ok, .drop-no").forEach((e) => e.classList.remove("drop-ok", "drop-no"));

  function dropPlan(li, event) {
    if (!dragged || li === dragged || dragged.contains(li)) return null;
    if (li.dataset.childLevel === dragged.dataset.level) return { parent: li, before: null };
    if (li.dataset.level === dragged.dataset.level && parentRow(li)) {
      const box = li.querySelector(":scope > details > summary").getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      return { parent: parentRow(li), before: after ? li.nextElementSibling : li };
    }
    return null;
  }

  tree.addEventListener("dragstart", (event) => {
    const summary = event.target.closest && event.target.closest("summary.goal-row");
    if (!summary) return;
    dragged = rowOf(summary);
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", goalId(dragged));
  });
  tree.addEventListener("dragover", (event) => {
    const summary = event.target.closest && event.target.closest("summary.goal-row");
    if (!summary || !dragged) return;
    clearMarks();
    const plan = dropPlan(rowOf(summary), event);
    summary.classList.add(plan ? "drop-ok" : "drop-no");
    if (plan) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    } else {
      event.dataTransfer.dropEffect = "none";
    }
  });
  tree.addEventListener("dragleave", (event) => {
    event.target.closest?.("summary.goal-row")?.classList.remove("drop-ok", "drop-no");
  });
  tree.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });
  tree.addEventListener("drop", async (event) => {
    const summary = event.target.closest && event.target.closest("summary.goal-row");
    const moving = dragged;
    if (!summary || !moving) return;
    const plan = dropPlan(rowOf(summary), event);
    clearMarks();
    if (!plan) return;
    event.preventDefault();
    let list = plan.parent.querySelector(":scope > details > ul.tree-children");
    const siblings = list ? [...list.children].filter((e) => e.matches("li.tree-item") && e !== moving) : [];
    const position = plan.before ? siblings.indexOf(plan.before) : siblings.length;
    const result = await post(`${base}${goalId(moving)}/drop/`, {
      parent: goalId(plan.parent),
      position: position < 0 ? siblings.length : position,
    });
    if (!result.ok) return problem(result.text);
    if (!list) {
      list = document.createElement("ul");
      list.className = "tree-children";
      plan.parent.querySelector(":scope > details").append(list);
      plan.parent.querySelector(":scope > details > summary").classList.remove("leaf");
    }
    const oldList = moving.parentElement;
    list.insertBefore(moving, plan.before && plan.before !== moving ? plan.before : null);
    if (oldList !== list && !oldList.querySelector("li")) {
      oldList.closest("details").querySelector(":scope > summary").classList.add("leaf");
      oldList.remove();
    }
    moving.querySelector(":scope > details > summary .goal-name").focus();
  });
})();

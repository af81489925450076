// Small enhancements of the goal tree; every action also works without this script.
(() => {
  const tree = document.getElementById("goal-tree");
  if (!tree) return;

  document.addEventListener("click", (event) => {
    // Expand or collapse every node at once.
    const toggle = event.target.closest("[data-tree-toggle]");
    if (toggle) {
      const open = toggle.dataset.treeToggle === "open";
      tree.querySelectorAll("details.tree-node").forEach((node) => { node.open = open; });
      return;
    }
    // Ask before deleting a subtree.
    const confirmable = event.target.closest("[data-confirm]");
    if (confirmable && !window.confirm(confirmable.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // "+ Add" opens an inline form under the goal instead of the separate page.
    const add = event.target.closest("[data-add-child]");
    if (add) {
      event.preventDefault();
      const details = add.closest("details");
      const existing = details.querySelector(":scope > form.add-child");
      if (existing) { existing.querySelector("input[name=name]").focus(); return; }
      const form = document.getElementById("add-child-form").content.firstElementChild.cloneNode(true);
      form.action = add.getAttribute("href");
      const name = form.querySelector("input[name=name]");
      name.placeholder = `Name of the ${add.dataset.addChild}`;
      form.querySelector(".add-label").textContent = `New ${add.dataset.addChild}:`;
      details.open = true;
      details.querySelector(":scope > summary").after(form);
      name.focus();
      return;
    }
    const cancel = event.target.closest("form.add-child [data-cancel]");
    if (cancel) cancel.closest("form").remove();
  });
})();

// Expand or collapse every node of the goal tree at once.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const open = button.dataset.treeToggle === "open";
  document.querySelectorAll("#goal-tree details.tree-node").forEach((node) => {
    node.open = open;
  });
});

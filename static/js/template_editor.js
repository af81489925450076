// Template editor: ordered activities per section, section reorder, and new sections.
// The server reads each section's hidden "activities" field (ids in order) and its ORDER field.
(function () {
  "use strict";
  const editor = document.querySelector("[data-template-editor]");
  if (!editor) return;
  const container = editor.querySelector("[data-sections]");
  const emptySection = editor.querySelector("template[data-empty-section]");
  const totalForms = editor.querySelector('input[name$="-TOTAL_FORMS"]');

  function syncActivities(section) {
    const ids = Array.from(section.querySelectorAll("[data-chosen] > li")).map((item) => item.dataset.id);
    section.querySelector("input[data-activity-ids]").value = ids.join(",");
  }

  function activityItem(id, name) {
    const item = document.createElement("li");
    item.dataset.id = id;
    const label = document.createElement("span");
    label.textContent = name;
    item.append(label);
    for (const [text, action, title] of [["↑", "up", "Move up"], ["↓", "down", "Move down"], ["✕", "remove", "Remove"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.dataset.activityAction = action;
      button.setAttribute("aria-label", title);
      item.append(button);
    }
    return item;
  }

  function renumberSections() {
    container.querySelectorAll("[data-section]").forEach((section, index) => {
      const order = section.querySelector('input[name$="-ORDER"]');
      if (order) order.value = index + 1;
    });
  }

  function enhance(section) {
    // Rebuild server-rendered items with their buttons.
    section.querySelectorAll("[data-chosen] > li").forEach((item) => {
      item.replaceWith(activityItem(item.dataset.id, item.textContent.trim()));
    });
    syncActivities(section);
  }

  editor.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const section = button.closest("[data-section]");
    if (button.hasAttribute("data-add-activity")) {
      const select = section.querySelector("[data-library]");
      const option = select.options[select.selectedIndex];
      if (!option) return;
      section.querySelector("[data-chosen]").append(activityItem(option.value, option.textContent));
      syncActivities(section);
    } else if (button.dataset.activityAction) {
      const item = button.closest("li");
      if (button.dataset.activityAction === "remove") item.remove();
      else if (button.dataset.activityAction === "up" && item.previousElementSibling) item.previousElementSibling.before(item);
      else if (button.dataset.activityAction === "down" && item.nextElementSibling) item.nextElementSibling.after(item);
      syncActivities(section);
    } else if (button.dataset.moveSection) {
      if (button.dataset.moveSection === "-1" && section.previousElementSibling) section.previousElementSibling.before(section);
      if (button.dataset.moveSection === "1" && section.nextElementSibling) section.nextElementSibling.after(section);
      renumberSections();
    } else if (button.hasAttribute("data-add-section")) {
      const index = Number(totalForms.value);
      const html = emptySection.innerHTML.replaceAll("__prefix__", String(index));
      container.insertAdjacentHTML("beforeend", html);
      totalForms.value = index + 1;
      enhance(container.lastElementChild);
      renumberSections();
    }
  });

  container.querySelectorAll("[data-section]").forEach(enhance);
  editor.classList.add("enhanced");
  renumberSections();
})();

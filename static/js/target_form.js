// The target form shows the fields that apply to the chosen kind and scope: an element with
// data-show-for="kind:frequency" (or "scope:range", several values comma-separated) shows only
// then. Without scripts every field shows, each saying what it is for. A sum counts up with ≥
// only, so its rule menus are set to ≥ and hidden. (A file, not inline script: the CSP.)
(function () {
  function update(form) {
    const chosen = {};
    for (const name of ["kind", "scope"]) {
      const field = form.querySelector(`[name="${name}"]`);
      chosen[name] = field ? field.value : "";
    }
    for (const element of form.querySelectorAll("[data-show-for]")) {
      const [name, values] = element.dataset.showFor.split(":");
      element.hidden = !values.split(",").includes(chosen[name]);
    }
    if (chosen.kind === "sum") {
      for (const select of form.querySelectorAll("select[data-operator]")) {
        select.value = "gte";
      }
    }
  }

  function updateAll() {
    for (const form of document.querySelectorAll("form[data-target-form]")) {
      update(form);
    }
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-target-form]");
    if (form && (event.target.name === "kind" || event.target.name === "scope")) {
      update(form);
    }
  });
  // The activity's fields are swapped in by htmx: apply the choice to them too.
  document.addEventListener("htmx:afterSettle", updateAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateAll);
  } else {
    updateAll();
  }
})();

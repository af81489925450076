// The goal map (front/fractal_map.html): pan (drag), zoom (wheel, pinch, buttons, + and − keys),
// a goal's panel fetched in place when a node is clicked, and cycling through search matches.
// Without this script the map still works: the stage scrolls and every node link opens the panel
// by loading the page with ?panel=.
(function () {
  "use strict";
  const stage = document.getElementById("goal-map");
  if (!stage) return;
  const svg = stage.querySelector("svg.goal-map-svg");
  const panel = document.getElementById("map-panel");
  const layout = stage.closest(".map-layout");
  const box = svg.viewBox.baseVal;
  const bounds = { x: box.x, y: box.y, w: box.width, h: box.height };
  const view = { x: 0, y: 0, w: 1, h: 1 };
  const MIN_WIDTH = 160; // svg units across the stage at the closest zoom

  stage.classList.add("is-interactive");
  stage.querySelector(".map-controls").hidden = false;

  function size() {
    const rect = stage.getBoundingClientRect();
    return { w: Math.max(rect.width, 1), h: Math.max(rect.height, 1) };
  }
  function apply() {
    // The view keeps the stage's shape, so one unit is as wide as it is high.
    const s = size();
    view.h = (view.w * s.h) / s.w;
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  }
  function maxWidth() {
    const s = size();
    return Math.max(bounds.w, (bounds.h * s.w) / s.h) * 2;
  }
  function setWidth(width, cx, cy) {
    const clamped = Math.min(Math.max(width, MIN_WIDTH), maxWidth());
    const ratio = clamped / view.w;
    view.x = cx - (cx - view.x) * ratio;
    view.y = cy - (cy - view.y) * ratio;
    view.w = clamped;
    apply();
  }
  function zoom(factor, cx, cy) {
    if (cx === undefined) {
      cx = view.x + view.w / 2;
      cy = view.y + view.h / 2;
    }
    setWidth(view.w / factor, cx, cy);
  }
  function fit() {
    const s = size();
    // The whole drawing, blown up at most a little past its natural size.
    let width = Math.max(bounds.w, (bounds.h * s.w) / s.h, s.w / 1.4);
    // A huge drawing fitted whole is a cloud of dots: start at a third of its size, from the top.
    const tooSmall = width > s.w * 3;
    if (tooSmall) width = s.w * 3;
    view.w = width;
    view.h = (width * s.h) / s.w;
    view.x = bounds.x + bounds.w / 2 - view.w / 2;
    const radial = svg.classList.contains("layout-radial");
    view.y = tooSmall && !radial ? bounds.y : bounds.y + bounds.h / 2 - view.h / 2;
    apply();
  }
  function toSvg(clientX, clientY) {
    const matrix = svg.getScreenCTM();
    if (!matrix) return { x: view.x, y: view.y };
    const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  }
  function nodePosition(node) {
    const matrix = node.transform.baseVal.consolidate();
    return matrix ? { x: matrix.matrix.e, y: matrix.matrix.f } : { x: 0, y: 0 };
  }
  function centreOn(node) {
    const s = size();
    const at = nodePosition(node);
    if (view.w > s.w * 1.5) view.w = s.w; // close enough to read
    view.h = (view.w * s.h) / s.w;
    view.x = at.x - view.w / 2;
    view.y = at.y - view.h / 2;
    apply();
  }

  // --- pan with one pointer, pinch with two --------------------------------------------------
  const pointers = new Map();
  let moved = false;
  let pinch = null;
  stage.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 && event.pointerType === "mouse") return;
    if (event.target.closest(".map-controls")) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY, startX: event.clientX, startY: event.clientY });
    if (pointers.size === 1) moved = false;
    if (pointers.size === 2) pinch = null;
  });
  stage.addEventListener("pointermove", (event) => {
    const pointer = pointers.get(event.pointerId);
    if (!pointer) return;
    const s = size();
    if (pointers.size === 1) {
      if (!moved && Math.hypot(event.clientX - pointer.startX, event.clientY - pointer.startY) < 5) return;
      if (!moved) {
        moved = true;
        stage.setPointerCapture(event.pointerId);
        stage.classList.add("is-panning");
      }
      view.x -= ((event.clientX - pointer.x) * view.w) / s.w;
      view.y -= ((event.clientY - pointer.y) * view.w) / s.w;
      pointer.x = event.clientX;
      pointer.y = event.clientY;
      apply();
      return;
    }
    pointer.x = event.clientX;
    pointer.y = event.clientY;
    const [a, b] = [...pointers.values()];
    const distance = Math.hypot(a.x - b.x, a.y - b.y);
    const middle = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    moved = true;
    if (pinch) {
      const at = toSvg(middle.x, middle.y);
      view.x -= ((middle.x - pinch.middle.x) * view.w) / s.w;
      view.y -= ((middle.y - pinch.middle.y) * view.w) / s.w;
      zoom(distance / pinch.distance, at.x, at.y);
    }
    pinch = { distance: Math.max(distance, 1), middle };
  });
  function release(event) {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
    if (!pointers.size) stage.classList.remove("is-panning");
  }
  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);
  // A drag that ends on a node is not a click on it.
  stage.addEventListener(
    "click",
    (event) => {
      if (moved && event.target.closest("svg")) {
        event.preventDefault();
        event.stopPropagation();
        moved = false;
      }
    },
    true,
  );
  stage.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const at = toSvg(event.clientX, event.clientY);
      zoom(Math.exp(-event.deltaY * 0.002), at.x, at.y);
    },
    { passive: false },
  );
  stage.addEventListener("keydown", (event) => {
    const step = view.w / 8;
    const keys = {
      "+": () => zoom(1.25),
      "=": () => zoom(1.25),
      "-": () => zoom(0.8),
      0: fit,
      ArrowLeft: () => (view.x -= step),
      ArrowRight: () => (view.x += step),
      ArrowUp: () => (view.y -= step),
      ArrowDown: () => (view.y += step),
    };
    if (!(event.key in keys) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    keys[event.key]();
    apply();
  });
  stage.querySelector(".map-controls").addEventListener("click", (event) => {
    const button = event.target.closest("[data-zoom]");
    if (!button) return;
    if (button.dataset.zoom === "fit") fit();
    else zoom(button.dataset.zoom === "in" ? 1.25 : 0.8);
  });
  // When the stage changes size (the panel opens, the phone turns) keep the scale and the centre.
  let last = size();
  new ResizeObserver(() => {
    const now = size();
    const cx = view.x + view.w / 2;
    const cy = view.y + view.h / 2;
    view.w = (view.w * now.w) / last.w;
    view.h = (view.w * now.h) / now.w;
    view.x = cx - view.w / 2;
    view.y = cy - view.h / 2;
    last = now;
    apply();
  }).observe(stage);

  // --- the goal's panel ---------------------------------------------------------------------
  function select(node) {
    svg.querySelectorAll(".map-node.is-selected").forEach((other) => other.classList.remove("is-selected"));
    if (node) node.classList.add("is-selected");
  }
  async function openPanel(link) {
    const target = new URL(link.getAttribute("href"), window.location.href);
    const url = new URL(link.dataset.panel, window.location.href);
    url.searchParams.set("next", target.pathname + target.search);
    const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
    if (!response.ok) {
      window.location.href = target.href; // let the server say what went wrong
      return;
    }
    panel.innerHTML = await response.text();
    panel.hidden = false;
    layout.classList.add("has-panel");
    history.replaceState(null, "", target.pathname + target.search + target.hash);
    select(link.closest(".map-node"));
  }
  svg.addEventListener("click", (event) => {
    const link = event.target.closest("a.node-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openPanel(link);
  });
  panel.addEventListener("click", (event) => {
    const close = event.target.closest("[data-panel-close]");
    if (!close) return;
    event.preventDefault();
    panel.hidden = true;
    panel.innerHTML = "";
    layout.classList.remove("has-panel");
    history.replaceState(null, "", close.getAttribute("href"));
    select(null);
  });

  // --- search matches -----------------------------------------------------------------------
  const matches = [...svg.querySelectorAll(".map-node.is-match")];
  const cycle = document.querySelector(".match-cycle");
  let current = -1;
  function showMatch(step) {
    if (!matches.length) return;
    if (current >= 0) matches[current].classList.remove("is-current");
    current = (current + step + matches.length) % matches.length;
    matches[current].classList.add("is-current");
    centreOn(matches[current]);
    if (cycle) cycle.querySelector(".match-position").textContent = `${current + 1} of ${matches.length}`;
  }
  if (cycle && matches.length) {
    cycle.hidden = false;
    cycle.addEventListener("click", (event) => {
      const button = event.target.closest("[data-match]");
      if (button) showMatch(Number(button.dataset.match));
    });
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "n") showMatch(1);
      if (event.key === "N") showMatch(-1);
    });
  }

  // --- where to start -----------------------------------------------------------------------
  fit();
  const params = new URLSearchParams(window.location.search);
  const anchored = window.location.hash.startsWith("#node-") && document.getElementById(window.location.hash.slice(1));
  const opened = params.get("panel") && document.getElementById(`node-${params.get("panel")}`);
  if (anchored || opened) {
    centreOn(anchored || opened);
    if (opened) select(opened);
  } else if (matches.length) {
    showMatch(1);
  }
})();

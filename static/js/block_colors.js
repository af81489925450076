// Program blocks and calendar cells take their block's colour from data-block-color. Set here
// through the CSSOM (allowed by the Content-Security-Policy) instead of a style="" attribute.
document.querySelectorAll("[data-block-color]").forEach((element) => {
  const color = element.dataset.blockColor;
  if (/^#[0-9A-Fa-f]{6}$/.test(color)) {
    element.style.setProperty("--block", color);
  }
});

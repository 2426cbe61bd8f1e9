// Small touches shared by every page; no build step.
document.addEventListener("DOMContentLoaded", () => {
  // On a phone the campaign sub-nav scrolls sideways: keep the current section in view.
  const active = document.querySelector(".gs-subnav .nav-link.active");
  if (active) active.scrollIntoView({ block: "nearest", inline: "center" });
});

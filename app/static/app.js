// Small touches shared by every page; no build step.
document.addEventListener("DOMContentLoaded", () => {
  // On a phone the campaign sub-nav scrolls sideways: keep the current section in view.
  const active = document.querySelector(".gs-subnav .nav-link.active");
  if (active) active.scrollIntoView({ block: "nearest", inline: "center" });
});

// Forms with data-confirm (post_button's `confirm`) ask first; the text stays data, never
// script, whatever names it quotes.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) event.preventDefault();
});

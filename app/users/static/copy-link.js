// The "Copy" button beside a one-time link: shown only where the clipboard can be written.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Copied";
      } catch {
        // No permission: select the text so that the person can copy it by hand.
        field.select();
        button.textContent = "Press Ctrl+C";
      }
    });
  }
  const link = document.getElementById("account-link");
  if (link) link.addEventListener("focus", () => link.select());
});

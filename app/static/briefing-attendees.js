/* The briefing builder's attendees: people picked from the campaign become removable
   chips, each carrying the hidden `attendees` field the form posts. */
(function () {
  "use strict";
  const chips = document.getElementById("attendee-chips");
  const pickerRoot = document.querySelector("#attendee-picker [data-picker]");
  if (!chips || !pickerRoot) return;

  const chosen = () => [...chips.querySelectorAll("input[name=attendees]")].map((input) => input.value);

  function addChip(person) {
    const chip = document.createElement("li");
    chip.className = "gs-chip";
    chip.dataset.id = person.engagement_id;
    const hidden = Object.assign(document.createElement("input"),
      { type: "hidden", name: "attendees", value: person.engagement_id });
    const name = Object.assign(document.createElement("span"),
      { className: "gs-chip-name", textContent: person.name });
    const level = person.level.charAt(0).toUpperCase() + person.level.slice(1);
    const meta = Object.assign(document.createElement("span"),
      { className: "gs-chip-meta", textContent: `${level} · ${person.stance_label}` });
    const remove = Object.assign(document.createElement("button"),
      { type: "button", className: "btn-close gs-chip-remove" });
    remove.setAttribute("aria-label", `Remove ${person.name}`);
    chip.append(hidden, name, meta, remove);
    chips.append(chip);
  }

  window.Groundswell.picker(pickerRoot, { onPick: addChip, exclude: chosen });
  chips.addEventListener("click", (event) => {
    const remove = event.target.closest(".gs-chip-remove");
    if (remove) {
      remove.closest(".gs-chip").remove();
      pickerRoot.querySelector("input").focus();
    }
  });
})();

/* The standalone follow-up form: pick at most one person it is about. */
(function () {
  "use strict";
  const form = document.querySelector("[data-follow-up-form]");
  if (!form) return;
  const hidden = form.querySelector("[data-about-id]");
  const chosen = form.querySelector("[data-about-chosen]");
  const pickerRoot = form.querySelector("[data-picker]");

  function show(person) {
    hidden.value = person ? person.engagement_id : "";
    form.querySelector("[data-about-name]").textContent = person ? person.name : "";
    chosen.hidden = !person;
    pickerRoot.hidden = Boolean(person);
  }

  window.Groundswell.picker(pickerRoot, { onPick: show });
  form.querySelector("[data-about-clear]").addEventListener("click", () => {
    show(null);
    pickerRoot.querySelector("input").focus();
  });
})();

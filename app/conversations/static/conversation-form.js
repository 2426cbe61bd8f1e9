/* The "Log a conversation" form: attendees through the picker, each with a stance-after
   select; objection and follow-up rows added and removed in place; the "raised by" and
   "about" selects always list the attendees chosen so far. */
(function () {
  "use strict";
  const form = document.querySelector("[data-conversation-form]");
  if (!form) return;
  const { picker, rows } = window.Groundswell;

  const attendeeList = form.querySelector("[data-attendees]");
  const attendeeTemplate = document.getElementById("attendee-row-template");
  const addAttendeeRow = rows(attendeeList, attendeeTemplate);
  const emptyNote = form.querySelector("[data-attendees-empty]");

  function attendees() {
    return [...attendeeList.querySelectorAll("[data-attendee]")].map((row) => ({
      id: row.dataset.attendee, name: row.dataset.name,
    }));
  }

  /* Rebuild every select that lists attendees, keeping what each had selected. */
  function refreshAttendeeSelects() {
    const people = attendees();
    emptyNote.hidden = people.length > 0;
    form.querySelectorAll("select[data-attendee-options]").forEach((select) => {
      const kept = select.value;
      const blank = select.dataset.blankLabel;
      select.replaceChildren();
      if (blank !== undefined) select.append(new Option(blank, ""));
      people.forEach((person) => select.append(new Option(person.name, person.id)));
      if (!people.length && blank === undefined) {
        const none = new Option("Add who was there first", "");
        none.disabled = true;
        select.append(none);
      }
      select.value = [...select.options].some((option) => option.value === kept) ? kept : select.options[0] ? select.options[0].value : "";
    });
  }

  function paintStance(select) {
    select.className = select.className.replace(/\bgs-stance-\w+/g, "").trim();
    select.classList.add(`gs-stance-${select.value}`);
    const row = select.closest("[data-attendee]");
    if (row) row.classList.toggle("gs-moved", select.value !== row.dataset.before);
  }

  picker(form.querySelector("[data-picker]"), {
    exclude: () => attendees().map((person) => person.id),
    onPick(person) {
      const row = addAttendeeRow();
      row.dataset.attendee = person.engagement_id;
      row.dataset.name = person.name;
      row.dataset.before = person.stance;
      row.querySelector("input[type=hidden]").value = person.engagement_id;
      row.querySelector("[data-name]").textContent = person.name;
      const detail = [person.title, person.department].filter(Boolean).join(" · ");
      row.querySelector("[data-detail]").textContent = detail;
      const was = row.querySelector("[data-was]");
      was.textContent = person.stance_label;
      was.className = `stance stance-${person.stance}`;
      const select = row.querySelector("select");
      select.value = person.stance;
      paintStance(select);
      refreshAttendeeSelects();
    },
  });

  const sections = {
    objection: rows(form.querySelector("[data-objections]"),
      document.getElementById("objection-row-template")),
    "follow-up": rows(form.querySelector("[data-follow-ups]"),
      document.getElementById("follow-up-row-template")),
  };
  form.querySelectorAll("[data-add-row]").forEach((button) => {
    button.addEventListener("click", () => {
      const row = sections[button.dataset.addRow]();
      refreshAttendeeSelects();
      const first = row.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
    });
  });

  form.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-row]");
    if (!remove) return;
    remove.closest("[data-row]").remove();
    refreshAttendeeSelects();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-stance-select]")) paintStance(event.target);
  });
  form.querySelectorAll("[data-stance-select]").forEach(paintStance);

  // Server-rendered rows already carry their options; only empty lists need the hint.
  if (!attendees().length) refreshAttendeeSelects();
  emptyNote.hidden = attendees().length > 0;
})();

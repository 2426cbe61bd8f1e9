/* Suggestions for a plain text field that takes a person's email (reports-to, who raised
   an objection): as the user types, the campaign's matching people fill the field's
   <datalist>, and picking one puts their email in. Without JavaScript, typing the email
   works the same. */
(function () {
  "use strict";

  function suggest(input) {
    const list = input.list;
    if (!list) return;
    let timer = null;
    let last = "";
    input.addEventListener("input", () => {
      const term = input.value.trim();
      const picked = term.includes("@") &&
        list.querySelector(`option[value="${CSS.escape(term)}"]`);
      if (term.length < 2 || term === last || picked) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        last = term;
        try {
          const response = await fetch(`${input.dataset.searchUrl}?q=${encodeURIComponent(term)}`,
            { headers: { Accept: "application/json" }, credentials: "same-origin" });
          if (!response.ok) return;
          const people = await response.json();
          list.replaceChildren(...people.map((person) => {
            const option = document.createElement("option");
            option.value = person.email;
            option.label = [person.name, person.level, person.title].filter(Boolean).join(" · ");
            return option;
          }));
        } catch (error) {
          // Suggestions are a convenience; typing the email still works.
        }
      }, 200);
    });
  }

  document.querySelectorAll("input[list][data-search-url]").forEach(suggest);
})();

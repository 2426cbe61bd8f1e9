/* Groundswell people picker and repeatable rows. Plain JavaScript, no build step.

   A picker is an element with [data-picker] holding a text input and a [data-picker-results]
   list; it calls the stakeholder search endpoint (data-search-url) as the user types and
   hands the chosen person to a callback. The conversation form uses it to add attendee
   rows, the briefing builder to add attendee chips, and the follow-up form to choose
   whom a follow-up is about. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Attach a picker. options.onPick(person) is called with a search result;
     options.exclude() returns engagement ids not to offer again. */
  function picker(root, options) {
    const input = root.querySelector("input[type=search], input[type=text]");
    const list = root.querySelector("[data-picker-results]");
    const url = root.dataset.searchUrl;
    let results = [];
    let active = -1;
    let lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function highlight(index) {
      const items = list.querySelectorAll("[role=option]");
      items.forEach((item, i) => {
        item.classList.toggle("active", i === index);
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (items[index]) {
        items[index].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", items[index].id);
      }
    }

    function choose(index) {
      const person = results[index];
      if (!person) return;
      options.onPick(person);
      input.value = "";
      lastQuery = null;
      close();
      input.focus();
    }

    function render(query) {
      list.replaceChildren();
      const excluded = new Set((options.exclude ? options.exclude() : []).map(String));
      results = results.filter((person) => !excluded.has(String(person.engagement_id)));
      if (!results.length) {
        list.append(el("div", { class: "list-group-item small gs-muted" },
          query ? `No one in this campaign matches “${query}”.` : "No one left to add."));
      }
      results.forEach((person, index) => {
        const item = el("button", {
          type: "button", role: "option", id: `${list.id}-${index}`,
          class: "list-group-item list-group-item-action d-flex align-items-center gap-2",
          "aria-selected": "false",
        });
        const text = el("span", { class: "flex-grow-1 text-truncate" });
        text.append(el("span", { class: "fw-semibold" }, person.name));
        const level = person.level ? person.level.charAt(0).toUpperCase() + person.level.slice(1) : "";
        const detail = [level, person.title, person.department].filter(Boolean).join(" · ");
        if (detail) text.append(el("span", { class: "small gs-muted ms-2" }, detail));
        item.append(text, el("span", { class: `stance stance-${person.stance}` }, person.stance_label));
        // mousedown, not click: it fires before the input's blur closes the list.
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(index); });
        list.append(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (results.length) highlight(0);
    }

    const search = debounce(async function () {
      const query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!response.ok) throw new Error(response.statusText);
        if (input.value.trim() !== query) return;  // a newer search is on its way
        results = await response.json();
        render(query);
      } catch (error) {
        list.replaceChildren(el("div", { class: "list-group-item small text-danger" },
          "Search is not answering; try again in a moment."));
        list.hidden = false;
      }
    }, 150);

    input.addEventListener("input", search);
    input.addEventListener("focus", () => { if (input.value.trim()) { lastQuery = null; search(); } });
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("keydown", (event) => {
      const count = list.hidden ? 0 : list.querySelectorAll("[role=option]").length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault(); highlight((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault(); highlight((active - 1 + count) % count);
      } else if (event.key === "Enter") {
        // Enter picks a person; it never submits the half-filled form.
        event.preventDefault();
        if (active >= 0) choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  /* Rows added from a <template>: every "__index__" in names, ids and labels becomes a
     fresh number, so WTForms reads each row as one entry of its list. */
  function rows(container, template) {
    let next = Number(container.dataset.nextIndex || container.children.length);
    return function add() {
      const html = template.innerHTML.replaceAll("__index__", String(next++));
      const holder = document.createElement("div");
      holder.innerHTML = html.trim();
      const row = holder.firstElementChild;
      container.append(row);
      return row;
    };
  }

  window.Groundswell = Object.assign(window.Groundswell || {}, { picker, rows });
})();

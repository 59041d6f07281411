// The placement chooser of the application form (templates/applications/edit.html):
// filters the placements in place, shows their free places in the months ticked, and
// ranks them without reloading the page. Without this script the page does the same
// with a GET filter and plain form posts, which save the form at each button.
"use strict";

(() => {
  const form = document.getElementById("application-form");
  const ranking = document.getElementById("ranking");
  if (!form || !ranking) return;

  const list = ranking.querySelector("[data-ranking-list]");
  const empty = ranking.querySelector("[data-ranking-empty]");
  const full = ranking.querySelector("[data-ranking-full]");
  const unsaved = ranking.querySelector("[data-unsaved]");
  const announcer = ranking.querySelector("[data-announce]");
  const heading = document.getElementById("ranking-title");
  const template = document.getElementById("ranked-line-template");
  const limit = Number(ranking.dataset.limit);
  const table = document.querySelector("[data-placements]");
  const rows = table ? [...table.querySelectorAll("tr[data-placement]")] : [];
  const noMatch = table ? table.querySelector("[data-no-match]") : null;
  const count = document.querySelector("[data-shown-count]");
  const noun = count ? count.dataset.noun : "";
  const filters = {
    field: document.getElementById("filter-field"),
    city: document.getElementById("filter-city"),
    free: document.getElementById("filter-free"),
  };
  const monthBoxes = [...form.querySelectorAll("input[data-month]")];
  const freeOf = new Map(rows.map((row) => [row.dataset.placement, JSON.parse(row.dataset.free)]));
  const ordinal = (n) => ({ 1: "1st", 2: "2nd", 3: "3rd" })[n] || `${n}th`;

  // Free places: as the server words them (form_views.Chooser.free_text).

  // The months whose free places count: those ticked, else every month offered.
  const countedMonths = () => {
    const ticked = monthBoxes.filter((box) => box.checked);
    return { chosen: ticked.length > 0, boxes: ticked.length ? ticked : monthBoxes };
  };

  const freeText = (id) => {
    const { chosen, boxes } = countedMonths();
    const places = freeOf.get(id) || {};
    const parts = boxes
      .filter((box) => (places[box.dataset.month] || 0) > 0)
      .map((box) => `${box.dataset.monthName}: ${places[box.dataset.month]} free`);
    if (parts.length) return parts.join(", ");
    return chosen ? "No free place in your months" : "No free place this season";
  };

  const hasFreePlace = (id) => {
    const places = freeOf.get(id) || {};
    return countedMonths().boxes.some((box) => (places[box.dataset.month] || 0) > 0);
  };

  const showFreePlaces = () => {
    document.querySelectorAll("[data-free-text]").forEach((cell) => {
      if (freeOf.has(cell.dataset.freeText)) cell.textContent = freeText(cell.dataset.freeText);
    });
  };

  // The filter, in place. The address and the form's action keep it, as the GET filter
  // does, so that a reload or a save comes back to the same list.

  const filterArgs = () => {
    const args = new URLSearchParams();
    if (filters.field && filters.field.value) args.set("field", filters.field.value);
    if (filters.city && filters.city.value) args.set("city", filters.city.value);
    if (filters.free && filters.free.checked) args.set("free", "1");
    return args.toString();
  };

  const applyFilter = () => {
    const field = filters.field ? filters.field.value : "";
    const city = filters.city ? filters.city.value : "";
    const onlyFree = filters.free ? filters.free.checked : false;
    let shown = 0;
    rows.forEach((row) => {
      const match =
        (!field || row.dataset.field === field) &&
        (!city || row.dataset.city === city) &&
        (!onlyFree || hasFreePlace(row.dataset.placement));
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (noMatch) noMatch.hidden = shown > 0;
    if (count) count.textContent = `Showing ${shown} of ${rows.length} ${noun}s.`;
  };

  const keepFilter = () => {
    const query = filterArgs();
    const action = new URL(form.action, window.location.href);
    action.search = query;
    form.action = action.pathname + action.search;
    const address = window.location.pathname + (query ? `?${query}` : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", address);
  };

  Object.values(filters).forEach((control) => {
    if (!control) return;
    control.addEventListener("change", () => {
      applyFilter();
      keepFilter();
    });
  });
  const filterForm = document.getElementById("placement-filter");
  if (filterForm) {
    filterForm.addEventListener("submit", (event) => {
      event.preventDefault();
      applyFilter();
      keepFilter();
    });
  }
  // Filtering is instant now: the button and its note about reloading go.
  document.querySelectorAll("[data-filter-buttons]").forEach((buttons) => {
    buttons.hidden = true;
  });

  monthBoxes.forEach((box) => {
    box.addEventListener("change", () => {
      showFreePlaces();
      if (filters.free && filters.free.checked) applyFilter();
    });
  });

  // The ranking, in place: the hidden inputs of its lines are posted in their order.

  const lines = () => [...list.querySelectorAll("li[data-ranked]")];
  const lineOf = (id) => lines().find((line) => line.dataset.ranked === id);
  const rowOf = (id) => rows.find((row) => row.dataset.placement === id);

  const refreshRanking = () => {
    const current = lines();
    current.forEach((line, index) => {
      line.querySelector('[data-move="up"]').disabled = index === 0;
      line.querySelector('[data-move="down"]').disabled = index === current.length - 1;
    });
    list.hidden = current.length === 0;
    empty.hidden = current.length > 0;
    const isFull = current.length >= limit;
    full.hidden = !isFull;
    const ranked = new Set(current.map((line) => line.dataset.ranked));
    rows.forEach((row) => {
      const inRanking = ranked.has(row.dataset.placement);
      const add = row.querySelector('[data-move="add"]');
      add.hidden = inRanking;
      add.disabled = isFull;
      row.querySelector("[data-ranked-note]").hidden = !inRanking;
    });
  };

  const announce = (text) => {
    announcer.textContent = text;
    unsaved.hidden = false;
  };

  const placeOf = (line) => lines().indexOf(line) + 1;

  const newLine = (row) => {
    const id = row.dataset.placement;
    const name = row.dataset.name;
    const line = template.content.firstElementChild.cloneNode(true);
    line.dataset.ranked = id;
    line.dataset.name = name;
    line.querySelector("input").value = id;
    line.querySelector('[data-slot="title"]').textContent = row.dataset.title;
    line.querySelector('[data-slot="detail"]').textContent = row.dataset.detail;
    const free = line.querySelector("[data-free-text]");
    free.dataset.freeText = id;
    free.textContent = freeText(id);
    line.querySelector('[role="group"]').setAttribute("aria-label", `Rank of ${name}`);
    const labels = {
      up: `Move ${name} up`,
      down: `Move ${name} down`,
      remove: `Remove ${name} from your ranking`,
    };
    Object.entries(labels).forEach(([move, label]) => {
      const button = line.querySelector(`[data-move="${move}"]`);
      button.value = `${move}:${id}`;
      button.setAttribute("aria-label", label);
    });
    return line;
  };

  const moves = {
    up(line, button) {
      const before = line.previousElementSibling;
      if (!before) return;
      list.insertBefore(line, before);
      refreshRanking();
      (button.disabled ? line.querySelector('[data-move="down"]') : button).focus();
      announce(`${line.dataset.name} is your ${ordinal(placeOf(line))} choice now.`);
    },
    down(line, button) {
      const after = line.nextElementSibling;
      if (!after) return;
      list.insertBefore(after, line);
      refreshRanking();
      (button.disabled ? line.querySelector('[data-move="up"]') : button).focus();
      announce(`${line.dataset.name} is your ${ordinal(placeOf(line))} choice now.`);
    },
    remove(line) {
      const next = line.nextElementSibling || line.previousElementSibling;
      line.remove();
      refreshRanking();
      if (next) next.querySelector('[data-move="remove"]').focus();
      else heading.focus();
      announce(`${line.dataset.name} is off your ranking.`);
    },
    add(_line, _button, id) {
      const row = rowOf(id);
      if (!row || lineOf(id) || lines().length >= limit) return;
      const line = newLine(row);
      list.appendChild(line);
      refreshRanking();
      // The Add button goes: focus stays in the row, on the note that replaces it.
      row.querySelector("[data-ranked-note]").focus();
      announce(`${line.dataset.name} is your ${ordinal(placeOf(line))} choice now.`);
    },
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-move]");
    if (!button || !form.contains(button)) return;
    const [move, id] = button.value.split(":");
    const line = lineOf(id);
    if (!moves[move] || (move !== "add" && !line)) return;
    event.preventDefault();
    moves[move](line, button, id);
  });

  showFreePlaces();
  applyFilter();
  refreshRanking();
})();

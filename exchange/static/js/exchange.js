// Small enhancements; every page also works without them.
"use strict";

// A select with data-filter-by shows only the options whose data-nmo matches the
// value chosen in the select it names (e.g. local committees of the chosen NMO).
document.querySelectorAll("select[data-filter-by]").forEach((select) => {
  const source = document.getElementById(select.dataset.filterBy);
  if (!source) return;
  const apply = () => {
    const chosen = source.value;
    for (const option of select.options) {
      const belongs = !option.dataset.nmo || chosen === "0" || option.dataset.nmo === chosen;
      option.hidden = !belongs;
      option.disabled = !belongs;
    }
    const current = select.selectedOptions[0];
    if (current && current.disabled) select.value = "0";
  };
  source.addEventListener("change", apply);
  apply();
});

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

// A file input with data-max-bytes says at once when the chosen file is over the limit,
// in the server's words ("The file is 6.2 MB; the limit is 1 MB.", see
// exchange/web/uploads.py), and its form is not sent until a smaller file is chosen. The
// server checks again: this only spares the wait for an upload that would be refused.
// The message goes into the input's own error box when the page has one (an element
// with the id "<input id>-error"), else into one made here after the input.
const KB = 1024;
const MB = 1024 * 1024;

function formatSize(size) {
  if (size < KB) return `${size} byte${size === 1 ? "" : "s"}`;
  if (size < Math.floor(MB / 10)) return `${Math.round(size / KB)} KB`;
  return `${(size / MB).toFixed(1).replace(/\.0$/, "")} MB`;
}

function tooLarge(size, limit) {
  let shown = formatSize(size);
  let allowed = formatSize(limit);
  if (shown === allowed) {
    // Rounded to the same figure: only the exact counts say which is larger.
    shown = `${size.toLocaleString("en")} bytes`;
    allowed = `${limit.toLocaleString("en")} bytes`;
  }
  return `The file is ${shown}; the limit is ${allowed}.`;
}

function sizeMessageBox(input) {
  const own = input.id && document.getElementById(`${input.id}-error`);
  if (own) return own;
  let made = input.parentElement.querySelector(":scope > [data-size-feedback]");
  if (!made) {
    made = document.createElement("div");
    made.className = "invalid-feedback";
    made.dataset.sizeFeedback = "";
    made.id = `${input.id || input.name}-size-feedback`;
    input.insertAdjacentElement("afterend", made);
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${made.id}` : made.id);
  }
  return made;
}

function checkSize(input) {
  const limit = Number(input.dataset.maxBytes);
  const large = Array.from(input.files || []).find((file) => limit > 0 && file.size > limit);
  const message = large ? tooLarge(large.size, limit) : "";
  const box = sizeMessageBox(input);
  if (message || box.dataset.sizeFeedback !== undefined || box.dataset.sizeMessage) {
    box.textContent = message;
  }
  if (message) box.dataset.sizeMessage = "yes";
  else delete box.dataset.sizeMessage;
  box.classList.toggle("d-block", Boolean(message));
  input.classList.toggle("is-invalid", Boolean(message));
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
  return !message;
}

document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
  input.addEventListener("change", () => {
    // What the server said of the field was about the file sent before: a new one is
    // chosen. (Bootstrap-Flask writes it in boxes after the input; a page's own box is
    // emptied instead.)
    const box = sizeMessageBox(input);
    input.parentElement.querySelectorAll(":scope > .invalid-feedback").forEach((old) => {
      if (old !== box) old.remove();
    });
    if (box.dataset.sizeFeedback === undefined) box.textContent = "";
    checkSize(input);
  });
  if (input.form && !input.form.dataset.sizeChecked) {
    input.form.dataset.sizeChecked = "yes";
    input.form.addEventListener("submit", (event) => {
      const inputs = input.form.querySelectorAll("input[type=file][data-max-bytes]");
      const refused = Array.from(inputs).filter((each) => !checkSize(each));
      if (refused.length) {
        event.preventDefault();
        refused[0].focus();
      }
    });
  }
});

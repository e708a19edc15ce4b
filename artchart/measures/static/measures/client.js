// The client's measures pages: choosing a measure shows its questions at once; the link
// page copies the one-time link. No inline script anywhere: the CSP forbids it.
"use strict";

(function autosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    const form = select.form;
    form.querySelectorAll(".js-hidden").forEach((el) => { el.hidden = true; });
    select.addEventListener("change", () => form.submit());
  });
})();

(function copyLink() {
  document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const input = document.querySelector(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    button.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        if (status) status.textContent = "Copied.";
      } catch (error) {
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link.";
      }
    });
  });
})();

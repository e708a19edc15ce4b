// Photo intake: drop photos onto a [data-dropzone] to put them in its multiple file input,
// and list the chosen files (with their sizes) under it, so the therapist sees what will go.
"use strict";
(function upload() {
  function multipleInput(zone) { return zone.querySelector("input[type=file][multiple]"); }
  function listChosen(zone) {
    const list = zone.querySelector("[data-chosen]");
    if (!list) return;
    list.replaceChildren();
    zone.querySelectorAll("input[type=file]").forEach((input) => {
      Array.from(input.files || []).forEach((file) => {
        const item = document.createElement("li");
        item.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
        list.append(item);
      });
    });
  }
  document.querySelectorAll("[data-dropzone]").forEach((zone) => {
    zone.querySelectorAll("input[type=file]").forEach((input) => {
      input.addEventListener("change", () => listChosen(zone));
    });
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("is-over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("is-over");
      const input = multipleInput(zone);
      if (!input || !event.dataTransfer) return;
      const files = new DataTransfer();
      Array.from(input.files || []).forEach((file) => files.items.add(file));
      Array.from(event.dataTransfer.files).filter((f) => f.type.startsWith("image/") || !f.type)
        .forEach((file) => files.items.add(file));
      input.files = files.files;
      listChosen(zone);
    });
  });
})();

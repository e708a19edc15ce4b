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
    window.artchartDropzone(zone, (images) => {
      const input = multipleInput(zone);
      if (!input) return;
      const files = new DataTransfer();
      Array.from(input.files || []).forEach((file) => files.items.add(file));
      images.forEach((file) => files.items.add(file));
      input.files = files.files;
      listChosen(zone);
    });
  });
})();

// Photos dropped on a [data-dropzone]: the one place that knows the drag events. Both photo pages
// (one piece's form, and a session's photo page) load it before their own script.
"use strict";
window.artchartDropzone = function dropzone(zone, onImages) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("is-over");
    // A phone's photo may come without a type; the server decides what an image is.
    const images = Array.from((event.dataTransfer && event.dataTransfer.files) || [])
      .filter((file) => file.type.startsWith("image/") || !file.type);
    if (images.length) onImages(images);
  });
};

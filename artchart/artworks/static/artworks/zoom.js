// Full-size view of an artwork photo with zoom and pan. Links marked data-zoom open the
// original in the page's <dialog id="zoom">; without this script they open the image itself.
"use strict";
(function zoom() {
  const dialog = document.getElementById("zoom");
  if (!dialog) return;
  const stage = dialog.querySelector("[data-zoom-stage]");
  const image = dialog.querySelector("[data-zoom-image]");
  let scale = 1, x = 0, y = 0, drag = null;

  function apply() { image.style.transform = `translate(${x}px, ${y}px) scale(${scale})`; }
  function fit() {
    if (!image.naturalWidth) return;
    scale = Math.min(stage.clientWidth / image.naturalWidth, stage.clientHeight / image.naturalHeight, 1);
    x = (stage.clientWidth - image.naturalWidth * scale) / 2;
    y = (stage.clientHeight - image.naturalHeight * scale) / 2;
    apply();
  }
  function zoomAt(factor, cx, cy) {
    const next = Math.min(Math.max(scale * factor, 0.05), 8);
    x = cx - (cx - x) * (next / scale);
    y = cy - (cy - y) * (next / scale);
    scale = next;
    apply();
  }
  function centre() { return [stage.clientWidth / 2, stage.clientHeight / 2]; }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-zoom]");
    if (!link) return;
    event.preventDefault();
    image.onload = fit;
    image.src = link.href;
    dialog.showModal();
    if (image.complete) fit();
  });
  dialog.querySelector("[data-zoom-in]").addEventListener("click", () => zoomAt(1.25, ...centre()));
  dialog.querySelector("[data-zoom-out]").addEventListener("click", () => zoomAt(0.8, ...centre()));
  dialog.querySelector("[data-zoom-reset]").addEventListener("click", fit);
  dialog.querySelector("[data-zoom-close]").addEventListener("click", () => dialog.close());
  stage.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = stage.getBoundingClientRect();
    zoomAt(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  stage.addEventListener("pointerdown", (event) => {
    drag = { px: event.clientX, py: event.clientY, x, y };
    stage.setPointerCapture(event.pointerId);
    stage.classList.add("is-dragging");
  });
  stage.addEventListener("pointermove", (event) => {
    if (!drag) return;
    x = drag.x + event.clientX - drag.px;
    y = drag.y + event.clientY - drag.py;
    apply();
  });
  function stop() { drag = null; stage.classList.remove("is-dragging"); }
  stage.addEventListener("pointerup", stop);
  stage.addEventListener("pointercancel", stop);
})();

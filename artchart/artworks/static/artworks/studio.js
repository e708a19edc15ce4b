// The retrospective: full screen on a tablet (Fullscreen API), one piece per screen,
// moved with swipes, the arrow keys or the buttons; and printing the booklet.
(function () {
  "use strict";
  var show = document.getElementById("retro");
  if (!show) { return; }
  var pages = Array.prototype.slice.call(show.querySelectorAll(".retro-page"));
  var controls = show.querySelector(".retro-controls");
  var position = show.querySelector(".retro-position");
  var startButton = document.querySelector("[data-retro-start]");
  var printButton = document.querySelector("[data-retro-print]");
  var current = 0;
  var touchX = null;

  function go(index) {
    current = Math.max(0, Math.min(pages.length - 1, index));
    pages.forEach(function (page, i) {
      page.classList.toggle("is-current", i === current);
      page.setAttribute("aria-hidden", i === current ? "false" : "true");
    });
    position.textContent = current === 0 ? "Cover" : current + " of " + (pages.length - 1);
    show.querySelector("[data-retro-prev]").disabled = current === 0;
    show.querySelector("[data-retro-next]").disabled = current === pages.length - 1;
  }
  function open() {
    show.classList.add("is-full");
    controls.hidden = false;
    go(0);
    show.focus();
    if (show.requestFullscreen && !document.fullscreenElement) {
      show.requestFullscreen().catch(function () { /* refused: the fixed overlay still fills the window */ });
    }
  }
  function close() {
    show.classList.remove("is-full");
    controls.hidden = true;
    pages.forEach(function (page) { page.classList.remove("is-current"); page.removeAttribute("aria-hidden"); });
    if (document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen(); }
    if (startButton) { startButton.focus(); }
  }

  if (startButton) { startButton.hidden = false; startButton.addEventListener("click", open); }
  if (printButton) { printButton.hidden = false; printButton.addEventListener("click", function () { window.print(); }); }
  show.querySelector("[data-retro-prev]").addEventListener("click", function () { go(current - 1); });
  show.querySelector("[data-retro-next]").addEventListener("click", function () { go(current + 1); });
  show.querySelector("[data-retro-exit]").addEventListener("click", close);
  document.addEventListener("fullscreenchange", function () {
    if (!document.fullscreenElement && show.classList.contains("is-full")) { close(); }
  });
  document.addEventListener("keydown", function (event) {
    if (!show.classList.contains("is-full")) { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") { go(current + 1); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { go(current - 1); }
    else if (event.key === "Home") { go(0); }
    else if (event.key === "End") { go(pages.length - 1); }
    else if (event.key === "Escape") { close(); return; }
    else { return; }
    event.preventDefault();
  });
  show.addEventListener("touchstart", function (event) { touchX = event.touches[0].clientX; }, { passive: true });
  show.addEventListener("touchend", function (event) {
    if (touchX === null || !show.classList.contains("is-full")) { return; }
    var dx = event.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 50) { go(current + (dx < 0 ? 1 : -1)); }
  });
  window.addEventListener("beforeprint", function () { if (show.classList.contains("is-full")) { close(); } });
})();

// Draw a rectangle over the photo with a mouse, pen or finger (pointer events) and put its
// position, as fractions of the photo, into the annotation form's x, y, w, h fields.
// The photo is never touched: the rectangle lives in the SVG layer over it.
(function () {
  "use strict";
  var stage = document.getElementById("annotate-stage");
  if (!stage) { return; }
  var layer = stage.querySelector(".annotation-layer");
  var box = document.getElementById("annotate-new");
  var form = document.getElementById("annotate-form");
  stage.classList.add("annotate-ready");

  // Number labels of the saved annotations, placed at each one's top-left corner.
  stage.querySelectorAll(".annotation-label").forEach(function (label) {
    label.style.left = (parseFloat(label.dataset.x) * 100) + "%";
    label.style.top = (parseFloat(label.dataset.y) * 100) + "%";
  });
  if (!form || !box) { return; }
  stage.classList.add("annotate-drawing");

  var fields = {};
  ["x", "y", "w", "h"].forEach(function (name) { fields[name] = form.querySelector("[name=" + name + "]"); });
  var numbers = document.getElementById("annotate-numbers");
  var chosen = document.getElementById("annotate-chosen");
  if (numbers) { numbers.open = false; }

  var MIN = 0.005;
  var start = null;

  function clamp(v) { return Math.min(1, Math.max(0, v)); }
  function fraction(event) {
    var r = layer.getBoundingClientRect();
    return { x: clamp((event.clientX - r.left) / r.width), y: clamp((event.clientY - r.top) / r.height) };
  }
  function rect(a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }
  function show(r) {
    box.setAttribute("x", r.x); box.setAttribute("y", r.y);
    box.setAttribute("width", r.w); box.setAttribute("height", r.h);
    box.setAttribute("visibility", "visible");
  }
  function fill(r) {
    var round = function (v) { return (Math.round(v * 10000) / 10000).toString(); };
    fields.x.value = round(r.x); fields.y.value = round(r.y);
    fields.w.value = round(Math.max(r.w, MIN)); fields.h.value = round(Math.max(r.h, MIN));
    if (chosen) {
      chosen.hidden = false;
      chosen.textContent = "Area chosen: " + Math.round(r.w * 100) + "% wide, " + Math.round(r.h * 100) +
        "% high, from " + Math.round(r.x * 100) + "% across and " + Math.round(r.y * 100) + "% down. " +
        "Drag again to change it.";
    }
  }
  function fromFields() {
    var r = {};
    for (var k in fields) { r[k] = parseFloat(fields[k].value); if (isNaN(r[k])) { return; } }
    show(r);
  }

  stage.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    event.preventDefault();
    start = fraction(event);
    stage.setPointerCapture(event.pointerId);
    show({ x: start.x, y: start.y, w: 0, h: 0 });
  });
  stage.addEventListener("pointermove", function (event) {
    if (start) { show(rect(start, fraction(event))); }
  });
  function finish(event) {
    if (!start) { return; }
    var r = rect(start, fraction(event));
    start = null;
    if (r.w < MIN || r.h < MIN) { box.setAttribute("visibility", "hidden"); return; }
    show(r); fill(r);
    var note = form.querySelector("[name=note]");
    if (note) { note.focus(); }
  }
  stage.addEventListener("pointerup", finish);
  stage.addEventListener("pointercancel", function () { start = null; box.setAttribute("visibility", "hidden"); });
  Object.keys(fields).forEach(function (k) { fields[k].addEventListener("input", fromFields); });
  fromFields();  // after a refused submission, show the area that was sent
})();

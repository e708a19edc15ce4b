// Drag the four corners of the page onto the photo with a finger, pen or mouse (pointer events),
// or move a focused corner with the arrow keys. The corners live in the form's number fields,
// in pixels of the photo; this script only moves them and draws the page between them. Without
// it the form still works: the numbers are typed. The server checks the corners either way.
(function () {
  "use strict";
  var stage = document.getElementById("corners-stage");
  var form = document.getElementById("corners-form");
  if (!stage || !form) { return; }
  var width = parseFloat(stage.dataset.width), height = parseFloat(stage.dataset.height);
  var polygon = document.getElementById("corners-page");
  var check = document.getElementById("corners-check");
  var handles = Array.prototype.slice.call(stage.querySelectorAll(".corner-handle"));
  var fields = handles.map(function (_, i) {
    return { x: form.querySelector("[name=x" + i + "]"), y: form.querySelector("[name=y" + i + "]") };
  });
  // The server's words for the two refusals a drag can make (the page gives them).
  var CROSSED = check.dataset.crossed, INSIDE = check.dataset.notConvex;
  // After a refused form the server has said why; say it again only once something moves.
  var quiet = !!document.querySelector(".form-errors");

  function clamp(v, limit) { return Math.min(limit, Math.max(0, v)); }
  function corner(i) {
    return { x: clamp(parseFloat(fields[i].x.value) || 0, width), y: clamp(parseFloat(fields[i].y.value) || 0, height) };
  }
  function cross(o, a, b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
  function segmentsCross(p1, p2, q1, q2) {
    return cross(q1, q2, p1) * cross(q1, q2, p2) < 0 && cross(p1, p2, q1) * cross(p1, p2, q2) < 0;
  }
  // The same rules as the server's, said at once while dragging; the server has the last word.
  function problem(points) {
    if (segmentsCross(points[0], points[1], points[2], points[3]) ||
        segmentsCross(points[1], points[2], points[3], points[0])) { return CROSSED; }
    var turns = points.map(function (p, i) { return cross(p, points[(i + 1) % 4], points[(i + 2) % 4]); });
    var sameWay = turns.every(function (t) { return t > 0; }) || turns.every(function (t) { return t < 0; });
    return sameWay ? "" : INSIDE;
  }
  function draw() {
    var points = handles.map(function (_, i) { return corner(i); });
    handles.forEach(function (handle, i) {
      handle.style.left = (points[i].x / width * 100) + "%";
      handle.style.top = (points[i].y / height * 100) + "%";
    });
    polygon.setAttribute("points", points.map(function (p) { return p.x + "," + p.y; }).join(" "));
    var said = problem(points);
    polygon.classList.toggle("is-refused", !!said);
    if (quiet) { said = ""; }
    if (check.textContent !== said) { check.textContent = said; }
  }
  function moved() { quiet = false; draw(); }
  function place(i, x, y) {
    fields[i].x.value = Math.round(clamp(x, width));
    fields[i].y.value = Math.round(clamp(y, height));
    moved();
  }

  var dragging = null;
  handles.forEach(function (handle, i) {
    handle.hidden = false;
    handle.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      dragging = i;
      handle.focus();
      handle.setPointerCapture(event.pointerId);
      handle.classList.add("is-dragging");
    });
    handle.addEventListener("pointermove", function (event) {
      if (dragging !== i) { return; }
      var r = stage.getBoundingClientRect();
      place(i, (event.clientX - r.left) / r.width * width, (event.clientY - r.top) / r.height * height);
    });
    function stop() { dragging = null; handle.classList.remove("is-dragging"); }
    handle.addEventListener("pointerup", stop);
    handle.addEventListener("pointercancel", stop);
    handle.addEventListener("keydown", function (event) {
      var step = Math.max(1, Math.round(Math.max(width, height) * (event.shiftKey ? 0.02 : 0.004)));
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) { return; }
      event.preventDefault();
      var p = corner(i);
      place(i, p.x + move[0], p.y + move[1]);
    });
  });
  fields.forEach(function (pair) {
    pair.x.addEventListener("input", moved);
    pair.y.addEventListener("input", moved);
  });
  document.getElementById("corners-how").textContent =
    "Drag the numbered corners with a finger or the mouse, or focus one and use the arrow keys " +
    "(Shift for bigger steps). The numbers beside the photo follow.";
  draw();
})();

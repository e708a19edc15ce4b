// Shows the crisis resources as soon as an answer that raises a risk flag is chosen (the
// options carry data-risk). The server shows them again on the page after sending; this
// only makes them appear sooner.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  var box = document.getElementById("crisis-now");
  if (!form || !box) { return; }
  function update() {
    var risky = form.querySelector("input[type=radio][data-risk]:checked");
    box.hidden = !risky;
  }
  form.addEventListener("change", update);
  update();
})();

// Two things the page does sooner with a script; the server does both again when the form is sent,
// so the page works without it:
// - shows the crisis resources as soon as an answer that raises a risk flag is chosen (the options
//   carry data-risk);
// - saves the answers as each is given (form[data-save-url]), so a risk answer reaches the clinicians
//   even if the person closes the page without sending it. keepalive lets the last save finish while
//   the page is being closed; X-ArtChart-Poll keeps a save from writing the signed-in session (on the
//   tablet), which could otherwise put back an older copy over what sending the form just stored.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }
  var box = document.getElementById("crisis-now");
  function showCrisis() {
    if (box) { box.hidden = !form.querySelector("input[type=radio][data-risk]:checked"); }
  }
  function save() {
    var url = form.getAttribute("data-save-url");
    if (!url || !window.fetch) { return; }
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true,
                headers: {"X-ArtChart-Poll": "1"}})
      .catch(function () { /* offline: the answers are sent with the form */ });
  }
  form.addEventListener("change", function () { showCrisis(); save(); });
  showCrisis();
})();

// Session pages: show the series' end fields only for a repeating booking, and
// let the schedule's filters apply as they change (the Show button still works without this).
(() => {
  const repeat = document.getElementById("id_repeat");
  const ends = document.querySelector("[data-series-ends]");
  if (repeat && ends) {
    const sync = () => { ends.hidden = !repeat.value; };
    repeat.addEventListener("change", sync);
    sync();
  }
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll("select, input").forEach((el) => el.addEventListener("change", () => form.requestSubmit()));
  });
  document.querySelectorAll("[data-select-on-focus]").forEach((el) => el.addEventListener("focus", () => el.select()));
})();

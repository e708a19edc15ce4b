// Notes pages: autosave of a draft as the therapist types, "copy as plain text",
// and a confirmation on buttons that sign (a signed note cannot be changed).
(() => {
  const PAUSE_MS = 1500;

  document.querySelectorAll("form[data-autosave-url]").forEach((form) => {
    const status = document.querySelector("[data-autosave-status]");
    let timer = null;
    let sending = false;
    let again = false;
    const say = (text) => { if (status) status.textContent = text; };

    const save = async () => {
      if (sending) { again = true; return; }
      sending = true;
      say("Saving…");
      try {
        const response = await fetch(form.dataset.autosaveUrl, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok && answer.saved) say(`Saved ${answer.at}`);
        else say(`Not saved: ${answer.message || "check the fields marked when you press Save."}`);
      } catch (error) {
        say("Not saved: the connection was lost. Your text is still here; keep the page open.");
      } finally {
        sending = false;
        if (again) { again = false; save(); }
      }
    };

    const later = () => { clearTimeout(timer); timer = setTimeout(save, PAUSE_MS); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", () => clearTimeout(timer));
  });

  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const source = document.getElementById(button.dataset.copyTarget);
    const status = document.querySelector("[data-copy-status]");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
      } catch (error) {
        source.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = "Copied.";
    });
  });

  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();

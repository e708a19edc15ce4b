// ArtChart's page behaviour. No inline script anywhere: the CSP forbids it.
"use strict";

// --- The menu on a phone ------------------------------------------------------------
// Below 600 px the CSS folds the menu behind one button, but only on pages where this
// script runs (the class below), so without it the menu stays open.
document.documentElement.classList.add("js");
(function phoneMenu() {
  const toggle = document.querySelector(".menu-toggle");
  if (!toggle) return;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    for (const part of document.querySelectorAll(".topbar .menu-part")) part.classList.toggle("open", open);
  });
})();

// --- Inactivity logoff warning -------------------------------------------------
// The server ends an idle session by itself; this only warns before it does and
// lets the user say "I'm here" (a keepalive request counts as activity).
(function idleWarning() {
  const body = document.body;
  const timeout = Number(body.dataset.idleTimeout || 0);
  if (!timeout) return;
  const warnBefore = Number(body.dataset.idleWarning || 120);
  const dialog = document.getElementById("idle-warning");
  const countdown = document.getElementById("idle-countdown");
  let lastActivity = Date.now();
  let timer = null;

  function secondsLeft() {
    return Math.round(timeout - (Date.now() - lastActivity) / 1000);
  }
  function format(s) {
    const m = Math.floor(Math.max(s, 0) / 60);
    const r = String(Math.max(s, 0) % 60).padStart(2, "0");
    return `${m}:${r}`;
  }
  function tick() {
    const left = secondsLeft();
    if (left <= 0) {
      window.location.assign(`${body.dataset.logoutUrl}?expired=1`);
      return;
    }
    if (left <= warnBefore) {
      countdown.textContent = format(left);
      if (!dialog.open) dialog.showModal();
    }
  }
  function keepAlive() {
    fetch(body.dataset.keepaliveUrl, { method: "GET", credentials: "same-origin" }).then((r) => {
      if (r.ok) {
        lastActivity = Date.now();
        dialog.close();
      } else {
        window.location.assign(`${body.dataset.logoutUrl}?expired=1`);
      }
    });
  }
  document.getElementById("idle-continue").addEventListener("click", keepAlive);
  // A page load or an htmx request is server-side activity; typing in a form is
  // not, until it is saved, so we count only requests.
  document.addEventListener("htmx:afterRequest", () => { lastActivity = Date.now(); });
  timer = setInterval(tick, 1000);
})();

// --- Confirm before destructive actions -------------------------------------------
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// --- Show the fields that belong to the chosen consent kind and signature --------
(function consentForm() {
  const form = document.querySelector("form[data-consent-form]");
  if (!form) return;
  const kind = form.querySelector("[name=kind]");
  const signer = form.querySelector("[name=signer]");
  const sigKind = form.querySelector("[name=signature_kind]");
  function sync() {
    form.querySelectorAll("[data-show-when]").forEach((el) => {
      const [field, values] = el.dataset.showWhen.split("=");
      const input = form.querySelector(`[name=${field}]`);
      const current = input ? (input.type === "radio" ? (form.querySelector(`[name=${field}]:checked`) || {}).value : input.value) : "";
      el.hidden = !values.split("|").includes(current);
    });
  }
  [kind, signer, sigKind].forEach((el) => el && el.addEventListener("change", sync));
  form.querySelectorAll("input[type=radio]").forEach((el) => el.addEventListener("change", sync));
  sync();
})();

// --- Signature pad: draw with finger, stylus or mouse ------------------------------
(function signaturePad() {
  const canvas = document.querySelector("canvas[data-signature-for]");
  if (!canvas) return;
  const target = document.getElementById(canvas.dataset.signatureFor);
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = 5;  // the canvas is drawn at twice its displayed size
  ctx.lineCap = "round";
  ctx.strokeStyle = "#1b1b1f";
  let drawing = false;
  let drawn = false;
  function point(e) {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
  }
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...point(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    ctx.lineTo(...point(e));
    ctx.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointerup", () => {
    drawing = false;
    if (drawn) target.value = canvas.toDataURL("image/png");
  });
  const clear = document.querySelector("[data-signature-clear]");
  if (clear) clear.addEventListener("click", () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    target.value = "";
    drawn = false;
  });
})();

// --- After a failed save, take keyboard and screen-reader focus to the summary ---
(function focusFormErrors() {
  const summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();

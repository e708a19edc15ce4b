// The session's photo page: every photo taken or chosen becomes a card with its own title, media
// and client's words; it is shrunk on the device (to the form's data-long-side; left alone where the
// practice keeps originals), then sent on its own with a progress bar. A failed upload keeps its
// card and its key, so "Try again" cannot make a second piece, and the other photos are untouched.
// Without this script the form posts every photo at once and the server files them.
"use strict";
(function sessionPhotos() {
  const form = document.querySelector("form[data-session-photos]");
  const template = document.getElementById("piece-template");
  if (!form || !template || !window.XMLHttpRequest || !window.FormData) return;
  const longSide = Number(form.dataset.longSide || 0);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const summary = form.querySelector("[data-summary]");
  let counter = 0;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // Draw the photo no larger than longSide and encode it as JPEG; the file itself when it is
  // small enough, when the practice keeps originals, or when this browser cannot decode it (the
  // server then says what is wrong with it).
  async function shrink(file) {
    if (!longSide || !window.createImageBitmap) return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      return file;
    }
    const scale = longSide / Math.max(bitmap.width, bitmap.height);
    if (scale >= 1) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    if (!blob) return file;
    const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
    return new File([blob], name, { type: "image/jpeg" });
  }

  function say(piece, text, isError) {
    const status = piece.querySelector("[data-status]");
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function addPiece(zone, file) {
    const rowMedia = zone.querySelector("select[data-media]");
    const piece = template.content.firstElementChild.cloneNode(true);
    counter += 1;
    piece.querySelectorAll("[data-name]").forEach((field) => {
      field.id = `piece-${counter}-${field.dataset.name}`;
      field.name = field.id;
    });
    piece.querySelectorAll("label[data-for]").forEach((label) => {
      label.htmlFor = `piece-${counter}-${label.dataset.for}`;
    });
    const media = piece.querySelector("[data-name=media]");
    media.replaceChildren(...Array.from(rowMedia.options, (option) => option.cloneNode(true)));
    media.value = rowMedia.value;
    const state = { file, upload: null, key: newKey(), client: zone.dataset.client, filed: false };
    piece.sessionPhoto = state;
    const preview = piece.querySelector(".piece-preview");
    preview.alt = `Photo ${counter}: ${file.name}`;
    preview.src = URL.createObjectURL(file);
    say(piece, file.name, false);
    piece.querySelector("[data-remove]").addEventListener("click", () => {
      if (!state.filed && !state.sending) piece.remove();
    });
    piece.querySelector("[data-retry]").addEventListener("click", () => send(piece).then(summarise));
    zone.querySelector("[data-pieces]").append(piece);
    state.upload = shrink(file);
  }

  function refused(piece, message) {
    piece.classList.add("is-failed");
    piece.querySelector("[data-progress]").hidden = true;
    piece.querySelector("[data-retry]").hidden = false;
    say(piece, message, true);
  }

  function filed(piece, answer) {
    const state = piece.sessionPhoto;
    state.filed = true;
    piece.classList.remove("is-failed");
    piece.classList.add("is-filed");
    piece.querySelector("[data-retry]").hidden = true;
    piece.querySelector("[data-remove]").hidden = true;
    piece.querySelectorAll("input, select, textarea").forEach((field) => { field.disabled = true; });
    if (answer.artwork.thumbnail) piece.querySelector(".piece-preview").src = answer.artwork.thumbnail;
    const status = piece.querySelector("[data-status]");
    status.classList.remove("is-error");
    const link = document.createElement("a");
    link.href = answer.artwork.url;
    link.textContent = answer.artwork.title;
    status.replaceChildren("Filed: ", link, ` (${answer.artwork.media})`);
  }

  async function send(piece) {
    const state = piece.sessionPhoto;
    if (state.filed || state.sending) return null;
    const media = piece.querySelector("[data-name=media]");
    if (!media.value) {
      refused(piece, form.dataset.mediaRequired);
      piece.querySelector("[data-retry]").hidden = true;
      media.focus();
      return false;
    }
    state.sending = true;
    piece.classList.remove("is-failed");
    piece.querySelector("[data-retry]").hidden = true;
    const progress = piece.querySelector("[data-progress]");
    progress.hidden = false;
    progress.value = 0;
    say(piece, "Sending…", false);
    const photo = await state.upload;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("client", state.client);
    data.append("key", state.key);
    data.append("media", media.value);
    data.append("title", piece.querySelector("[data-name=title]").value);
    data.append("statement", piece.querySelector("[data-name=statement]").value);
    data.append("photo", photo, photo.name);
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", form.dataset.photoUrl);
      request.setRequestHeader("X-CSRFToken", csrf);
      request.responseType = "json";
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", () => {
        state.sending = false;
        const answer = request.response;
        if ((request.status === 200 || request.status === 201) && answer && answer.artwork) {
          progress.value = 100;
          filed(piece, answer);
          resolve(true);
        } else {
          refused(piece, (answer && answer.message) || form.dataset.interrupted);
          resolve(false);
        }
      });
      const interrupted = () => {
        state.sending = false;
        refused(piece, form.dataset.interrupted);
        resolve(false);
      };
      request.addEventListener("error", interrupted);
      request.addEventListener("abort", interrupted);
      request.addEventListener("timeout", interrupted);
      request.send(data);
    });
  }

  form.querySelectorAll("[data-row-details]").forEach((details) => { details.hidden = true; });
  form.querySelectorAll("[data-dropzone]").forEach((zone) => {
    zone.querySelectorAll("input[type=file]").forEach((input) => {
      input.addEventListener("change", () => {
        Array.from(input.files || []).forEach((file) => addPiece(zone, file));
        input.value = "";  // the photos live on their cards now; the form sends none itself
      });
    });
    window.artchartDropzone(zone, (images) => images.forEach((file) => addPiece(zone, file)));
  });

  // What the page says under the cards: every piece filed, or how many are still to go.
  function summarise() {
    const pieces = Array.from(form.querySelectorAll("[data-piece]"));
    const filed = pieces.filter((p) => p.sessionPhoto.filed).length;
    if (!pieces.length) summary.textContent = form.dataset.nothingChosen;
    else if (filed === pieces.length) summary.textContent = `Filed ${filed} piece(s).`;
    else summary.textContent = `Filed ${filed} of ${pieces.length}; ${pieces.length - filed} not filed yet: see the message on each.`;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pieces = Array.from(form.querySelectorAll("[data-piece]")).filter((p) => !p.sessionPhoto.filed);
    // One at a time: a tablet's upload link is the narrow part, and each bar then means something.
    for (const piece of pieces) await send(piece);
    summarise();
  });

  // Leaving with photos taken but not filed (to write the note, say) would lose them: ask first.
  window.addEventListener("beforeunload", (event) => {
    if (Array.from(form.querySelectorAll("[data-piece]")).some((p) => !p.sessionPhoto.filed)) event.preventDefault();
  });
})();

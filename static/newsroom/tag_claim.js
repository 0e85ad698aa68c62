/*
 * "Tag claim" on the article page: select the words of a claim in the body,
 * press the button, and the claim is tagged on exactly those characters.
 *
 * Offsets are sent in Unicode code points (what Python counts), not in the
 * UTF-16 units JavaScript counts, and only for the saved text: an edited body
 * must be saved first, so the offsets match what the server holds.
 */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function init() {
    var body = document.getElementById("id_body");
    var form = document.getElementById("newsroom-tag-form");
    if (!body || !form) {
      return;
    }
    var box = document.createElement("div");
    box.className = "newsroom-tagger";
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button";
    button.textContent = "Tag claim";
    button.disabled = true;
    button.setAttribute("form", form.id);
    var status = document.createElement("span");
    status.className = "newsroom-muted";
    status.setAttribute("aria-live", "polite");
    box.appendChild(button);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(status);
    body.insertAdjacentElement("afterend", box);

    function selection() {
      var start = body.selectionStart;
      var end = body.selectionEnd;
      var value = body.value;
      while (start < end && /\s/.test(value.charAt(start))) {
        start += 1;
      }
      while (end > start && /\s/.test(value.charAt(end - 1))) {
        end -= 1;
      }
      return { start: start, end: end, text: value.slice(start, end) };
    }

    function update() {
      var picked = selection();
      if (body.value !== body.defaultValue) {
        button.disabled = true;
        status.textContent =
          "Save your edits first: claims are tagged on the saved text.";
      } else if (!picked.text) {
        button.disabled = true;
        status.textContent =
          "Select the words of a claim in the body, then press Tag claim.";
      } else {
        button.disabled = false;
        var shown = picked.text.length > 60
          ? picked.text.slice(0, 59) + "…"
          : picked.text;
        status.textContent = "Selected: “" + shown + "”";
      }
    }

    ["select", "keyup", "mouseup", "input", "focus"].forEach(function (name) {
      body.addEventListener(name, update);
    });
    document.addEventListener("selectionchange", update);

    form.addEventListener("submit", function (event) {
      var picked = selection();
      if (!picked.text || body.value !== body.defaultValue) {
        event.preventDefault();
        update();
        return;
      }
      var value = body.value;
      form.elements.start.value = codePoints(value.slice(0, picked.start));
      form.elements.end.value = codePoints(value.slice(0, picked.end));
      form.elements.quote.value = picked.text;
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

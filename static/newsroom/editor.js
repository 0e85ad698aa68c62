/*
 * The article's body editor: a small toolbar for the Markdown the public
 * renderer supports (headings, bold, italic, links, quotes, lists) and a live
 * preview of what readers will see, rendered on the server by the public
 * site's own renderer and sanitiser (ArticleAdmin's render-markdown view).
 *
 * On a wide screen the text and its preview are side by side; on a narrow one
 * a button switches between them. Without JavaScript the body is the plain
 * textarea it always was.
 */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // Each tool changes the selected text (or the lines it touches).
  var TOOLS = [
    ["H", "Heading", "line", "## "],
    ["B", "Bold (Ctrl+B)", "wrap", "**"],
    ["I", "Italic (Ctrl+I)", "wrap", "*"],
    ["Link", "Link", "link", ""],
    ["“ ”", "Quote", "line", "> "],
    ["• List", "Bulleted list", "line", "- "],
    ["1. List", "Numbered list", "number", ""],
  ];

  function apply(body, tool) {
    var start = body.selectionStart;
    var end = body.selectionEnd;
    var text = body.value;
    var chosen = text.slice(start, end);
    var kind = tool[2];
    var mark = tool[3];
    var replacement;
    var select = null;
    if (kind === "wrap") {
      replacement = mark + (chosen || "text") + mark;
      select = [start + mark.length, start + replacement.length - mark.length];
    } else if (kind === "link") {
      var words = chosen || "words";
      replacement = "[" + words + "](https://)";
      var at = start + words.length + 3;
      select = [at, at + "https://".length];
    } else {
      // Whole lines: from the start of the first selected line.
      start = text.lastIndexOf("\n", start - 1) + 1;
      var lineEnd = text.indexOf("\n", end);
      end = lineEnd < 0 ? text.length : lineEnd;
      var lines = text.slice(start, end).split("\n");
      replacement = lines
        .map(function (line, index) {
          return (kind === "number" ? index + 1 + ". " : mark) + line;
        })
        .join("\n");
      select = [start, start + replacement.length];
    }
    body.focus();
    body.setRangeText(replacement, start, end, "end");
    body.setSelectionRange(select[0], select[1]);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The saved text with its claims marked ("Claims in the text") is the same
  // text again: it becomes a second view of the body, not a second copy
  // further down the page.
  function showTextOnce(editor, write, toolbar) {
    var tagging = document.querySelector(".field-claims_in_text .newsroom-tagging");
    if (!tagging) {
      return;
    }
    var row = tagging.closest(".form-row");
    var views = el("div", { class: "newsroom-editor__views", role: "group", "aria-label": "View" });
    var asText = el("button", { type: "button", class: "button", "aria-pressed": "true" }, "Text");
    var asClaims = el(
      "button",
      { type: "button", class: "button", "aria-pressed": "false" },
      "Claims in the text"
    );
    views.appendChild(asText);
    views.appendChild(asClaims);
    toolbar.insertBefore(views, toolbar.firstChild);
    write.appendChild(tagging);
    row.classList.add("newsroom-moved");
    function show(claims) {
      editor.classList.toggle("newsroom-editor--claims", claims);
      asText.setAttribute("aria-pressed", claims ? "false" : "true");
      asClaims.setAttribute("aria-pressed", claims ? "true" : "false");
    }
    asText.addEventListener("click", function () {
      show(false);
    });
    asClaims.addEventListener("click", function () {
      show(true);
    });
    show(false);
  }

  function setUp(body) {
    var url = body.dataset.previewUrl;
    var form = body.form;
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !token) {
      return;
    }
    var editor = el("div", { class: "newsroom-editor" });
    var write = el("div", { class: "newsroom-editor__write" });
    var toolbar = el("div", {
      class: "newsroom-editor__toolbar",
      role: "toolbar",
      "aria-label": "Formatting",
      "aria-controls": body.id,
    });
    TOOLS.forEach(function (tool) {
      var button = el(
        "button",
        { type: "button", class: "button", title: tool[1], "aria-label": tool[1] },
        tool[0]
      );
      button.addEventListener("click", function () {
        apply(body, tool);
      });
      toolbar.appendChild(button);
    });
    var toggle = el(
      "button",
      { type: "button", class: "button newsroom-editor__toggle", "aria-pressed": "false" },
      "Show preview"
    );
    toolbar.appendChild(toggle);
    var pane = el("section", {
      class: "newsroom-editor__preview",
      "aria-labelledby": "newsroom-preview-heading",
    });
    pane.appendChild(
      el("h3", { id: "newsroom-preview-heading" }, "Preview: as readers will see it")
    );
    var status = el("p", { class: "newsroom-muted newsroom-editor__status", role: "status" });
    var preview = el("div", { class: "newsroom-preview article-body", id: "newsroom-preview" });
    pane.appendChild(status);
    pane.appendChild(preview);

    // tag_claim.js put its "Tag claim" button right after the body.
    var bodyTagger = body.nextElementSibling;
    body.parentNode.insertBefore(editor, body);
    write.appendChild(toolbar);
    write.appendChild(body);
    if (bodyTagger && bodyTagger.classList.contains("newsroom-tagger")) {
      write.appendChild(bodyTagger);
    }
    editor.appendChild(write);
    editor.appendChild(pane);
    showTextOnce(editor, write, toolbar);

    toggle.addEventListener("click", function () {
      var showing = editor.classList.toggle("newsroom-editor--preview");
      toggle.setAttribute("aria-pressed", showing ? "true" : "false");
      toggle.textContent = showing ? "Show text" : "Show preview";
    });

    body.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) {
        return;
      }
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        apply(body, TOOLS[key === "b" ? 1 : 2]);
      }
    });

    var timer = null;
    var pending = null;
    var shown = null;
    function refresh() {
      var text = body.value;
      if (text === shown) {
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var data = new FormData();
      data.append("body", text);
      fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": token.value },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) {
              throw new Error(answer.error || "The preview could not be made.");
            }
            return answer;
          });
        })
        .then(function (answer) {
          // HTML from the public renderer, sanitised on the server.
          preview.innerHTML = answer.html;
          shown = text;
          status.textContent = "";
          preview.dispatchEvent(new CustomEvent("newsroom:preview", { bubbles: true }));
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            status.textContent = error.message;
          }
        });
    }
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    refresh();
  }

  // Autosave ---------------------------------------------------------------
  //
  // A few seconds after the editor stops typing, what they typed is kept as
  // their draft of the article (not a revision); when they leave the page
  // without saving, once more. Their next visit offers it back.

  var SAVE_AFTER_MS = 2000;
  var DRAFT_FIELDS = ["title", "dek", "body", "byline"];

  function autosave(body, status) {
    var url = body.dataset.autosaveUrl;
    var form = body.form;
    if (!url || !form) {
      return;
    }
    var fields = DRAFT_FIELDS.map(function (name) {
      return form.elements[name];
    }).filter(function (field) {
      return field && typeof field.value === "string";
    });
    function snapshot() {
      return JSON.stringify(fields.map(function (field) { return field.value; }));
    }
    function payload() {
      var data = new FormData();
      fields.forEach(function (field) {
        data.append(field.name, field.value);
      });
      var seen = form.elements.seen_lock_version;
      data.append("seen_lock_version", seen ? seen.value : "");
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      return data;
    }
    var kept = snapshot();
    var timer = null;
    var submitting = false;
    function save() {
      var now = snapshot();
      if (now === kept || submitting) {
        return;
      }
      fetch(url, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) {
              throw new Error(answer.error || "The draft could not be kept.");
            }
            kept = now;
            status.textContent =
              "Draft kept " + answer.saved_at + ": not saved to the article yet.";
          });
        })
        .catch(function (error) {
          status.textContent = error.message;
        });
    }
    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(save, SAVE_AFTER_MS);
      });
    });
    form.addEventListener("submit", function () {
      submitting = true;
      clearTimeout(timer);
    });
    window.addEventListener("pagehide", function () {
      if (!submitting && snapshot() !== kept && navigator.sendBeacon) {
        navigator.sendBeacon(url, payload());
      }
    });
  }

  function offerDraft(body) {
    var prompt = document.getElementById("newsroom-draft");
    var data = document.getElementById("newsroom-draft-fields");
    if (!prompt || !data || !body.form) {
      return;
    }
    var form = body.form;
    var fields = JSON.parse(data.textContent);
    prompt.querySelector("[data-draft=restore]").addEventListener("click", function () {
      Object.keys(fields).forEach(function (name) {
        var field = form.elements[name];
        if (field && typeof field.value === "string") {
          field.value = String(fields[name]);
          field.dispatchEvent(new Event("input", { bubbles: true }));
          // As a typed value does: on the add page, the title fills the slug.
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      prompt.remove();
      body.focus();
    });
    prompt.querySelector("[data-draft=discard]").addEventListener("click", function () {
      var post = new FormData();
      post.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      fetch(prompt.dataset.discardUrl, {
        method: "POST",
        body: post,
        credentials: "same-origin",
      }).then(function () {
        prompt.remove();
      });
    });
  }

  function start() {
    var body = document.getElementById("id_body");
    if (body && body.tagName === "TEXTAREA") {
      setUp(body);
      var status = el("p", {
        class: "newsroom-muted newsroom-editor__kept",
        role: "status",
      });
      body.insertAdjacentElement("beforebegin", status);
      autosave(body, status);
      offerDraft(body);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

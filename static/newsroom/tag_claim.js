/*
 * Tagging claims on the article page.
 *
 * Two places to select the words of a claim, each with its button:
 *
 * - the Body field: select (with the mouse, or Shift and the arrow keys),
 *   then "Tag claim" (the next Tab stop);
 * - the text with its claims marked ("Claims in the text"): select with the
 *   mouse, or Tab into it and select with Shift and the arrow keys, then
 *   "Tag selection as claim". A click on a marked claim, or Enter with the
 *   caret in it, opens that claim.
 *
 * Offsets are sent in Unicode code points (what Python counts), not in the
 * UTF-16 units JavaScript counts. When the body has unsaved edits, "Tag
 * claim" submits the article's form with the selection: the claim is tagged
 * on the text as typed once it is saved. The server checks the words again
 * before it tags them.
 */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function isSpace(text) {
    return /^\s$/.test(text);
  }

  function shorten(text) {
    var points = Array.from(text.replace(/\s+/g, " "));
    return points.length > 60 ? points.slice(0, 59).join("") + "…" : points.join("");
  }

  function tagger(className, label, form) {
    var box = document.createElement("div");
    box.className = className;
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button";
    button.textContent = label;
    button.disabled = true;
    button.setAttribute("form", form.id);
    var status = document.createElement("span");
    status.className = "newsroom-muted";
    status.setAttribute("aria-live", "polite");
    box.appendChild(button);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(status);
    return { box: box, button: button, status: status };
  }

  function show(parts, picked, edited, hint) {
    if (edited) {
      parts.button.disabled = true;
      parts.status.textContent =
        "Save your edits first: claims are tagged on the saved text.";
    } else if (!picked || !picked.text) {
      parts.button.disabled = true;
      parts.status.textContent = hint;
    } else {
      parts.button.disabled = false;
      parts.status.textContent = "Selected: “" + shorten(picked.text) + "”";
    }
  }

  // The Body field -------------------------------------------------------------

  function bodyTagger(body, form, state) {
    var parts = tagger("newsroom-tagger", "Tag claim", form);
    body.insertAdjacentElement("afterend", parts.box);

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
      return {
        start: codePoints(value.slice(0, start)),
        end: codePoints(value.slice(0, end)),
        text: value.slice(start, end),
      };
    }

    function edited() {
      return body.value !== body.defaultValue;
    }

    function update() {
      // Unsaved edits: the claim is tagged on the text as typed, which is
      // saved with it (the article's form is submitted with the selection).
      show(
        parts,
        selection(),
        false,
        "Select the words of a claim in the body, then press Tag claim."
      );
      if (edited() && !parts.button.disabled) {
        parts.status.textContent += " Your edits are saved with it.";
      }
    }

    function saveAndTag(picked) {
      var article = body.form;
      [
        ["newsroom_tag_start", picked.start],
        ["newsroom_tag_end", picked.end],
        ["newsroom_tag_quote", picked.text],
      ].forEach(function (pair) {
        var input = article.querySelector("input[name=" + pair[0] + "]");
        if (!input) {
          input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          article.appendChild(input);
        }
        input.value = pair[1];
      });
      var stay = article.querySelector("input[name=_continue]");
      if (article.requestSubmit) {
        article.requestSubmit(stay || undefined);
      } else {
        article.submit();
      }
    }

    ["select", "keyup", "mouseup", "input", "focus"].forEach(function (name) {
      body.addEventListener(name, update);
    });
    document.addEventListener("selectionchange", update);
    parts.button.addEventListener("click", function (event) {
      if (edited()) {
        var picked = selection();
        event.preventDefault();
        if (picked.text) {
          saveAndTag(picked);
        }
        return;
      }
      state.source = function () {
        return body.value === body.defaultValue ? selection() : null;
      };
    });
    update();
  }

  // The text with its claims ---------------------------------------------------

  function textTagger(region, body, form, state) {
    var original = region.innerHTML;
    var spans = [];
    var points = [];

    function index() {
      spans = Array.prototype.slice.call(region.querySelectorAll("span[data-o]"));
      points = Array.from(
        spans
          .map(function (span) {
            return span.textContent;
          })
          .join("")
      );
    }
    index();

    // A focusable, selectable, read-only text: caret browsing for everyone.
    region.setAttribute("contenteditable", "true");
    region.setAttribute("spellcheck", "false");
    region.setAttribute("role", "textbox");
    region.setAttribute("aria-multiline", "true");
    region.setAttribute("aria-readonly", "true");
    region.setAttribute("tabindex", "0");
    // Inside the text, a claim opens with Enter (or a click): its label need
    // not be a Tab stop of its own, so the next Tab reaches the button.
    region.querySelectorAll("a[href]").forEach(function (label) {
      label.setAttribute("tabindex", "-1");
    });

    var parts = tagger("newsroom-text-tagger", "Tag selection as claim", form);
    region.insertAdjacentElement("afterend", parts.box);

    function offsetAt(node, offset) {
      // The body offset (code points) of a point in the region.
      var result = 0;
      for (var i = 0; i < spans.length; i += 1) {
        var span = spans[i];
        var range = document.createRange();
        range.selectNodeContents(span);
        var where = range.comparePoint(node, offset);
        var start = Number(span.getAttribute("data-o"));
        if (where < 0) {
          return result;
        }
        if (where === 0) {
          if (node.nodeType === Node.TEXT_NODE && span.contains(node)) {
            return start + codePoints(node.data.slice(0, offset));
          }
          return offset === 0 ? start : start + codePoints(span.textContent);
        }
        result = start + codePoints(span.textContent);
      }
      return result;
    }

    function selection() {
      var chosen = window.getSelection();
      if (!chosen || chosen.rangeCount === 0 || chosen.isCollapsed) {
        return null;
      }
      var range = chosen.getRangeAt(0);
      if (
        !region.contains(range.startContainer) ||
        !region.contains(range.endContainer)
      ) {
        return null;
      }
      var start = offsetAt(range.startContainer, range.startOffset);
      var end = offsetAt(range.endContainer, range.endOffset);
      while (start < end && isSpace(points[start])) {
        start += 1;
      }
      while (end > start && isSpace(points[end - 1])) {
        end -= 1;
      }
      return { start: start, end: end, text: points.slice(start, end).join("") };
    }

    function update() {
      var picked = selection();
      if (picked) {
        state.last = picked;
      } else if (document.activeElement !== parts.button) {
        state.last = null;
      }
      show(
        parts,
        state.last,
        body && body.value !== body.defaultValue,
        "Select the words of a claim in the text above, then press Tag selection as claim."
      );
    }

    function claimAt(node) {
      var element = node && node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
      var mark = element && element.closest ? element.closest("mark[data-href]") : null;
      return mark && region.contains(mark) ? mark : null;
    }

    function unsaved() {
      // Whether anything in the article's form differs from the page as loaded.
      var changeForm = region.closest("form");
      if (!changeForm) {
        return false;
      }
      return Array.prototype.some.call(changeForm.elements, function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          return field.checked !== field.defaultChecked;
        }
        if (field.options) {
          // A single select with no option marked shows its first one.
          var options = Array.prototype.slice.call(field.options);
          var marked = options.filter(function (option) {
            return option.defaultSelected;
          });
          if (!marked.length && !field.multiple && options.length) {
            marked = [options[0]];
          }
          return options.some(function (option) {
            return option.selected !== (marked.indexOf(option) >= 0);
          });
        }
        return "defaultValue" in field && field.value !== field.defaultValue;
      });
    }

    function open(href, newTab) {
      // With unsaved changes on the page, the claim opens in a new tab, so
      // nothing typed is lost.
      if (newTab || unsaved()) {
        window.open(href, "_blank", "noopener");
      } else {
        window.location.assign(href);
      }
    }

    // Read-only: no typing, pasting, dropping or cutting; anything that slips
    // through (an input method) is undone.
    region.addEventListener("beforeinput", function (event) {
      event.preventDefault();
    });
    ["paste", "drop", "cut", "dragstart"].forEach(function (name) {
      region.addEventListener(name, function (event) {
        event.preventDefault();
      });
    });
    region.addEventListener("input", function () {
      region.innerHTML = original;
      index();
    });

    region.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      var chosen = window.getSelection();
      if (chosen && chosen.isCollapsed && chosen.rangeCount) {
        var mark = claimAt(chosen.anchorNode);
        if (mark) {
          open(mark.getAttribute("data-href"), event.ctrlKey || event.metaKey);
        }
      }
    });

    region.addEventListener("click", function (event) {
      var label = event.target.closest ? event.target.closest("a[href]") : null;
      var chosen = window.getSelection();
      if (label && region.contains(label)) {
        event.preventDefault();
        open(label.getAttribute("href"), event.ctrlKey || event.metaKey);
        return;
      }
      if (chosen && !chosen.isCollapsed) {
        return; // a selection, not a click on a claim
      }
      var mark = claimAt(event.target);
      if (mark) {
        open(mark.getAttribute("data-href"), event.ctrlKey || event.metaKey);
      }
    });

    document.addEventListener("selectionchange", update);
    region.addEventListener("keyup", update);
    region.addEventListener("mouseup", update);
    parts.button.addEventListener("click", function () {
      state.source = function () {
        return state.last;
      };
    });
    update();
  }

  function init() {
    var form = document.getElementById("newsroom-tag-form");
    if (!form) {
      return;
    }
    var body = document.getElementById("id_body");
    var region = document.getElementById("newsroom-text");
    // Which selection the pressed button tags.
    var state = { source: null, last: null };
    if (body) {
      bodyTagger(body, form, state);
    }
    if (region) {
      textTagger(region, body, form, state);
    }

    form.addEventListener("submit", function (event) {
      var edited = body && body.value !== body.defaultValue;
      var picked = !edited && state.source ? state.source() : null;
      if (!picked || !picked.text) {
        event.preventDefault();
        return;
      }
      form.elements.start.value = picked.start;
      form.elements.end.value = picked.end;
      form.elements.quote.value = picked.text;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

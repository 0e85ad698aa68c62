/*
 * The article page: a claim's fact-check opens where the claim is.
 *
 * Without this script the page works as it is sent: each claim's note links
 * to its fact-check card in the list at the end, and each card links back to
 * the text. With it, each note is a disclosure button (aria-expanded): it
 * opens the claim's card in place, in the margin beside the claim on a wide
 * screen and under its paragraph on a narrow one, and leaves the focus where
 * it is; Escape closes it and gives the focus back to the note. The list at
 * the end is folded away behind a button.
 *
 * A claim about a picture on the page has its note in the picture's caption
 * (the lead image's or one in the body), and opens there, beside the picture
 * on a wide screen and under it on a narrow one. A link to a claim with no
 * place on the page (a video, a picture not shown) unfolds the list and
 * brings the focus to its card.
 */
(function () {
  "use strict";

  var body = document.querySelector(".article-body");
  var list = document.getElementById("factcheck-list");
  if (!body || !list) {
    return;
  }
  // The notes: in the text, and in the captions of the pictures (the lead
  // image is above the text).
  var article = body.closest("article") || body;
  // The width at which notes sit in the margin (static/css/site.css).
  var wide = window.matchMedia("(min-width: 64rem)");
  var current = null; // {label, panel, id}

  function labels() {
    return article.querySelectorAll("a.claim-label[href^='#']");
  }

  function labelFor(id) {
    return article.querySelector(
      "a.claim-label[href='#" + CSS.escape(id) + "']"
    );
  }

  function marks(id) {
    return body.querySelectorAll("mark[data-claim='" + CSS.escape(id) + "']");
  }

  // The card's content, without the quote (it is right there in the text)
  // and the link back to it.
  function buildPanel(card, id) {
    var panel = document.createElement("div");
    panel.className = "claim-panel " + card.className.replace("factcheck ", "");
    panel.id = id + "-panel";
    Array.prototype.forEach.call(card.children, function (child) {
      if (!child.matches(".factcheck-quote, .factcheck-back")) {
        panel.appendChild(child.cloneNode(true));
      }
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "claim-panel-close";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close the fact-check");
    close.addEventListener("click", function () {
      closePanel(true);
    });
    panel.appendChild(close);
    return panel;
  }

  // The paragraph (or list, quote, heading, picture) the label is in.
  function blockOf(label) {
    var figure = label.closest("figure");
    if (figure) {
      return figure;
    }
    var node = label;
    while (node.parentElement && node.parentElement !== body) {
      node = node.parentElement;
    }
    return node;
  }

  function place(state) {
    if (wide.matches) {
      state.label.parentElement.appendChild(state.panel); // the margin note
    } else {
      blockOf(state.label).after(state.panel);
    }
  }

  // Bring the top of the panel into view without losing the claim: scroll
  // no further than keeps the label on the screen.
  function reveal(state) {
    var panel = state.panel.getBoundingClientRect();
    var label = state.label.getBoundingClientRect();
    var shown = Math.min(panel.height, 160);
    var below = panel.top + shown - window.innerHeight + 16;
    var room = label.top - 16;
    if (below > 0 && room > 0) {
      window.scrollBy(0, Math.min(below, room));
    }
  }

  function highlight(id, on) {
    marks(id).forEach(function (mark) {
      mark.classList.toggle("is-open", on);
    });
  }

  function openPanel(label) {
    var id = label.getAttribute("href").slice(1);
    var card = document.getElementById(id);
    if (!card) {
      return;
    }
    if (current) {
      closePanel(false);
    }
    current = { label: label, panel: buildPanel(card, id), id: id };
    place(current);
    label.setAttribute("aria-expanded", "true");
    label.setAttribute("aria-controls", current.panel.id);
    highlight(id, true);
    history.replaceState(null, "", "#" + id);
    reveal(current);
  }

  function closePanel(returnFocus) {
    if (!current) {
      return;
    }
    var state = current;
    current = null;
    var hadFocus = state.panel.contains(document.activeElement);
    state.panel.remove();
    state.label.setAttribute("aria-expanded", "false");
    state.label.removeAttribute("aria-controls");
    highlight(state.id, false);
    history.replaceState(null, "", location.pathname + location.search);
    if (returnFocus || hadFocus) {
      state.label.focus();
    }
  }

  labels().forEach(function (label) {
    label.setAttribute("role", "button");
    label.setAttribute("aria-expanded", "false");
    label.addEventListener("click", function (event) {
      event.preventDefault();
      if (current && current.label === label) {
        closePanel(false);
      } else {
        openPanel(label);
      }
    });
    label.addEventListener("keydown", function (event) {
      // A button opens with the space bar too (Enter clicks the link).
      if (event.key === " ") {
        event.preventDefault();
        label.click();
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) {
      var inside =
        current.panel.contains(document.activeElement) ||
        document.activeElement === current.label;
      closePanel(inside);
    }
  });

  wide.addEventListener("change", function () {
    if (current) {
      place(current);
    }
  });

  // The list at the end: folded behind a button, since every card opens in
  // place; still there for whoever wants them all at once.
  var heading = document.getElementById("factchecks-heading");
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "factchecks-toggle";
  toggle.setAttribute("aria-controls", list.id);
  function fold(folded) {
    list.hidden = folded;
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.textContent = (folded ? "Show all " : "Hide the ") +
      list.children.length + " fact-checks";
  }
  toggle.addEventListener("click", function () {
    fold(!list.hidden);
  });
  heading.after(toggle);
  fold(true);

  // A claim with no place on the page: its card, in the list unfolded.
  function showCard(id) {
    var card = document.getElementById(id);
    if (!card || card.parentElement !== list) {
      return;
    }
    if (current) {
      closePanel(false);
    }
    fold(false);
    card.setAttribute("tabindex", "-1");
    card.scrollIntoView({ block: "start" });
    card.focus({ preventScroll: true });
  }

  // A link to a claim's card (from another page, or a shared address)
  // opens it in place, at its claim.
  function follow() {
    var id = decodeURIComponent(location.hash.slice(1));
    var label = id && labelFor(id); // not for "#claim-1-text": that is the text
    if (!label) {
      if (id) {
        showCard(id);
      }
      return;
    }
    var first = marks(id)[0] || label;
    first.scrollIntoView({ block: "center" });
    if (!current || current.label !== label) {
      openPanel(label);
    }
  }
  window.addEventListener("hashchange", follow);
  follow();
})();

/*
 * Accessible names for the controls of the article page that Django's admin
 * leaves unnamed, so a screen reader says "Rating: “OpenAI and Microsoft…”"
 * instead of "combo box":
 *
 * - the fields of table-form inlines (claims, entities mentioned), whose
 *   label is only the column header: named after the column and the row;
 * - the autocomplete boxes (select2), which name themselves after their
 *   current value only: named after their field, then the value;
 * - the help icons of the authors chooser, which carry a label but no role.
 */
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function rowText(row) {
    // The row's object, as the admin shows it, without its "Change" link.
    var shown = row.querySelector("td.original p");
    if (!shown) {
      return "";
    }
    shown = shown.cloneNode(true);
    shown.querySelectorAll("a").forEach(function (link) {
      link.remove();
    });
    return text(shown);
  }

  function isNamed(control) {
    return (
      (control.labels && control.labels.length > 0) ||
      control.hasAttribute("aria-label") ||
      control.hasAttribute("aria-labelledby")
    );
  }

  function nameTableFields(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      table.querySelectorAll("tbody tr.form-row").forEach(function (row, index) {
        var rowName = rowText(row) || "new row " + (index + 1);
        row.querySelectorAll("td[class*='field-'], td.delete").forEach(function (cell) {
          var field = Array.from(cell.classList).find(function (name) {
            return name.indexOf("field-") === 0;
          });
          var header = field
            ? table.querySelector("thead th.column-" + field.slice(6))
            : table.querySelector("thead th:last-child");
          var column = text(header).replace(/[?:]$/, "") || (field ? "" : "Delete");
          if (!column) {
            return;
          }
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(
            function (control) {
              if (!isNamed(control)) {
                control.setAttribute("aria-label", column + ": " + rowName);
              }
            }
          );
        });
      });
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      if (!select || select.tagName !== "SELECT" || box.dataset.newsroomNamed) {
        return;
      }
      var name = select.getAttribute("aria-label") || text(select.labels && select.labels[0]);
      if (!name) {
        return;
      }
      var label = document.createElement("span");
      label.id = select.id + "-newsroom-name";
      label.hidden = true;  // still read through aria-labelledby
      label.textContent = name.replace(/:$/, "");
      container.appendChild(label);
      var rendered = box.querySelector(".select2-selection__rendered");
      var ids = [label.id];
      if (rendered && rendered.id) {
        // The chosen value is read after the name; it is not an input itself.
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
        ids.push(rendered.id);
      }
      box.setAttribute("aria-labelledby", ids.join(" "));
      box.dataset.newsroomNamed = "1";
    });
  }

  function nameHelpIcons(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function run() {
    nameTableFields(document);
    nameAutocompletes(document);
    nameHelpIcons(document);
  }

  // After the admin's own scripts have built the autocomplete boxes (when
  // the document is ready) and the authors chooser (on load), and again for
  // each row added with "Add another".
  if (window.django && window.django.jQuery) {
    window.django.jQuery(run);
  }
  if (document.readyState === "complete") {
    run();
  } else {
    window.addEventListener("load", run);
  }
  document.addEventListener("formset:added", function () {
    window.setTimeout(run, 0);
  });
})();

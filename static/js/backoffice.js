// Back-office behaviours. No inline scripts anywhere (strict CSP): every
// page's interactive bits are declared with data- attributes and wired here.
(function () {
  "use strict";

  // --- Lines of the settings page: "+ Ajouter", "−", ↑ ↓ ---------------------

  function renumber(tbody) {
    var position = 1;
    tbody.querySelectorAll("[data-line]").forEach(function (row) {
      var order = row.querySelector("[data-line-order]");
      if (order) {
        order.value = String(position);
      }
      position += 1;
    });
  }

  function setRemoved(row, removed) {
    var deleteInput = row.querySelector("[data-line-delete]");
    if (deleteInput) {
      deleteInput.value = removed ? "on" : "";
    }
    row.classList.toggle("is-removed", removed);
    row.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (input) {
      input.readOnly = removed;
    });
    var remove = row.querySelector("[data-remove-line]");
    var undo = row.querySelector("[data-undo-remove]");
    if (remove && undo) {
      remove.hidden = removed;
      undo.hidden = !removed;
      (removed ? undo : remove).focus();
    }
  }

  function addLine(prefix) {
    var tbody = document.querySelector('[data-lines="' + prefix + '"]');
    var template = document.getElementById(prefix + "-empty-line");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!tbody || !template || !total) {
      return;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    renumber(tbody);
    var empty = document.querySelector('[data-lines-empty="' + prefix + '"]');
    if (empty) {
      empty.hidden = true;
    }
    var row = tbody.lastElementChild;
    var first = row && row.querySelector("input:not([type=hidden])");
    if (first) {
      first.focus();
    }
    markDirty();
  }

  function moveLine(row, direction) {
    var sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) {
      return;
    }
    if (direction === "up") {
      row.parentNode.insertBefore(row, sibling);
    } else {
      row.parentNode.insertBefore(sibling, row);
    }
    renumber(row.parentNode);
    var button = row.querySelector('[data-move="' + direction + '"]');
    if (button) {
      button.focus();
    }
    markDirty();
  }

  // --- Catalog codes as chips: Enter checks the code on the server -------------

  function addCatalogCode(input) {
    var code = input.value.trim();
    var error = document.getElementById("catalog-code-error");
    if (!code) {
      return;
    }
    if (error) {
      error.textContent = "";
    }
    window.htmx.ajax("POST", input.dataset.checkUrl, {
      source: input,
      target: "#catalog-chips",
      swap: "beforeend",
      values: { new_catalog_code: code },
    }).then(function () {
      if (!error || !error.textContent.trim()) {
        input.value = "";
        var empty = document.querySelector("[data-chips-empty]");
        if (empty) {
          empty.hidden = true;
        }
        markDirty();
      }
      input.focus();
    });
  }

  // --- Asking before an action that cannot be undone ----------------------------

  // A submit button (or its form) with data-confirm="…" asks that question first;
  // "Cancel" sends nothing. Listened to while capturing, on the document: it runs
  // before any listener on the form itself (htmx's among them), so a refused
  // confirmation stops htmx requests too.
  document.addEventListener(
    "submit",
    function (event) {
      var button = event.submitter;
      var question =
        (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // A button that acts on the page only (type="button", e.g. removing a catalog's chip) asks its
  // data-confirm question on click, before any other listener; "Cancel" leaves the page as it was.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest('button[type="button"][data-confirm]');
      if (button && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // --- A double click sends a form once ------------------------------------------

  // The same form submitted again a moment later (a double click, Enter pressed twice) is not sent
  // again. The server refuses the replay anyway (single-use keys, row locks), but the browser shows
  // the last answer: she read "this one did not leave" about the request that did. Plain POST forms
  // only: htmx sends its own (and has prevented the browser's by now), a search may be sent again.
  // For a moment, not until the page goes: a form answered by a file leaves the page where it is.
  var SAME_SUBMISSION_MS = 1500;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    var now = Date.now();
    var last = parseInt(form.getAttribute("data-submitted-at") || "0", 10);
    if (now - last < SAME_SUBMISSION_MS) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted-at", String(now));
  });

  // --- Leaving with unsaved changes --------------------------------------------

  var dirty = false;

  function markDirty() {
    dirty = true;
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest("[data-warn-unsaved]") && !event.target.matches("[data-catalog-input]")) {
      markDirty();
    }
  });

  document.addEventListener("submit", function () {
    dirty = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && document.querySelector("[data-warn-unsaved]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- The "Cours de ski" panel ---------------------------------------------------------

  // "Add" next to a product takes the dates, participants and quantity typed above. While capturing:
  // before htmx, listening on the form itself, reads the form's fields to send them.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches("[data-add-product]")) {
        return;
      }
      var search = form.closest(".quote-add").querySelector(".product-search");
      ["start_date", "end_date", "participants", "quantity", "search"].forEach(function (name) {
        var source = search.querySelector('[name="' + name + '"]');
        var copy = form.querySelector('input[type=hidden][name="' + name + '"]');
        if (!copy) {
          copy = document.createElement("input");
          copy.type = "hidden";
          copy.name = name;
          form.appendChild(copy);
        }
        copy.value = source ? source.value : "";
      });
    },
    true
  );

  // "Edit" on a line of a draft quote opens its form in the row below, focus on its first field;
  // "Cancel" (or Escape) closes it, puts back what the form started with, and returns to "Edit".
  // One line is changed at a time: "Save" sends its own form and the panel comes back, so what was
  // typed in another line's form would be lost anyway, unsaved. Opening a line's form closes the
  // other one, as it was, rather than let "Save" drop it without a word.
  function lineEditOpener(row) {
    return document.querySelector('[data-edit-line="' + row.id + '"]');
  }

  function openLineEdit(row) {
    document.querySelectorAll(".line-edit-row:not([hidden])").forEach(function (other) {
      if (other !== row) {
        closeLineEdit(other, false);
      }
    });
    row.hidden = false;
    var opener = lineEditOpener(row);
    if (opener) {
      opener.setAttribute("aria-expanded", "true");
    }
    var first = row.querySelector("input:not([type=hidden])");
    if (first) {
      first.focus();
    }
  }

  function closeLineEdit(row, backToOpener) {
    var form = row.querySelector("form");
    if (form) {
      form.reset();
    }
    row.hidden = true;
    var opener = lineEditOpener(row);
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (backToOpener !== false) {
        opener.focus();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    var row = event.key === "Escape" && event.target.closest && event.target.closest(".line-edit-row");
    if (row) {
      event.preventDefault();
      closeLineEdit(row);
    }
  });

  // The panel arrives after the page: scroll to the quote (or the line) the address points at.
  // The message of what was just done to that quote goes with it: left in the
  // banner at the top of the page, it would be out of sight.
  // Moved, the message is said again: the page was loading when it was first there, and a screen
  // reader said it then, if at all, before the panel was on the page.
  function announceAgain(banner, then) {
    var notices = Array.prototype.slice.call(banner.querySelectorAll('[role="status"]'));
    var texts = notices.map(function (notice) {
      var text = notice.textContent;
      notice.textContent = "";
      return text;
    });
    window.setTimeout(function () {
      notices.forEach(function (notice, index) {
        notice.textContent = texts[index];
      });
      then();
    }, 100);
  }

  // A line added, changed or removed answers with the panel alone, swapped in place of the old one
  // (htmx): it names in data-landing what the keyboard goes to, its message already in its quote.
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = event.target;
    if (!(panel && panel.id === "quotes-panel")) {
      return;
    }
    var landing = panel.getAttribute("data-landing");
    var id = landing || window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (!target) {
      return;
    }
    // A line just changed: a table row holds no message, its quote does; the keyboard goes back to
    // the line's "Edit", where it was before "Save".
    var line = target.matches("tr.quote-line") ? target : null;
    var holder = line ? line.closest(".quote") : target;
    var edit = line && line.querySelector("[data-edit-line]");
    var banner = landing ? panel.querySelector("[data-panel-messages]") : document.querySelector("main > .messages");
    if (edit) {
      // Not scrolled to: should the table outgrow its box (it is a table from 720 px, cards below)
      // "Edit" is in the last column, so the table would come back scrolled to its end, the
      // product's name out of sight. The line is shown from its start.
      edit.focus({ preventScroll: true });
    }
    function scroll() {
      if (!line) {
        target.scrollIntoView();
        return;
      }
      // The message, and the line below it if the screen holds both; the line first.
      if (banner) {
        banner.scrollIntoView({ block: "start" });
      }
      var box = line.closest(".table-scroll");
      if (box) {
        box.scrollLeft = 0;
      }
      line.cells[0].scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    // Nothing of the line to go back to (a quote made, sent, a line removed, a payment asked for; the
    // dossier taken or saved, an answer sent, a note added): the keyboard goes to the message, now at
    // the top of what was just done, and is read from there; Tab goes on in that section, not at the
    // top of the page, where the focus was left.
    var readOnFocus = Boolean(banner && holder && !edit);
    if (banner && holder) {
      holder.insertBefore(banner, holder.firstChild);
      if (readOnFocus) {
        banner.setAttribute("tabindex", "-1");
        banner.focus({ preventScroll: true });
      } else {
        announceAgain(banner, scroll);
      }
    }
    scroll();
    // A product refused: the add form is back as typed; the keyboard goes to the field in error.
    if (target.classList.contains("quote-add")) {
      var invalid = target.querySelector('[aria-invalid="true"]');
      if (invalid) {
        invalid.focus({ preventScroll: true });
      }
    }
    // A line's change refused: its form is open with the errors; the keyboard goes to the first
    // field in error (none named: the first field), which the errors describe.
    if (target.hasAttribute("data-line-edit")) {
      var field =
        target.querySelector('[aria-invalid="true"]') || target.querySelector("input:not([type=hidden])");
      if (field) {
        field.focus({ preventScroll: true });
      }
    }
  });

  // A list that a search redraws (the inbox, a quote's products): its status line says what was found,
  // how many or that none matches ([data-results-summary], else the inbox's count); the criteria refused
  // are said by their own alert. Only to her who is searching: not when the list first loads.
  document.addEventListener("htmx:afterSettle", function (event) {
    var results = event.detail.target;
    var said = results && results.id && document.querySelector('[data-results-said="' + results.id + '"]');
    var searching = document.activeElement && document.activeElement.closest("form");
    if (!said || !searching || searching.getAttribute("hx-target") !== "#" + results.id) {
      return;
    }
    var summary = results.querySelector("[data-results-summary]") || results.querySelector("[data-results-count]");
    said.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  });

  // The panel could not answer: the connection lost, or a refusal it does not draw (the line gone
  // meanwhile, the page out of date, a server error). Said in the panel, where she clicked, and
  // the keyboard on it: nothing would change on the screen otherwise.
  function panelFailed(event) {
    var panel = document.getElementById("quotes-panel");
    var target = event.detail.target;
    if (!panel || !target || (target !== panel && !target.matches("form.quote-send"))) {
      return;
    }
    panel.querySelectorAll("[data-panel-failure]").forEach(function (old) {
      old.remove();
    });
    var failure = document.createElement("p");
    failure.className = "alert alert-error";
    failure.setAttribute("role", "alert");
    failure.setAttribute("tabindex", "-1");
    failure.setAttribute("data-panel-failure", "");
    failure.textContent = panel.getAttribute("data-failed-message");
    var title = panel.querySelector(".section-title-row");
    panel.insertBefore(failure, title ? title.nextSibling : panel.firstChild);
    failure.focus();
  }

  document.addEventListener("htmx:responseError", panelFailed);
  document.addEventListener("htmx:sendError", panelFailed);

  // The session ended (logged out elsewhere, expired): the request was sent on to the login page. The
  // browser goes there whole, to come back to this page once logged in, rather than draw the login
  // form inside the panel.
  var LOGIN_PATH = "/backoffice/login/";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var answered = xhr && xhr.responseURL ? new URL(xhr.responseURL) : null;
    if (!answered || answered.pathname !== LOGIN_PATH) {
      return;
    }
    event.detail.shouldSwap = false;
    var here = window.location.pathname + window.location.search;
    window.location.assign(LOGIN_PATH + "?next=" + encodeURIComponent(here));
  });

  // --- The quote e-mail's preview -----------------------------------------------------

  // Shown below the text (htmx): the keyboard goes to it, read from its title; Tab goes on to its
  // PDF, "Send the quote" and "Cancel". Refused (a placeholder unknown…): to the first field in error.
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = event.target;
    if (!(form && form.matches && form.matches("form.quote-send"))) {
      return;
    }
    var preview = form.querySelector("[data-send-preview]");
    var invalid = form.querySelector('[aria-invalid="true"]');
    if (preview) {
      // From its title down: the rest of the text below it, then "Send the quote".
      preview.focus({ preventScroll: true });
      preview.scrollIntoView({ block: "start" });
    } else if (invalid) {
      invalid.focus();
    }
  });

  // The text changed after its preview: the preview no longer says what would leave, and its
  // "Send the quote" would send what she has not seen. It goes; "Preview the e-mail" shows it again.
  function closeSendPreview(preview, backToPreviewButton) {
    var form = preview.closest("form");
    preview.remove();
    var again = form && form.querySelector("[formaction]");
    if (again) {
      again.classList.replace("btn-secondary", "btn-primary");
      if (backToPreviewButton) {
        again.focus();
      }
    }
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.quote-send");
    var preview = form && form.querySelector("[data-send-preview]");
    if (preview) {
      closeSendPreview(preview, false);
    }
  });

  // "Cancel" is a link back to the dossier (the page of its own, without JavaScript); here it closes the preview.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel-send-preview]");
    var preview = cancel && document.getElementById(cancel.getAttribute("data-cancel-send-preview"));
    if (preview) {
      event.preventDefault();
      closeSendPreview(preview, true);
    }
  });

  // --- One click handler for every data- behaviour -----------------------------

  // --- The inbox: the search zone (magnifier / X) and "select all" -------------------

  function toggleSearch() {
    var zone = document.getElementById("search-zone");
    if (!zone) {
      return;
    }
    var open = zone.hidden;
    zone.hidden = !open;
    document.querySelectorAll("[data-toggle-search]").forEach(function (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    if (open) {
      var text = zone.querySelector("input[type=search]");
      if (text) {
        text.focus();
      }
    } else {
      var opener = document.querySelector(".page-actions [data-toggle-search]");
      if (opener) {
        opener.focus();
      }
    }
  }

  // The inbox's text search is sent as she types (after a pause): the field's "change", when she
  // leaves it for the list, would fetch the same list again and redraw it under her pointer. The
  // other criteria (boxes, lists, dates) are sent on their "change", as before.
  document.addEventListener(
    "change",
    function (event) {
      if (event.target.id === "id_q" && event.target.closest("#inbox-filters")) {
        event.stopPropagation();
      }
    },
    true
  );

  // Keep the inbox's address short and readable: criteria left empty are not sent.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      return;
    }
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (key) {
      if (parameters[key] === "") {
        delete parameters[key];
      }
    });
  });

  // The "forward to the new subject's address" choice only matters once the subject changes.
  function showForwardChoice(select) {
    var choice = document.querySelector("[data-forward-choice]");
    if (choice) {
      choice.hidden = select.value === select.getAttribute("data-initial");
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-subject-select]")) {
      showForwardChoice(event.target);
    }
    // Typing a date on the dashboard means choosing those dates as the period.
    if (event.target.matches("[data-period-date]")) {
      var custom = event.target.form.querySelector('input[name="period"][value="custom"]');
      if (custom) {
        custom.checked = true;
      }
    }
    if (event.target.matches("[data-check-all]")) {
      var form = event.target.closest("form");
      form.querySelectorAll('input[type=checkbox][name="ids"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
  });

  // --- "Copy the code" (the contact form's code for the school's website) -------
  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyCode(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    // Selected either way: if the clipboard is refused, Ctrl+C still copies it.
    selectContents(source);
    if (!navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent).then(function () {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = button.getAttribute("data-copied-label");
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-toggle-search]")) {
      toggleSearch();
      return;
    }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      copyCode(copy);
      return;
    }
    var edit = event.target.closest("[data-edit-line]");
    if (edit) {
      var row = document.getElementById(edit.getAttribute("data-edit-line"));
      if (row) {
        if (row.hidden) {
          openLineEdit(row);
        } else {
          closeLineEdit(row);
        }
      }
      return;
    }
    var close = event.target.closest("[data-close-line-edit]");
    if (close) {
      closeLineEdit(close.closest(".line-edit-row"));
      return;
    }
    var target = event.target.closest(
      "[data-add-line], [data-remove-line], [data-undo-remove], [data-move], [data-remove-chip], [data-close-preview]"
    );
    if (!target || target.closest("fieldset:disabled")) {
      return;
    }
    if (target.hasAttribute("data-add-line")) {
      addLine(target.getAttribute("data-add-line"));
    } else if (target.hasAttribute("data-remove-line")) {
      setRemoved(target.closest("[data-line]"), true);
      markDirty();
    } else if (target.hasAttribute("data-undo-remove")) {
      setRemoved(target.closest("[data-line]"), false);
    } else if (target.hasAttribute("data-move")) {
      moveLine(target.closest("[data-line]"), target.getAttribute("data-move"));
    } else if (target.hasAttribute("data-remove-chip")) {
      var chip = target.closest("[data-chip]");
      var input = document.querySelector("[data-catalog-input]");
      chip.remove();
      markDirty();
      if (input) {
        input.focus();
      }
    } else if (target.hasAttribute("data-close-preview")) {
      target.closest("[data-preview]").remove();
    }
  });

  // --- Drop-down menus (the user's, the schools', the inbox's views) --------------
  // A <details> opens and closes by its summary alone: its panel stayed over the page after
  // Escape, a click elsewhere, or a Tab out of it, the keyboard going on behind the panel.

  function closeMenu(menu, focusSummary) {
    menu.open = false;
    if (focusSummary) {
      menu.querySelector("summary").focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    var menu = event.key === "Escape" && event.target.closest && event.target.closest("details.menu[open]");
    if (menu) {
      closeMenu(menu, true);
    }
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        closeMenu(menu, false);
      }
    });
  });

  // Focus gone to something outside (Tab, Shift+Tab); none named (a click on the panel's text) keeps it.
  document.addEventListener("focusout", function (event) {
    var menu = event.target.closest && event.target.closest("details.menu[open]");
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      closeMenu(menu, false);
    }
  });

  // Enter on a ticked row's box in the inbox: the browser sent the list's form with its first button,
  // "I'll take the selection", as if she had chosen it. A box is ticked with Space; Enter does nothing.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches(".bulk-form input[type=checkbox]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-catalog-input]")) {
      // Enter adds the code; it must not submit the whole settings page.
      event.preventDefault();
      addCatalogCode(event.target);
    }
  });

  // "e-mail" stays on one line. On a phone the browser broke it after its hyphen ("e-" at the end of a
  // line, "mail" on the next): no CSS property forbids a break after a hyphen, and a non-breaking
  // hyphen (U+2011) written into the catalogs would no longer be the "e-mail" that a search, the
  // browser's find in the page or a copy and paste match. The words stay as written, each one wrapped
  // in a .nowrap span once the page, or a part of it that htmx brings, is in the document.
  var HYPHENATED_WORD = /\be-mail\w*/i;
  var NOT_TEXT_TO_WRAP = "script, style, textarea, option, title, svg, .nowrap, [contenteditable]";

  // Text that already stays on one line needs nothing; in a flex or grid box (a .btn is one) a span would
  // become an item of its own, set apart by the box's gap and read as a word of its own.
  function wrappingWouldChangeLayout(parent) {
    var style = window.getComputedStyle(parent);
    return style.whiteSpace.indexOf("nowrap") !== -1 || /flex|grid/.test(style.display);
  }

  function keepHyphenatedWordsWhole(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return HYPHENATED_WORD.test(node.data) &&
          parent &&
          !parent.closest(NOT_TEXT_TO_WRAP) &&
          !wrappingWouldChangeLayout(parent)
          ? NodeFilter.FILTER_ACCEPT
          : NodeFilter.FILTER_REJECT;
      },
    });
    var found = [];
    while (walker.nextNode()) {
      found.push(walker.currentNode);
    }
    found.forEach(function (node) {
      var words = new RegExp(HYPHENATED_WORD.source, "gi");
      var fragment = document.createDocumentFragment();
      var last = 0;
      var match;
      while ((match = words.exec(node.data))) {
        fragment.appendChild(document.createTextNode(node.data.slice(last, match.index)));
        var word = document.createElement("span");
        word.className = "nowrap";
        word.textContent = match[0];
        fragment.appendChild(word);
        last = match.index + match[0].length;
      }
      fragment.appendChild(document.createTextNode(node.data.slice(last)));
      node.parentNode.replaceChild(fragment, node);
    });
  }

  document.addEventListener("htmx:load", function (event) {
    keepHyphenatedWordsWhole(event.detail.elt);
  });

  document.addEventListener("DOMContentLoaded", function () {
    keepHyphenatedWordsWhole(document.body);
    document.querySelectorAll("[data-line].is-removed").forEach(function (row) {
      var remove = row.querySelector("[data-remove-line]");
      var undo = row.querySelector("[data-undo-remove]");
      if (remove && undo) {
        remove.hidden = true;
        undo.hidden = false;
      }
      row.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (input) {
        input.readOnly = true;
      });
    });
    var subject = document.querySelector("[data-subject-select]");
    if (subject) {
      showForwardChoice(subject);
    }
    // A form refused and shown again at its POST-only address: the address bar gets the page's own,
    // so that reloading or bookmarking shows the page rather than "405 Method Not Allowed".
    var own = document.querySelector("[data-page-url]");
    if (own && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", own.getAttribute("data-page-url"));
    }
    var summary = document.querySelector("[data-focus-on-load]");
    var banner = document.querySelector("main > .messages");
    // Back in the inbox from a dossier (its "Requests" link names it after the #): the keyboard on that
    // dossier's row, not at the top of the page, fifty rows and more above it.
    var hash = window.location.hash.slice(1);
    var row = null;
    var inbox = document.getElementById("inbox-results");
    if (hash && inbox) {
      row = Array.prototype.find.call(document.querySelectorAll("#inbox-results .reference-link"), function (link) {
        return link.textContent.trim() === decodeURIComponent(hash);
      });
    }
    if (summary) {
      summary.focus();
    } else if (row) {
      row.focus();
    } else if (hash && inbox) {
      // The dossier has left this list (taken, its status changed under a filter): the keyboard at the
      // top of the list, not behind the top bar and the menu.
      document.getElementById("main").focus();
    } else if (banner && !hash) {
      // What was just done (the dossier archived, the selection taken, a view saved): said, and Tab goes
      // on in the page rather than through the top bar and the menu. A page at an address with a # is
      // the dossier's, whose message goes to the section named (htmx:afterSettle above).
      banner.setAttribute("tabindex", "-1");
      banner.focus();
    }
    // On a phone the menu is one row that scrolls sideways: show the current page's link.
    var menu = document.querySelector(".sidebar");
    var current = menu && menu.querySelector('a[aria-current="page"]');
    if (current && menu.scrollWidth > menu.clientWidth) {
      menu.scrollLeft = current.offsetLeft - (menu.clientWidth - current.offsetWidth) / 2;
    }
  });
})();

// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen readers announce it and keyboard users start there.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // Following a summary link focuses the field itself, not just scrolls to it.
    summary.querySelectorAll("a[href^='#']").forEach((link) => {
      link.addEventListener("click", (event) => {
        const target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: "center" });
        }
      });
    });
  }

  // Mark the menu item of the section the user is in (the longest matching link wins).
  let current = null;
  document.querySelectorAll(".main-nav a[href]").forEach((link) => {
    const path = new URL(link.href).pathname;
    if (path !== "/" && window.location.pathname.startsWith(path)) {
      if (!current || path.length > new URL(current.href).pathname.length) current = link;
    }
  });
  if (current) current.setAttribute("aria-current", "page");

  // Opening an action on a staff page (by click or by its access key) puts the cursor in its first field.
  document.querySelectorAll("details.action > summary").forEach((toggle) => {
    toggle.addEventListener("click", () => {
      const details = toggle.parentElement;
      window.setTimeout(() => {
        if (!details.open) return;
        const field = details.querySelector("textarea, input:not([type=hidden]), select");
        if (field) field.focus();
      }, 0);
    });
  });

  // A long topic list gets a filter box: typing hides the topics (and team groups) that do not match.
  // Without this file the select works as usual. The box has no name, so it is never sent.
  document.querySelectorAll("select[data-topic-filter]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.id = `${select.id}-filter`;
    input.className = "form-control topic-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "form-label small";
    label.textContent = select.dataset.topicFilter;
    select.before(label, input);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // Enter must not press the form's first button
    });
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      select.querySelectorAll("option").forEach((option) => {
        if (!option.value) return;
        const text = `${option.parentElement.label || ""} ${option.textContent}`.toLowerCase();
        option.hidden = !words.every((word) => text.includes(word));
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) in a text box sends its form.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form && target.tagName === "TEXTAREA") {
      event.preventDefault();
      target.form.requestSubmit();
    }
    // "/" jumps to the search field of a list, unless the user is typing somewhere.
    if (event.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && !target.isContentEditable) {
      const search = document.querySelector(".filters input[name=q]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
  });

  // A form marked data-submit-once is sent once: a second click (or Enter) while it is on its way does
  // nothing, and the pressed button is disabled after the browser took its name and value. The server
  // protects anyway (the hidden submission key); without this file the form works as usual.
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      const button = event.submitter;
      if (button) {
        window.setTimeout(() => {
          button.disabled = true;
          button.dataset.onceDisabled = "true";
        }, 0);
      }
    });
  });
  // Back to a page the browser kept (back button): the form can be used again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-submit-once]").forEach((form) => {
      delete form.dataset.submitting;
      form.querySelectorAll("button[data-once-disabled]").forEach((button) => {
        button.disabled = false;
        delete button.dataset.onceDisabled;
      });
    });
  });
});

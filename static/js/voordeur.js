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
});

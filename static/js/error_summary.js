// The error summary atop a form that failed to save ([data-error-summary], from
// templates/includes/form_errors.html). The errors may be far down a long form, so the summary
// takes the focus on load: the person, and a screen reader, start from the list of what to fix.
// Each of its links puts the cursor in the field it names, with that field's label in view.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    // A radio group is shown from its legend, any other field from its label.
    const group = field.type === "radio" ? field.closest("fieldset") : null;
    const label = group
      ? group.querySelector("legend")
      : document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
});

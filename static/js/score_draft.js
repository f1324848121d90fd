// A half-finished score survives a reload: the form's fields are kept in this tab's
// sessionStorage (never sent anywhere), under a key naming the user and the page, and put back
// when the page is opened again. Sending the form clears them; if the server sends the form
// back with errors, the fields it shows are kept again from there.
document.addEventListener("DOMContentLoaded", () => {
  const marker = document.querySelector("[data-draft-key]");
  const form = marker && marker.closest("form");
  if (!form) return;
  const key = `ethicskit:score-draft:${marker.dataset.draftKey}`;
  const SKIPPED = ["csrfmiddlewaretoken", "submission_token", "rubric_version"];

  function fields() {
    return [...form.elements].filter(
      (field) => field.name && !SKIPPED.includes(field.name) && !["hidden", "submit", "button", "file"].includes(field.type),
    );
  }

  function save() {
    const values = {};
    for (const field of fields()) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) values[field.name] = field.value;
      } else {
        values[field.name] = field.value;
      }
    }
    try {
      sessionStorage.setItem(key, JSON.stringify(values));
    } catch {
      // Storage full or switched off: the form still works, it is just not kept.
    }
  }

  function restore() {
    let values;
    try {
      values = JSON.parse(sessionStorage.getItem(key) || "null");
    } catch {
      values = null;
    }
    if (!values) return false;
    const changed = [];
    for (const field of fields()) {
      if (!(field.name in values)) continue;
      if (field.type === "radio" || field.type === "checkbox") {
        const checked = field.value === values[field.name];
        if (checked && !field.checked) changed.push(field);
        field.checked = checked;
      } else if (field.value !== values[field.name]) {
        field.value = values[field.name];
      }
    }
    // Let the live total and the low-rating hints catch up with the restored choices.
    changed.forEach((field) => field.dispatchEvent(new Event("change", { bubbles: true })));
    return true;
  }

  if ("draftRestore" in marker.dataset && restore()) {
    const note = document.createElement("p");
    note.className = "alert alert-info py-2 small";
    note.setAttribute("role", "status");
    note.textContent = "Your unsaved answers on this page were brought back. They are kept in this tab only until you save.";
    form.prepend(note);
  } else {
    save();
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", () => sessionStorage.removeItem(key));
});

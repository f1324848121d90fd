// A live count under each field marked data-character-limit="<n>": "37 / 120", and over the
// limit "121 / 120: 1 too many", in the error colour. The field has no maxlength, so nothing
// typed or pasted is cut off unseen; the server refuses a text over the limit with its error.
// The count on screen is hidden from screen readers, which hear it from a polite status once
// typing pauses, not at every key.
document.addEventListener("DOMContentLoaded", () => {
  const PAUSE_MS = 1000;
  const characters = (count) => `${count} character${count === 1 ? "" : "s"}`;

  document.querySelectorAll("[data-character-limit]").forEach((field) => {
    const limit = Number(field.dataset.characterLimit);
    if (!limit) return;
    const shown = document.createElement("div");
    shown.className = "form-text character-count";
    shown.id = `${field.id}-count`;
    shown.setAttribute("aria-hidden", "true");
    const spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("role", "status");
    const help = document.getElementById(`${field.id}_helptext`);
    (help || field).after(shown, spoken);

    let pause;
    function update({ speak = true } = {}) {
      const length = field.value.length;
      const over = length - limit;
      const text = over > 0 ? `${length} / ${limit}: ${over} too many` : `${length} / ${limit}`;
      shown.textContent = text;
      shown.classList.toggle("text-danger", over > 0);
      clearTimeout(pause);
      if (speak) {
        pause = setTimeout(() => {
          spoken.textContent = over > 0
            ? `${characters(over)} too many; the limit is ${limit}.`
            : `${characters(limit - length)} left.`;
        }, PAUSE_MS);
      }
    }

    update({ speak: false });
    field.addEventListener("input", () => update());
  });
});

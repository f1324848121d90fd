// A rating of 1 or 2 needs a comment (rubrics/scoring.py, LOW_RATING). Say so beside the
// criterion's comment as soon as such a rating is picked, not only after a failed save, and mark
// the comment required. The words and the low levels come from the server, in the
// #low-rating-messages JSON ({criterion key: {rating: message}}), so the rule stays in one place.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("low-rating-messages");
  if (!data) return;
  const messages = JSON.parse(data.textContent);

  function show(group, { atLoad = false } = {}) {
    const comment = document.getElementById(group.dataset.comment);
    const hint = document.getElementById(`${group.dataset.comment}-hint`);
    const picked = group.querySelector(".rating-choice:checked");
    const message = picked && (messages[group.dataset.criterion] || {})[picked.value];
    if (!comment || !hint) return;
    comment.required = Boolean(message);
    // After a failed save the comment's own error already says it: do not say it twice.
    const repeated = atLoad && comment.classList.contains("is-invalid");
    hint.textContent = message && !repeated ? message : "";
  }

  const groups = document.querySelectorAll("[data-criterion][data-comment]");
  groups.forEach((group) => show(group, { atLoad: true }));
  document.addEventListener("change", (event) => {
    if (!event.target.classList.contains("rating-choice")) return;
    const group = event.target.closest("[data-criterion][data-comment]");
    if (group) show(group);
  });
});

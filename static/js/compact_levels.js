// Compact rating levels: each criterion shows its levels as one row of choices and, below it,
// the chosen level's description; "Show all levels" lists every description again, with the
// criterion's own. A comment
// box opens on "Add a comment", by itself for a rating that needs one (see low_rating_hint.js),
// and stays open once it holds words or an error. Without this script every description and
// every comment box is shown. The descriptions stay in each label for screen readers, so
// arrowing through a radio group still reads them.
document.addEventListener("DOMContentLoaded", () => {
  const COMPACT = "levels-compact";
  const data = document.getElementById("low-rating-messages");
  const needsComment = data ? JSON.parse(data.textContent) : {};

  function button(text, controls) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-link btn-sm p-0 align-baseline";
    element.setAttribute("aria-controls", controls);
    element.textContent = text;
    return element;
  }

  document.querySelectorAll("fieldset[data-criterion]").forEach((group) => {
    const levels = group.querySelector(".rating-levels");
    const chosen = group.querySelector(".chosen-level");
    const box = group.querySelector(".criterion-comment");
    const comment = box && box.querySelector("textarea");
    const about = document.getElementById(group.getAttribute("aria-describedby"));
    if (!levels || !chosen || !box || !comment) return;

    group.classList.add("criterion-compact");
    // The two buttons sit beside the criterion's name (below the chosen level on a phone).
    const buttons = document.createElement("div");
    buttons.className = "criterion-tools small";
    const toggle = button("Show all levels", `${levels.id} ${about ? about.id : ""}`.trim());
    const add = button("Add a comment", box.id);
    buttons.append(toggle, add);
    chosen.after(buttons);

    function picked() {
      return levels.querySelector(".rating-choice:checked");
    }

    function describe() {
      const choice = picked();
      const text = choice && choice.labels[0].querySelector(".level-text");
      chosen.textContent = text ? text.textContent.replace(/^\s*—\s*/, "") : "No level chosen yet.";
    }

    function showAll(all) {
      levels.classList.toggle(COMPACT, !all);
      chosen.hidden = all;
      // The criterion's description comes with every level; it stays its group's description.
      if (about) about.classList.toggle("visually-hidden", !all);
      toggle.setAttribute("aria-expanded", String(all));
      toggle.textContent = all ? "Show the chosen level only" : "Show all levels";
    }

    function openComment(open) {
      box.hidden = !open;
      add.hidden = open;
      add.setAttribute("aria-expanded", String(open));
    }

    function update() {
      describe();
      const choice = picked();
      const low = choice && (needsComment[group.dataset.criterion] || {})[choice.value];
      if (low || comment.value.trim() || comment.classList.contains("is-invalid")) openComment(true);
    }

    toggle.addEventListener("click", () => showAll(levels.classList.contains(COMPACT)));
    add.addEventListener("click", () => {
      openComment(true);
      comment.focus();
    });
    group.addEventListener("change", update);
    // The error summary's links lead to the comment: open it before the browser moves there.
    document.querySelectorAll(`a[href="#${comment.id}"]`).forEach((link) => {
      link.addEventListener("click", () => openComment(true));
    });
    showAll(false);
    openComment(false);
    update();
  });
});

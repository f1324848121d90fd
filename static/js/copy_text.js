// Copy-to-clipboard for any button with data-copy-target="<element id>".
// Delegated from the document so it keeps working after htmx swaps the copied element.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus || "");
  if (!source) return;
  const say = (text) => { if (status) status.textContent = text; };
  try {
    await navigator.clipboard.writeText(source.innerText.trim());
    say("Copied.");
  } catch {
    // No clipboard access (an insecure origin or a refused permission): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    say("Selected: press Ctrl+C (or ⌘C) to copy.");
  }
});

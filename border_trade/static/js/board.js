// The public gate board (/board/<code>): its figures refresh in place every minute, read from the page itself, so the
// server keeps rendering them in the reader's language. No page reload: a timed reload (<meta http-equiv="refresh">)
// takes a screen reader back to the top every minute (WCAG 2.2.1, axe-core's rule meta-refresh). No eval: the CSP
// allows scripts from 'self' only. Without JavaScript the board shows the figures of its last load.
(function () {
  "use strict";
  const holder = document.querySelector("[data-board-refresh]");
  if (!holder) {
    return;
  }
  const seconds = Math.max(1, Number(holder.dataset.boardRefresh) || 60);
  const PARTS = [".board-updated", ".board-grid", ".board-slots dl"];

  async function refresh() {
    try {
      const response = await fetch(window.location.href, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) {
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const selector of PARTS) {
          const shown = document.querySelector(selector);
          const next = fresh.querySelector(selector);
          if (shown && next && shown.innerHTML !== next.innerHTML) {
            shown.innerHTML = next.innerHTML; // the app's own escaped HTML; DOMParser and innerHTML run no script
          }
        }
      }
    } catch (error) {
      // offline, or the board's rate limit: keep the figures shown and try again at the next tick
    } finally {
      window.setTimeout(refresh, seconds * 1000);
    }
  }

  window.setTimeout(refresh, seconds * 1000);
})();

// The sign-in page: whoever used this device before has signed out (or was never signed in), so the gate pages
// kept for reloads without a network (see gate-sw.js) are forgotten; they hold that officer's queue.
(function () {
  "use strict";
  if (window.caches) {
    window.caches.delete("border-trade-gate");
  }
})();

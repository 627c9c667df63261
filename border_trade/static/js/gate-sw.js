// The gate tablet's service worker (scope /gate/): a gate page reloaded without a network still opens, from the
// copy kept at its last visit, with its scripts, styles and fonts; the events tapped then wait in the outbox as
// usual. Everything is fetched from the network first; the kept copy answers only when the network fails or the
// server answers 5xx. API answers are never kept (the page asks for fresh ones and copes when it cannot).
// The gate's script modules are kept at install (PRECACHE); at every visit gate/offline.js keeps the page and every
// file it loaded, which refills the cache (name shared with it) after the sign-in page emptied it.
"use strict";

var CACHE = "border-trade-gate";

// Every module of the gate page, relative to this worker's URL (/gate/sw.js). A module missing here breaks the
// reload without network; tests/crossings/test_gate_assets.py checks the list against the folder and the imports.
var PRECACHE = [
  "../static/js/gate.js",
  "../static/js/gate/clock.js",
  "../static/js/gate/directions.js",
  "../static/js/gate/equeue.js",
  "../static/js/gate/i18n.js",
  "../static/js/gate/notices.js",
  "../static/js/gate/offline.js",
  "../static/js/gate/outbox.js",
  "../static/js/gate/plate.js",
  "../static/js/gate/queue.js",
  "../static/js/gate/reference.js",
  "../static/js/gate/scanner.js",
  "../static/js/gate/search.js",
  "../static/js/gate/sheet.js",
  "../static/js/gate/state.js",
  "../static/js/gate/sync.js",
  "../static/css/gate.css",
  "../static/vendor/jsqr/jsQR.js",
];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  // all or nothing: a file that cannot be fetched fails the install, and the worker already active stays
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(PRECACHE);
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function kept(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return; // the browser's own handling
  }
  event.respondWith(
    fetch(request).then(
      function (response) {
        if (response.status >= 500) {
          return kept(request).then(function (hit) {
            return hit.type === "error" ? response : hit;
          });
        }
        if (request.mode === "navigate") {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) {
            // a redirect here means the session ended (to the sign-in page): the kept page goes with it
            return response.ok && !response.redirected ? cache.put(request, copy) : cache.delete(request);
          });
        }
        return response;
      },
      function () {
        return kept(request);
      }
    )
  );
});

// The gate tablet's service worker (scope /gate/): a gate page reloaded without a network still opens, from the
// copy kept at its last visit, with its scripts, styles and fonts; the events tapped then wait in the outbox as
// usual. Everything is fetched from the network first; the kept copy answers only when the network fails or the
// server answers 5xx. API answers are never kept (the page asks for fresh ones and copes when it cannot).
// gate.js fills the cache (cache name shared with it) and the sign-in page empties it.
"use strict";

var CACHE = "border-trade-gate";

self.addEventListener("install", function () {
  self.skipWaiting();
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

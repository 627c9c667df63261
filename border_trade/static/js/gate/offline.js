// The page kept for reloads without a network: register the service worker (gate-sw.js, served as /gate/sw.js),
// which keeps the gate's script modules from its precache list, and keep this page with every file it loaded
// (scripts, styles, fonts) in the cache the worker answers from.
import { config } from "./state.js";

var OFFLINE_CACHE = "border-trade-gate"; // the service worker's cache name

// Wait until the worker registered is active: it installs only once every module is kept (its precache list).
function activated(registration) {
  return new Promise(function (resolve, reject) {
    var worker = registration.installing || registration.waiting;
    if (!worker) {
      resolve(); // already active
      return;
    }
    worker.addEventListener("statechange", function () {
      if (worker.state === "activated") {
        resolve();
      } else if (worker.state === "redundant") {
        reject(new Error("the service worker was not installed"));
      }
    });
  });
}

// Resolve to true once the worker is active (it then controls this page) and the page and its files are kept.
export function keepForOffline() {
  if (!("serviceWorker" in navigator) || !window.caches || !config.offline_worker) {
    return Promise.resolve(false);
  }
  return navigator.serviceWorker
    .register(config.offline_worker, { scope: config.offline_scope })
    .then(activated)
    .then(function () {
      var urls = [window.location.pathname + window.location.search];
      performance.getEntriesByType("resource").forEach(function (entry) {
        var url = new URL(entry.name);
        if (url.origin === window.location.origin && url.pathname.indexOf("/api/") !== 0) {
          urls.push(url.pathname + url.search);
        }
      });
      return caches.open(OFFLINE_CACHE).then(function (cache) {
        return cache.addAll(urls.filter(function (url, index) {
          return urls.indexOf(url) === index;
        }));
      });
    })
    .then(
      function () {
        return true;
      },
      function () {
        return false; // offline or refused: the page still works, only a reload without network will not
      }
    );
}

// The gate tablet: today's queue (refreshed from the API), one big button per event the status flow allows now,
// a confirmation step, a QR scanner for the manifest, and an outbox kept in localStorage so that events tapped
// without a network are sent later. Each event gets its Idempotency-Key and its occurred_at when it is tapped,
// so sending it twice never records it twice and a late send keeps the real time.
// This entry module starts the page; each concern lives in a module under gate/ (served as it is, no bundler).
// Every module must be in gate-sw.js's precache list, or the page cannot reload without a network
// (tests/crossings/test_gate_assets.py checks it).
import { renderClock, rememberedSkew } from "./gate/clock.js";
import { installDirectionSwitch } from "./gate/directions.js";
import { installCalls, tickCountdowns } from "./gate/equeue.js";
import { setOnline } from "./gate/notices.js";
import { keepForOffline } from "./gate/offline.js";
import { loadOutbox, STORE_KEY } from "./gate/outbox.js";
import { findItem, refreshQueue, render, select } from "./gate/queue.js";
import { extractReference } from "./gate/reference.js";
import { installScanner } from "./gate/scanner.js";
import { installSearch } from "./gate/search.js";
import { installSheet } from "./gate/sheet.js";
import { $, app, config, readonly, state } from "./gate/state.js";
import { flush } from "./gate/sync.js";

var RETRY_MS = 15000;

function start() {
  installSearch();
  installDirectionSwitch();
  if (!readonly) {
    installSheet();
    installScanner();
    $("retry-now").addEventListener("click", function () {
      flush();
    });
    installCalls(function (reference) {
      refreshQueue().then(function () {
        if (findItem(reference)) {
          select(reference); // the called truck, with its deadline
        }
      });
      render();
    });
  }

  window.addEventListener("online", function () {
    setOnline(true);
    flush();
    refreshQueue();
  });
  window.addEventListener("offline", function () {
    setOnline(false);
  });
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY) {
      render(); // another tab of the same officer changed the outbox
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      flush();
      refreshQueue();
    }
  });
  setInterval(refreshQueue, (config.refresh_seconds || 20) * 1000);
  setInterval(flush, RETRY_MS);
  setInterval(render, 30000); // dwell minutes keep counting between refreshes
  setInterval(tickCountdowns, 1000); // a called truck's time left to arrive

  // exposed for the browser tests and for an operator's console; the page itself does not need it
  var offlineReady = state.online ? keepForOffline() : Promise.resolve(false);
  window.borderTradeGate = {
    extractReference: extractReference,
    flush: flush,
    outbox: loadOutbox,
    offlineReady: offlineReady,
  };

  // the clock is learnt from live answers only: the page itself may come from a cache, with an old time in it
  state.skew = rememberedSkew();
  renderClock();
  setOnline(state.online);
  render();
  flush();
  refreshQueue();
}

if (app) {
  start();
}

// The outbox: events tapped and not yet recorded by the server, oldest first, kept in localStorage so that they
// survive reloads and restarts (in memory when the browser refuses storage). Each entry holds its
// Idempotency-Key and its tap time from the moment it was tapped. Sending them is sync.js's job.
import { entryDirection, eventLabel } from "./directions.js";
import { format, pad, T, timeOfDay } from "./i18n.js";
import { $, config, el, readonly, state } from "./state.js";

export var STORE_KEY = "border-trade.gate-outbox.user-" + config.user;

function storageWorks() {
  try {
    var probe = STORE_KEY + ".probe";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return true;
  } catch (error) {
    return false;
  }
}
var persistent = storageWorks();

export function loadOutbox() {
  if (!persistent) {
    return state.memoryOutbox.slice();
  }
  try {
    var list = JSON.parse(window.localStorage.getItem(STORE_KEY) || "[]");
    return Array.isArray(list) ? list : [];
  } catch (error) {
    return [];
  }
}

function saveOutbox(list) {
  if (!persistent) {
    state.memoryOutbox = list.slice();
    return;
  }
  window.localStorage.setItem(STORE_KEY, JSON.stringify(list));
}

export function updateEntry(key, change) {
  saveOutbox(
    loadOutbox().map(function (entry) {
      return entry.key === key ? Object.assign(entry, change) : entry;
    })
  );
}

export function removeEntry(key) {
  saveOutbox(
    loadOutbox().filter(function (entry) {
      return entry.key !== key;
    })
  );
}

export function enqueue(entry) {
  var list = loadOutbox();
  list.push(entry);
  saveOutbox(list);
}

// A new Idempotency-Key (a random UUID).
export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // pages served over plain http on a LAN address are no secure context: no randomUUID there
  var bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  var hex = Array.prototype.map.call(bytes, function (b) {
    return pad(b.toString(16), 2);
  }).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
}

export function renderOutbox() {
  if (readonly) {
    return;
  }
  var entries = loadOutbox();
  $("unsent-count").textContent = entries.length;
  $("outbox-count").textContent = entries.length;
  $("unsent-badge").dataset.count = String(entries.length);
  $("outbox-empty").hidden = entries.length > 0;
  $("retry-now").hidden = entries.length === 0;
  var rows = entries.map(function (entry) {
    var li = el("li", "outbox-item");
    li.dataset.key = entry.key;
    li.dataset.reference = entry.body.shipment;
    li.dataset.event = entry.body.event;
    li.dataset.direction = entry.direction || "";
    li.appendChild(el("strong", null, entry.body.shipment));
    li.appendChild(el("span", "outbox-event", eventLabel(entry.body.event, entryDirection(entry))));
    if (entry.body.lane) {
      li.appendChild(el("span", "lane-badge lane-" + entry.body.lane, T.lanes[entry.body.lane]));
    }
    if (entry.body.plate) {
      li.appendChild(el("span", "outbox-plate", entry.body.plate)); // the plate read at arrival, sent with it
    }
    if (entry.gate !== config.gate) {
      li.appendChild(el("code", null, entry.gate));
    }
    li.appendChild(el("span", "outbox-meta", format(T.tapped_at, { time: timeOfDay(entry.tapped_at) })));
    if (entry.attempts) {
      li.appendChild(el("span", "outbox-meta", format(T.attempts, { num: entry.attempts })));
    }
    if (entry.last_error) {
      li.appendChild(el("span", "outbox-error", entry.last_error));
    }
    return li;
  });
  var list = $("outbox-list");
  list.replaceChildren.apply(list, rows);
}

// The gate page's data and what every module shares: the server's settings (#gate-config), the page's state
// and two small DOM helpers. No other module reads the page's JSON.

function pageJson(id, fallback) {
  var node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : fallback;
}

export var app = document.getElementById("gate-app");
export var config = pageJson("gate-config", { queue: {} });
export var readonly = Boolean(config.readonly);

export var state = {
  items: config.queue.items || [],
  recent: config.queue.recent_crossings || [], // trucks crossed today, newest first
  counters: config.queue.counters || {},
  fetchedAt: Date.now(),
  selected: null,
  extra: {}, // references typed or scanned that are not in today's queue
  beforeHold: config.before_hold || {},
  flushing: false,
  online: navigator.onLine !== false,
  memoryOutbox: [], // used when localStorage is unavailable (private mode): events then live as long as the page
  skew: 0, // milliseconds to add to this tablet's clock to get the server's
};

export function pageStrings() {
  return pageJson("gate-strings", {});
}

export function $(id) {
  return document.getElementById(id);
}

export function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = text;
  }
  return node;
}

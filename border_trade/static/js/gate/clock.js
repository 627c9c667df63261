// The server's clock: a tablet clock further than CLOCK_TOLERANCE_MS from the server's is corrected by the
// difference. The server refuses events more than two minutes in the future, and a slow clock would misdate
// every event.
import { format, pad, T } from "./i18n.js";
import { $, state } from "./state.js";

var CLOCK_TOLERANCE_MS = 60000;
var SKEW_KEY = "border-trade.gate-clock-skew";

// Learn how far this tablet's clock is from the server's, from a time the server sent between `sentAt` and now.
export function learnClock(serverTime, sentAt) {
  var server = Date.parse(serverTime || "");
  if (isNaN(server)) {
    return;
  }
  var skew = server - (sentAt + Date.now()) / 2;
  state.skew = Math.abs(skew) > CLOCK_TOLERANCE_MS ? Math.round(skew) : 0;
  try {
    window.localStorage.setItem(SKEW_KEY, String(state.skew)); // kept for a reload while offline
  } catch (error) {
    // private mode: the correction lasts as long as the page
  }
  renderClock();
}

export function rememberedSkew() {
  try {
    var value = Number(window.localStorage.getItem(SKEW_KEY) || 0);
    return isFinite(value) ? value : 0;
  } catch (error) {
    return 0;
  }
}

// The time now by the server's clock (this tablet's, when it is close enough).
export function serverNow() {
  return new Date(Date.now() + state.skew);
}

export function renderClock() {
  var node = $("clock-warning");
  if (!node) {
    return;
  }
  var minutes = Math.max(1, Math.round(Math.abs(state.skew) / 60000));
  node.hidden = !state.skew;
  node.textContent = state.skew ? format(state.skew > 0 ? T.clock_slow : T.clock_fast, { minutes: minutes }) : "";
}

// ISO 8601 in the tablet's own offset, e.g. 2026-03-14T08:30:05.120+07:00
export function isoWithOffset(date) {
  var offset = -date.getTimezoneOffset();
  return (
    date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
    "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
    "." + pad(date.getMilliseconds(), 3) +
    (offset >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60)
  );
}

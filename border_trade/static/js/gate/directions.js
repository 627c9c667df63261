// Both directions on the tablet: an export leaves Viet Nam for Cambodia, an import comes in from Cambodia. Each truck
// shows its direction as a word and a colour (never the colour alone); the crossing is worded per direction
// ("Entered Viet Nam" for an import) on the buttons, the question, the timeline, the outbox and the toasts.
// Every text comes translated from the page (#gate-strings); an older outbox entry kept without a direction takes
// its truck's from the queue, or the export wording, as before directions existed.
import { timeOfDay, T } from "./i18n.js";
import { $, el, state } from "./state.js";

export var DIRECTIONS = ["export", "import"];

function byDirection(kind, direction) {
  var all = T.by_direction && T.by_direction[kind];
  return (all && all[direction]) || null;
}

export function directionOf(item) {
  return item && DIRECTIONS.indexOf(item.direction) >= 0 ? item.direction : "export";
}

// The direction of an outbox entry: kept with it since this change; for an older entry, the truck's in the queue.
export function entryDirection(entry) {
  if (entry.direction) {
    return entry.direction;
  }
  var known = state.items.concat(state.recent).filter(function (item) {
    return item.reference === entry.body.shipment;
  })[0];
  return known ? directionOf(known) : "export";
}

export function eventLabel(name, direction) {
  var labels = byDirection("events", direction || "export") || T.events;
  return labels[name] || T.events[name] || name;
}

export function questionLabel(name, direction) {
  var labels = byDirection("questions", direction || "export") || T.questions;
  return labels[name] || T.questions[name] || name;
}

function timelineLabel(name, direction) {
  var labels = byDirection("timeline", direction || "export") || {};
  return labels[name] || eventLabel(name, direction);
}

// A status's label: a crossed import has entered Viet Nam.
export function statusLabel(status, direction) {
  if (status === "crossed" && T.by_direction && T.by_direction.crossed_status) {
    return T.by_direction.crossed_status[direction || "export"] || T.statuses[status];
  }
  return T.statuses[status] || status;
}

// The direction's badge: a word, a colour and the way across (VN→KH or KH→VN, hidden from screen readers).
export function dirBadge(direction, node) {
  var badge = node || el("span");
  badge.className = "dir-badge dir-" + direction;
  badge.dataset.direction = direction;
  badge.replaceChildren(
    el("span", "dir-arrow", direction === "import" ? "KH→VN" : "VN→KH"),
    document.createTextNode(" " + ((T.directions || {})[direction] || direction))
  );
  badge.firstChild.setAttribute("aria-hidden", "true");
  badge.hidden = false;
  return badge;
}

// The selected truck's events at this gate, oldest first, then the ones tapped and not sent yet.
export function renderTimeline(item, pendingEntries) {
  var list = $("sel-timeline");
  if (!list) {
    return;
  }
  var direction = directionOf(item);
  var rows = (item.events || []).map(function (event) {
    var li = el("li", "timeline-event timeline-" + event.event);
    li.dataset.event = event.event;
    li.appendChild(el("span", "timeline-time", timeOfDay(event.occurred_at)));
    li.appendChild(el("span", "timeline-label", timelineLabel(event.event, direction)));
    if (event.lane) {
      li.appendChild(el("span", "lane-badge lane-" + event.lane, T.lanes[event.lane]));
    }
    return li;
  });
  (pendingEntries || []).forEach(function (entry) {
    var li = el("li", "timeline-event timeline-pending timeline-" + entry.body.event);
    li.dataset.event = entry.body.event;
    li.dataset.pending = "true";
    li.appendChild(el("span", "timeline-time", timeOfDay(entry.tapped_at)));
    li.appendChild(el("span", "timeline-label", timelineLabel(entry.body.event, entry.direction || direction)));
    li.appendChild(el("span", "pending-badge", "⟳"));
    rows.push(li);
  });
  list.replaceChildren.apply(list, rows);
  $("sel-timeline-title").hidden = rows.length === 0;
}

// Counters per direction beside each total.
export function renderDirectionCounters() {
  var split = state.counters.by_direction || {};
  document.querySelectorAll("[data-dir-counter]").forEach(function (node) {
    var parts = node.dataset.dirCounter.split(":");
    var value = (split[parts[0]] || {})[parts[1]];
    if (value !== undefined) {
      node.textContent = value;
    }
  });
}

// On a narrow tablet the officer may show one direction's column only; both by default.
export function installDirectionSwitch() {
  var buttons = document.querySelectorAll("#dir-switch [data-show]");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      $("queue").dataset.show = button.dataset.show;
      buttons.forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
    });
  });
}

// The queue view: today's trucks (refreshed from the API) in a column per direction, with the trucks crossed today
// under them, the counters and the selected truck, each shown with the status it will have once its unsent events
// are recorded, and the buttons of the events allowed then (worded for the truck's direction).
import { learnClock, serverNow } from "./clock.js";
import {
  directionOf,
  dirBadge,
  DIRECTIONS,
  eventLabel,
  renderDirectionCounters,
  renderTimeline,
  statusLabel,
} from "./directions.js";
import { cardExtras, manifestLink, renderSelectedExtras } from "./equeue.js";
import { dwellText, format, T, timeOfDay } from "./i18n.js";
import { setOnline } from "./notices.js";
import { loadOutbox, renderOutbox } from "./outbox.js";
import { $, config, el, readonly, state } from "./state.js";

// References and plates compared without case, spaces or punctuation.
export function normalise(text) {
  return String(text || "")
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, "");
}

export function findItem(reference) {
  var lists = [state.items, state.recent];
  for (var l = 0; l < lists.length; l += 1) {
    for (var i = 0; i < lists[l].length; i += 1) {
      if (lists[l][i].reference === reference) {
        return lists[l][i];
      }
    }
  }
  return state.extra[reference] || null;
}

// The unsent events of one truck, oldest first.
export function pendingFor(reference) {
  return loadOutbox().filter(function (entry) {
    return entry.body.shipment === reference;
  });
}

// The status a truck will have once the unsent events for it are recorded (as the state machine says).
function projected(item) {
  var status = item.status;
  var lane = item.lane || "";
  var beforeHold = state.beforeHold[item.reference] || null;
  var pending = 0;
  loadOutbox().forEach(function (entry) {
    if (entry.body.shipment !== item.reference) {
      return;
    }
    pending += 1;
    var target = (config.flow[status + "|" + lane] || {})[entry.body.event];
    if (!target) {
      return; // the server decides; a refusal shows up under "Not recorded"
    }
    if (entry.body.event === "held") {
      beforeHold = status;
    }
    if (entry.body.event === "released" && beforeHold) {
      target = beforeHold;
    }
    if (entry.body.event === "lane_assigned") {
      lane = entry.body.lane || lane;
    }
    status = target;
  });
  return { status: status, lane: lane, beforeHold: beforeHold, pending: pending };
}

function allowedEvents(view) {
  var moves = config.flow[view.status + "|" + view.lane] || {};
  return Object.keys(moves);
}

function dwellNow(item) {
  if (item.dwell_minutes === null || item.dwell_minutes === undefined) {
    return null;
  }
  return item.dwell_minutes + Math.floor((Date.now() - state.fetchedAt) / 60000);
}

export function matches(item, filter) {
  return !filter || normalise(item.reference).indexOf(filter) >= 0 || normalise(item.plate).indexOf(filter) >= 0;
}

function truckCard(item, done, filter) {
  var view = done ? { status: item.status, lane: item.lane || "", pending: 0 } : projected(item);
  var direction = directionOf(item);
  var li = el("li", done ? "truck truck-done" : "truck");
  li.dataset.reference = item.reference;
  li.dataset.direction = direction;
  li.dataset.status = view.status;
  li.dataset.lane = view.lane || "";
  li.dataset.plate = item.plate || "";
  if (!done) {
    li.dataset.allowed = readonly ? "" : allowedEvents(view).join(" ");
  }
  if (view.pending) {
    li.dataset.pending = String(view.pending);
  }
  li.hidden = !matches(item, filter);
  var button = el("button", "truck-select");
  button.type = "button";
  button.setAttribute("aria-pressed", String(state.selected === item.reference));
  button.appendChild(dirBadge(direction));
  button.appendChild(el("span", "truck-ref", item.reference));
  button.appendChild(el("span", "truck-plate", item.plate || "—"));
  button.appendChild(el("span", "status-badge status-" + view.status, statusLabel(view.status, direction)));
  if (view.lane) {
    button.appendChild(el("span", "lane-badge lane-" + view.lane, T.lanes[view.lane]));
  }
  if (view.pending) {
    button.appendChild(el("span", "pending-badge", "⟳ " + view.pending));
  }
  button.appendChild(el("span", "dwell", done ? timeOfDay(item.crossed_at) : dwellText(dwellNow(item))));
  var extras = cardExtras(item); // booking and customs declaration
  if (extras) {
    button.appendChild(extras);
  }
  button.addEventListener("click", function () {
    select(item.reference);
  });
  li.appendChild(button);
  var manifest = manifestLink(item);
  if (manifest) {
    li.appendChild(manifest);
  }
  return li;
}

function fill(list, cards) {
  list.replaceChildren.apply(list, cards);
}

// Returns how many waiting trucks match the search (both directions).
export function renderQueue() {
  var filter = normalise($("search").value);
  var shown = 0;
  DIRECTIONS.forEach(function (direction) {
    var mine = state.items.filter(function (item) {
      return directionOf(item) === direction;
    });
    var cards = mine.map(function (item) {
      return truckCard(item, false, filter);
    });
    cards.forEach(function (card) {
      shown += card.hidden ? 0 : 1;
    });
    fill($("queue-" + direction), cards);
    $("queue-empty-" + direction).hidden = mine.length > 0;
    document.querySelector('[data-dir-count="' + direction + '"]').textContent = mine.length;
    var crossed = state.recent.filter(function (item) {
      return directionOf(item) === direction;
    });
    fill(
      $("done-" + direction),
      crossed.map(function (item) {
        return truckCard(item, true, filter);
      })
    );
    $("done-title-" + direction).hidden = crossed.length === 0;
  });
  return shown;
}

function renderCounters() {
  document.querySelectorAll("[data-counter]").forEach(function (node) {
    var value = state.counters[node.dataset.counter];
    if (value !== undefined) {
      node.textContent = value;
    }
  });
  renderDirectionCounters();
}

function renderSelected() {
  var panel = $("selected");
  var item = state.selected ? findItem(state.selected) : null;
  $("select-hint").hidden = Boolean(item);
  panel.hidden = !item;
  if (!item) {
    return;
  }
  var view = projected(item);
  var direction = directionOf(item);
  $("sel-reference").textContent = item.reference;
  if (item.unknown && !item.direction) {
    $("sel-direction").hidden = true; // typed or scanned, not in today's queue: its direction is not known yet
  } else {
    dirBadge(direction, $("sel-direction"));
  }
  var status = $("sel-status");
  status.className = "status-badge status-" + view.status;
  status.textContent = item.unknown && !view.pending ? "?" : statusLabel(view.status, direction);
  $("sel-trader-label").textContent = direction === "import" ? T.importer : T.exporter;
  var lane = $("sel-lane");
  lane.hidden = !view.lane;
  lane.className = "lane-badge lane-" + (view.lane || "none");
  lane.textContent = view.lane ? T.lanes[view.lane] : "";
  $("sel-plate").textContent = item.plate || "—";
  $("sel-driver").textContent = item.driver_name || "—";
  $("sel-exporter").textContent = item.exporter || "—";
  $("sel-dwell").textContent = dwellText(dwellNow(item)) || "—";
  var note = $("sel-note");
  note.hidden = !item.unknown;
  note.textContent = item.unknown ? format(T.not_in_queue, { reference: item.reference }) : "";
  renderTimeline(item, readonly ? [] : pendingFor(item.reference));
  renderSelectedExtras(item);
  if (readonly) {
    return;
  }
  var allowed = allowedEvents(view);
  var any = false;
  document.querySelectorAll("#event-buttons [data-event]").forEach(function (button) {
    button.hidden = allowed.indexOf(button.dataset.event) < 0;
    button.textContent = eventLabel(button.dataset.event, direction);
    any = any || !button.hidden;
  });
  $("no-events").hidden = any;
}

export function render() {
  renderQueue();
  renderCounters();
  renderSelected();
  renderOutbox();
}

export function select(reference) {
  state.selected = reference;
  render();
  var panel = $("selected");
  if (panel && typeof panel.scrollIntoView === "function" && window.innerWidth < 900) {
    panel.scrollIntoView({ block: "start" });
  }
}

// A reference typed or scanned: select it; not in today's queue, it may still arrive (the server decides).
export function selectReference(reference) {
  reference = reference.toUpperCase();
  if (!findItem(reference)) {
    state.extra[reference] = { reference: reference, status: "submitted", lane: null, unknown: true };
  }
  $("search").value = reference;
  select(reference);
}

// The truck in an answer of the crossings API takes the status (and lane) the server recorded.
export function applyAnswer(body) {
  if (!body || !body.shipment) {
    return;
  }
  var reference = body.shipment.reference;
  var item = findItem(reference);
  if (!item) {
    return;
  }
  if (body.event && body.event.event === "held") {
    state.beforeHold[reference] = body.event.from_status;
  }
  if (body.event && body.event.lane) {
    item.lane = body.event.lane;
  }
  if (body.event && body.event.gate === config.gate) {
    item.events = (item.events || []).concat([
      { event: body.event.event, occurred_at: body.event.occurred_at, lane: body.event.lane },
    ]);
  }
  if (body.shipment.booking && item.booking && item.booking.code === body.shipment.booking) {
    item.booking = Object.assign({}, item.booking, { status: "arrived", call_deadline: null });
  }
  if (body.shipment.direction) {
    item.direction = body.shipment.direction; // a truck typed or scanned learns its direction from the answer
  }
  item.status = body.shipment.status;
}

export function refreshQueue() {
  var sentAt = Date.now();
  return fetch(config.queue_url + "?lang=" + encodeURIComponent(config.lang), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(
      function (data) {
        state.items = data.items || [];
        state.recent = data.recent_crossings || [];
        state.counters = data.counters || {};
        state.fetchedAt = Date.now();
        learnClock(data.server_time, sentAt);
        state.items.concat(state.recent).forEach(function (item) {
          delete state.extra[item.reference];
        });
        setOnline(true);
        $("updated-at").textContent = format(T.updated_at, { time: timeOfDay(serverNow()) });
        render();
      },
      function (error) {
        if (error instanceof TypeError) {
          setOnline(false);
        } else {
          $("updated-at").textContent = T.refresh_failed;
        }
      }
    );
}

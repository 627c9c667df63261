// The e-queue and customs on the tablet (issues 17, 18): a truck's booking (its code, its status, and once called the
// time left to arrive), its customs declaration (number and channel, as a word and a colour, never the colour
// alone), the link to its crossing manifest (a PDF in a new tab), and the calls: "Call next" per direction, or
// "Call to the gate" for the selected truck's confirmed booking. Calls go straight to the API (they need the
// network: a call that cannot reach the server was not made); events still go through the outbox.
import { serverNow } from "./clock.js";
import { format, pad, T, timeOfDay } from "./i18n.js";
import { showProblem, toast } from "./notices.js";
import { $, config, el, readonly, state } from "./state.js";

var CALLABLE = ["confirmed", "late"];
var csrfMeta = document.querySelector('meta[name="csrf-token"]');
var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

export function manifestUrl(item) {
  if (!config.manifest_url || !item || !item.id) {
    return null;
  }
  return config.manifest_url.replace("/shipments/0/", "/shipments/" + encodeURIComponent(item.id) + "/");
}

// "12:34 left to arrive" for a called truck (minutes and seconds, by the server's clock), or "Call window over".
export function countdownText(deadline) {
  var left = Math.floor((new Date(deadline).getTime() - serverNow().getTime()) / 1000);
  if (!(left > 0)) {
    return T.window_over;
  }
  return format(T.time_left, { time: Math.floor(left / 60) + ":" + pad(left % 60) });
}

export function tickCountdowns() {
  document.querySelectorAll("[data-deadline]").forEach(function (node) {
    node.textContent = countdownText(node.dataset.deadline);
    node.classList.toggle("call-over", node.textContent === T.window_over);
  });
}

function bookingNodes(booking) {
  var nodes = [];
  var badge = el(
    "span",
    "booking-badge booking-" + booking.status,
    booking.code + " · " + ((T.booking_statuses || {})[booking.status] || booking.status)
  );
  badge.dataset.booking = booking.code;
  badge.dataset.bookingStatus = booking.status;
  nodes.push(badge);
  if (booking.status === "called" && booking.call_deadline) {
    var countdown = el("span", "call-countdown", countdownText(booking.call_deadline));
    countdown.dataset.deadline = booking.call_deadline;
    nodes.push(countdown);
  }
  return nodes;
}

function declarationBadge(declaration) {
  var channel = declaration.channel || "";
  var text = declaration.number + (channel ? " · " + T.lanes[channel] : "");
  var badge = el("span", "decl-badge channel-" + (channel || "none"), text);
  badge.dataset.declaration = declaration.number;
  badge.dataset.channel = channel;
  return badge;
}

// The line under a truck's card: booking and declaration (null when it has neither).
export function cardExtras(item) {
  if (!item.booking && !item.customs_declaration) {
    return null;
  }
  var line = el("span", "truck-extra");
  if (item.booking) {
    bookingNodes(item.booking).forEach(function (node) {
      line.appendChild(node);
    });
  }
  if (item.customs_declaration) {
    line.appendChild(declarationBadge(item.customs_declaration));
  }
  return line;
}

export function manifestLink(item) {
  var url = manifestUrl(item);
  if (!url) {
    return null;
  }
  var link = el("a", "truck-manifest", T.manifest);
  link.href = url;
  link.target = "_blank";
  link.rel = "noopener";
  return link;
}

// The selected truck's booking, declaration, manifest link and call button.
export function renderSelectedExtras(item) {
  var booking = item.booking || null;
  var declaration = item.customs_declaration || null;
  var bookingCell = $("sel-booking");
  // a truck typed or scanned outside today's queue: whether it is booked is not known here
  var none = document.createTextNode(item.unknown ? "—" : T.walk_in);
  bookingCell.replaceChildren.apply(bookingCell, booking ? bookingNodes(booking) : [none]);
  if (booking && booking.plate) {
    bookingCell.appendChild(el("span", "booked-plate", format(T.booked_plate, { plate: booking.plate })));
  }
  var declarationCell = $("sel-declaration");
  declarationCell.replaceChildren();
  if (declaration) {
    declarationCell.appendChild(declarationBadge(declaration));
    var status = (T.declaration_statuses || {})[declaration.status];
    if (status) {
      declarationCell.appendChild(el("span", "decl-status", status));
    }
  } else {
    declarationCell.textContent = "—";
  }
  var red = declaration && declaration.channel === "red" && declaration.status !== "cancelled";
  var inspected = (item.events || []).some(function (event) {
    return event.event === "inspection_started";
  });
  $("sel-customs-note").hidden = !red || inspected || ["crossed", "delivered"].indexOf(item.status) >= 0;
  var link = $("sel-manifest");
  var url = manifestUrl(item);
  link.hidden = !url;
  link.href = url || "#";
  var call = $("call-booking");
  if (call) {
    call.hidden = readonly || !booking || CALLABLE.indexOf(booking.status) < 0;
    call.dataset.booking = booking ? String(booking.id) : "";
  }
}

function answerOf(response) {
  return response
    .json()
    .catch(function () {
      return null;
    })
    .then(function (body) {
      return { status: response.status, body: body };
    });
}

function messageOf(answer) {
  var body = answer.body || {};
  var parts = body.message ? [body.message] : [];
  Object.keys(body.errors || {}).forEach(function (field) {
    [].concat(body.errors[field]).forEach(function (text) {
      if (parts.indexOf(text) < 0) {
        parts.push(text);
      }
    });
  });
  return parts.join(" ") || String(answer.status);
}

// The answer's booking on the truck of the queue (until the next refresh brings it from the server).
function applyCall(booking) {
  state.items.forEach(function (item) {
    if (item.booking && item.booking.id === booking.id) {
      item.booking = Object.assign({}, item.booking, {
        status: booking.status,
        called_at: booking.called_at,
        call_deadline: booking.call_deadline,
      });
    }
  });
}

// POST /gates/{code}/calls: {direction} for the next in order, {booking: id} for a chosen one.
function call(body, after) {
  return fetch(config.calls_url + "?lang=" + encodeURIComponent(config.lang), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  })
    .then(answerOf)
    .then(
      function (answer) {
        if (answer.status === 201 && answer.body && answer.body.booking) {
          var booking = answer.body.booking;
          applyCall(booking);
          toast(
            format(T.called, {
              code: booking.code,
              plate: (booking.vehicle || {}).plate || "—",
              time: timeOfDay(booking.call_deadline),
            })
          );
          after(booking.shipment);
          return;
        }
        showProblem({ key: "call", message: format(T.call_refused, { message: messageOf(answer) }) });
      },
      function () {
        showProblem({ key: "call", message: T.call_offline });
      }
    );
}

// Wire "Call next" (one per direction) and "Call to the gate"; `after(reference)` shows the called truck.
export function installCalls(after) {
  document.querySelectorAll("[data-call-next]").forEach(function (button) {
    button.addEventListener("click", function () {
      call({ direction: button.dataset.callNext }, after);
    });
  });
  var chosen = $("call-booking");
  if (chosen) {
    chosen.addEventListener("click", function () {
      var id = parseInt(chosen.dataset.booking, 10);
      if (id) {
        call({ booking: id }, after);
      }
    });
  }
}

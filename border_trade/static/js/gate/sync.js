// Sending the outbox: oldest first, one at a time (a truck's arrival before its lane), each event under its own
// Idempotency-Key, so sending it twice never records it twice. Network failures and 5xx keep an event queued;
// a refusal (409, 422, 404, 403...) takes it out and shows why under "Not recorded".
import { entryDirection, eventLabel } from "./directions.js";
import { format, T } from "./i18n.js";
import { refusalAction, setOnline, showProblem, toast } from "./notices.js";
import { loadOutbox, removeEntry, updateEntry } from "./outbox.js";
import { applyAnswer, refreshQueue, render } from "./queue.js";
import { config, readonly, state } from "./state.js";

var csrfMeta = document.querySelector('meta[name="csrf-token"]');
var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

function crossingsUrl(gate) {
  var base = config.crossings_url.replace("/gates/" + config.gate + "/", "/gates/" + encodeURIComponent(gate) + "/");
  return base + "?lang=" + encodeURIComponent(config.lang);
}

function post(entry) {
  return fetch(crossingsUrl(entry.gate), {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": csrf,
      "Idempotency-Key": entry.key,
    },
    body: JSON.stringify(entry.body),
  }).then(function (response) {
    return response
      .json()
      .catch(function () {
        return null;
      })
      .then(function (body) {
        return { status: response.status, body: body };
      });
  });
}

function errorText(answer) {
  var body = answer.body || {};
  var parts = [];
  if (body.message) {
    parts.push(body.message);
  }
  Object.keys(body.errors || {}).forEach(function (field) {
    [].concat(body.errors[field]).forEach(function (text) {
      if (parts.indexOf(text) < 0) {
        parts.push(text);
      }
    });
  });
  return parts.length ? parts.join(" ") : format(T.server_error, { code: answer.status });
}

// Send what is waiting, oldest first, one at a time (a truck's arrival before its lane).
export function flush() {
  if (readonly || state.flushing || !loadOutbox().length) {
    return Promise.resolve();
  }
  state.flushing = true;
  var sent = 0;

  function next() {
    var entry = loadOutbox()[0];
    if (!entry) {
      return Promise.resolve();
    }
    updateEntry(entry.key, { attempts: (entry.attempts || 0) + 1 });
    return post(entry).then(
      function (answer) {
        if (answer.status === 200 || answer.status === 201) {
          removeEntry(entry.key);
          applyAnswer(answer.body);
          sent += 1;
          var label = eventLabel(entry.body.event, entryDirection(entry));
          var said = format(T.sent, { event: label, reference: entry.body.shipment });
          var shipment = (answer.body && answer.body.shipment) || {};
          if (entry.body.event === "arrived" && shipment.walk_in && shipment.queue_number) {
            said += " " + format(T.queue_number, { num: shipment.queue_number }); // a walk-in's place in the queue
          }
          toast(said);
          setOnline(true);
          return next();
        }
        if (answer.status === 401) {
          // the session or its CSRF token is gone: keep everything until the officer signs in again
          updateEntry(entry.key, { last_error: errorText(answer) });
          showProblem({ key: "session", message: T.sign_in_again });
          return null;
        }
        if (answer.status >= 500 || answer.status === 408 || answer.status === 429) {
          updateEntry(entry.key, { last_error: format(T.server_error, { code: answer.status }) });
          return null;
        }
        // the server refused the event (409, 422, 404, 403...): sending it again cannot help
        removeEntry(entry.key);
        showProblem({
          key: entry.key,
          reference: entry.body.shipment,
          event: entry.body.event,
          direction: entryDirection(entry),
          message: format(T.refused, { message: errorText(answer) }),
          action: refusalAction(entry, answer),
        });
        return next();
      },
      function () {
        setOnline(false); // network failure: the entry stays queued for the next try
        return null;
      }
    );
  }

  return next().then(function () {
    state.flushing = false;
    render();
    if (sent) {
      refreshQueue();
    }
  });
}

// The gate tablet: today's queue (refreshed from the API), one big button per event the status flow allows now,
// a confirmation step, a QR scanner for the manifest, and an outbox kept in localStorage so that events tapped
// without a network are sent later. Each event gets its Idempotency-Key and its occurred_at when it is tapped,
// so sending it twice never records it twice and a late send keeps the real time.
// Every text shown comes from the page (#gate-strings), translated by the server.
(function () {
  "use strict";

  var app = document.getElementById("gate-app");
  if (!app) {
    return;
  }
  var config = JSON.parse(document.getElementById("gate-config").textContent);
  var T = JSON.parse(document.getElementById("gate-strings").textContent);
  var readonly = Boolean(config.readonly);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var STORE_KEY = "border-trade.gate-outbox.user-" + config.user;
  var REFERENCE = /BT-\d{4}-\d{6}/i;
  var RETRY_MS = 15000;
  // A tablet clock further than this from the server's is corrected by the difference: the server refuses
  // events more than two minutes in the future, and a slow clock would misdate every event.
  var CLOCK_TOLERANCE_MS = 60000;
  var SKEW_KEY = "border-trade.gate-clock-skew";
  var TOAST_MS = 5000;

  var state = {
    items: config.queue.items || [],
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

  function $(id) {
    return document.getElementById(id);
  }

  function format(text, params) {
    return String(text).replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function normalise(text) {
    return String(text || "")
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, "");
  }

  function pad(number, width) {
    return String(Math.abs(number)).padStart(width || 2, "0");
  }

  // ISO 8601 in the tablet's own offset, e.g. 2026-03-14T08:30:05.120+07:00
  function isoWithOffset(date) {
    var offset = -date.getTimezoneOffset();
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      "." + pad(date.getMilliseconds(), 3) +
      (offset >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60)
    );
  }

  function newKey() {
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

  function clock(value) {
    var date = value instanceof Date ? value : new Date(value);
    try {
      // the 24-hour clock of border work, in the gates' time zone whatever the tablet is set to
      return date.toLocaleTimeString(config.lang, {
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: "Asia/Ho_Chi_Minh",
      });
    } catch (error) {
      return pad(date.getHours()) + ":" + pad(date.getMinutes());
    }
  }

  function dwellText(minutes) {
    if (minutes === null || minutes === undefined) {
      return "";
    }
    if (minutes < 60) {
      return format(T.minutes, { minutes: minutes });
    }
    return format(T.hours_minutes, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  // ---------------------------------------------------------------- outbox (survives reloads and restarts)

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

  function loadOutbox() {
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

  function updateEntry(key, change) {
    saveOutbox(
      loadOutbox().map(function (entry) {
        return entry.key === key ? Object.assign(entry, change) : entry;
      })
    );
  }

  function removeEntry(key) {
    saveOutbox(
      loadOutbox().filter(function (entry) {
        return entry.key !== key;
      })
    );
  }

  function enqueue(entry) {
    var list = loadOutbox();
    list.push(entry);
    saveOutbox(list);
  }

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
  function flush() {
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
            toast(format(T.sent, { event: T.events[entry.body.event], reference: entry.body.shipment }));
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
            message: format(T.refused, { message: errorText(answer) }),
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

  function applyAnswer(body) {
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
    item.status = body.shipment.status;
  }

  // ---------------------------------------------------------------- queue, selection, projection

  function findItem(reference) {
    for (var i = 0; i < state.items.length; i += 1) {
      if (state.items[i].reference === reference) {
        return state.items[i];
      }
    }
    return state.extra[reference] || null;
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

  function matches(item, filter) {
    return !filter || normalise(item.reference).indexOf(filter) >= 0 || normalise(item.plate).indexOf(filter) >= 0;
  }

  function renderQueue() {
    var list = $("queue");
    var filter = normalise($("search").value);
    var shown = 0;
    var rows = state.items.map(function (item) {
      var view = projected(item);
      var li = el("li", "truck");
      li.dataset.reference = item.reference;
      li.dataset.status = view.status;
      li.dataset.lane = view.lane || "";
      li.dataset.plate = item.plate || "";
      li.dataset.allowed = readonly ? "" : allowedEvents(view).join(" ");
      if (view.pending) {
        li.dataset.pending = String(view.pending);
      }
      li.hidden = !matches(item, filter);
      if (!li.hidden) {
        shown += 1;
      }
      var button = el("button", "truck-select");
      button.type = "button";
      button.setAttribute("aria-pressed", String(state.selected === item.reference));
      button.appendChild(el("span", "truck-ref", item.reference));
      button.appendChild(el("span", "truck-plate", item.plate || "—"));
      button.appendChild(el("span", "status-badge status-" + view.status, T.statuses[view.status] || view.status));
      if (view.lane) {
        button.appendChild(el("span", "lane-badge lane-" + view.lane, T.lanes[view.lane]));
      }
      if (view.pending) {
        button.appendChild(el("span", "pending-badge", "⟳ " + view.pending));
      }
      button.appendChild(el("span", "dwell", dwellText(dwellNow(item))));
      button.addEventListener("click", function () {
        select(item.reference);
      });
      li.appendChild(button);
      return li;
    });
    list.replaceChildren.apply(list, rows);
    $("queue-empty").hidden = state.items.length > 0;
    return shown;
  }

  function renderCounters() {
    document.querySelectorAll("[data-counter]").forEach(function (node) {
      var value = state.counters[node.dataset.counter];
      if (value !== undefined) {
        node.textContent = value;
      }
    });
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
    $("sel-reference").textContent = item.reference;
    var status = $("sel-status");
    status.className = "status-badge status-" + view.status;
    status.textContent = item.unknown && !view.pending ? "?" : T.statuses[view.status] || view.status;
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
    if (readonly) {
      return;
    }
    var allowed = allowedEvents(view);
    var any = false;
    document.querySelectorAll("#event-buttons [data-event]").forEach(function (button) {
      button.hidden = allowed.indexOf(button.dataset.event) < 0;
      any = any || !button.hidden;
    });
    $("no-events").hidden = any;
  }

  function renderOutbox() {
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
      li.appendChild(el("strong", null, entry.body.shipment));
      li.appendChild(el("span", "outbox-event", T.events[entry.body.event] || entry.body.event));
      if (entry.body.lane) {
        li.appendChild(el("span", "lane-badge lane-" + entry.body.lane, T.lanes[entry.body.lane]));
      }
      if (entry.gate !== config.gate) {
        li.appendChild(el("code", null, entry.gate));
      }
      li.appendChild(el("span", "outbox-meta", format(T.tapped_at, { time: clock(entry.tapped_at) })));
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

  function render() {
    renderQueue();
    renderCounters();
    renderSelected();
    renderOutbox();
  }

  function select(reference) {
    state.selected = reference;
    render();
    var panel = $("selected");
    if (panel && typeof panel.scrollIntoView === "function" && window.innerWidth < 900) {
      panel.scrollIntoView({ block: "start" });
    }
  }

  // A reference typed or scanned: select it; not in today's queue, it may still arrive (the server decides).
  function selectReference(reference) {
    reference = reference.toUpperCase();
    if (!findItem(reference)) {
      state.extra[reference] = { reference: reference, status: "submitted", lane: null, unknown: true };
    }
    $("search").value = reference;
    select(reference);
  }

  // ---------------------------------------------------------------- messages

  var toastTimer = null;
  function toast(text) {
    var node = $("toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      node.hidden = true;
    }, TOAST_MS);
  }

  function searchMessage(text) {
    var node = $("search-message");
    node.textContent = text || "";
    node.hidden = !text;
  }

  function showProblem(problem) {
    var list = $("problem-list");
    var existing = list.querySelector('[data-key="' + problem.key + '"]');
    if (existing) {
      existing.remove();
    }
    var li = el("li", "problem");
    li.dataset.key = problem.key;
    if (problem.reference) {
      li.dataset.reference = problem.reference;
      li.dataset.event = problem.event;
      li.appendChild(el("strong", null, problem.reference + " · " + (T.events[problem.event] || problem.event)));
    }
    li.appendChild(el("span", "problem-message", problem.message));
    var dismiss = el("button", "btn-big btn-dismiss", T.dismiss);
    dismiss.type = "button";
    dismiss.addEventListener("click", function () {
      li.remove();
      $("problems").hidden = !list.children.length;
    });
    li.appendChild(dismiss);
    list.appendChild(li);
    $("problems").hidden = false;
  }

  function setOnline(online) {
    state.online = online;
    var node = $("net-status");
    node.className = "net " + (online ? "net-online" : "net-offline");
    node.textContent = online ? T.online : T.offline;
    app.dataset.online = String(online);
  }

  // ---------------------------------------------------------------- the server's clock

  // Learn how far this tablet's clock is from the server's, from a time the server sent between `sentAt` and now.
  function learnClock(serverTime, sentAt) {
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

  function rememberedSkew() {
    try {
      var value = Number(window.localStorage.getItem(SKEW_KEY) || 0);
      return isFinite(value) ? value : 0;
    } catch (error) {
      return 0;
    }
  }

  // The time now by the server's clock (this tablet's, when it is close enough).
  function serverNow() {
    return new Date(Date.now() + state.skew);
  }

  function renderClock() {
    var node = $("clock-warning");
    if (!node) {
      return;
    }
    var minutes = Math.max(1, Math.round(Math.abs(state.skew) / 60000));
    node.hidden = !state.skew;
    node.textContent = state.skew ? format(state.skew > 0 ? T.clock_slow : T.clock_fast, { minutes: minutes }) : "";
  }

  // ---------------------------------------------------------------- refreshing the queue

  function refreshQueue() {
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
          state.counters = data.counters || {};
          state.fetchedAt = Date.now();
          learnClock(data.server_time, sentAt);
          state.items.forEach(function (item) {
            delete state.extra[item.reference];
          });
          setOnline(true);
          $("updated-at").textContent = format(T.updated_at, { time: clock(serverNow()) });
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

  // ---------------------------------------------------------------- search and typed entry

  $("search").addEventListener("input", function () {
    searchMessage("");
    renderQueue();
  });

  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("search").value.trim();
    if (!text) {
      return;
    }
    var reference = extractReference(text);
    if (reference) {
      searchMessage("");
      selectReference(reference);
      return;
    }
    var filter = normalise(text);
    var found = state.items.filter(function (item) {
      return matches(item, filter);
    });
    renderQueue();
    if (found.length === 1) {
      searchMessage("");
      select(found[0].reference);
    } else if (!found.length) {
      searchMessage(T.no_match + " " + T.bad_reference);
    }
  });

  // ---------------------------------------------------------------- recording an event: tap, confirm, queue

  var draft = null;

  function openConfirm(name) {
    var item = findItem(state.selected);
    if (!item) {
      return;
    }
    // the tap is the moment of the event and names it for good: retries reuse this key and this time
    draft = { key: newKey(), tapped: serverNow(), event: name, reference: item.reference };
    $("confirm-question").textContent = T.questions[name];
    $("confirm-reference").textContent = item.reference + (item.plate ? " · " + item.plate : "");
    $("field-lane").hidden = name !== "lane_assigned";
    $("field-seals").hidden = name !== "crossed";
    $("field-reason").hidden = name !== "held";
    $("field-note").hidden = name !== "held" && name !== "returned";
    $("confirm-form").reset();
    $("confirm-error").hidden = true;
    $("confirm-ok").className = "btn-big btn-confirm event-" + name;
    $("confirm-ok").textContent = T.events[name];
    var dialog = $("confirm-dialog");
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
  }

  function closeConfirm() {
    var dialog = $("confirm-dialog");
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    draft = null;
  }

  function confirmProblem(text) {
    var node = $("confirm-error");
    node.textContent = text;
    node.hidden = false;
  }

  function confirmDraft() {
    if (!draft) {
      return;
    }
    var form = $("confirm-form");
    var body = { shipment: draft.reference, event: draft.event, occurred_at: isoWithOffset(draft.tapped) };
    if (draft.event === "lane_assigned") {
      var lane = form.querySelector('input[name="lane"]:checked');
      if (!lane) {
        confirmProblem(T.choose_lane);
        return;
      }
      body.lane = lane.value;
    }
    if (draft.event === "crossed") {
      var seals = $("seals").value.split(/[\s,;]+/).filter(Boolean);
      if (!seals.length) {
        confirmProblem(T.give_seals);
        return;
      }
      body.seals = seals;
    }
    if (draft.event === "held") {
      if (!$("reason").value) {
        confirmProblem(T.give_reason);
        return;
      }
      body.reason_code = $("reason").value;
    }
    if ((draft.event === "held" || draft.event === "returned") && $("note").value.trim()) {
      body.note = $("note").value.trim();
    }
    enqueue({
      key: draft.key,
      gate: config.gate,
      body: body,
      tapped_at: draft.tapped.getTime(),
      attempts: 0,
      last_error: null,
    });
    closeConfirm();
    toast(T.queued);
    render();
    flush();
  }

  if (!readonly) {
    document.querySelectorAll("#event-buttons [data-event]").forEach(function (button) {
      button.addEventListener("click", function () {
        openConfirm(button.dataset.event);
      });
    });
    $("confirm-form").addEventListener("submit", function (event) {
      event.preventDefault();
      confirmDraft();
    });
    $("confirm-cancel").addEventListener("click", closeConfirm);
    $("confirm-dialog").addEventListener("cancel", function () {
      draft = null;
    });
    $("retry-now").addEventListener("click", function () {
      flush();
    });
  }

  // ---------------------------------------------------------------- QR scanning of the manifest

  function base64UrlText(segment) {
    try {
      var b64 = segment.replace(/-/g, "+").replace(/_/g, "/");
      while (b64.length % 4) {
        b64 += "=";
      }
      return window.atob(b64);
    } catch (error) {
      return "";
    }
  }

  function verifyToken(text) {
    var match = /\/verify\/([^/?#\s]+)/.exec(text || "");
    return match ? match[1] : null;
  }

  // A manifest's QR holds its verification URL (/verify/<token>) or the bare reference (BT-YYYY-NNNNNN).
  function extractReference(text) {
    var raw = String(text || "");
    var decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch (error) {
      decoded = raw;
    }
    var match = REFERENCE.exec(raw) || REFERENCE.exec(decoded);
    if (match) {
      return match[0].toUpperCase();
    }
    var token = verifyToken(decoded);
    if (token) {
      var segments = token.split(".");
      for (var i = 0; i < segments.length; i += 1) {
        match = REFERENCE.exec(base64UrlText(segments[i]));
        if (match) {
          return match[0].toUpperCase();
        }
      }
    }
    return null;
  }

  var scan = { stream: null, timer: null, lastText: null };

  function scanMessage(text) {
    $("scan-message").textContent = text;
  }

  function stopScanner() {
    clearTimeout(scan.timer);
    scan.timer = null;
    if (scan.stream) {
      scan.stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    scan.stream = null;
    scan.lastText = null;
    $("scan-video").srcObject = null;
  }

  function scanned(reference) {
    stopScanner();
    var dialog = $("scan-dialog");
    if (dialog.open) {
      dialog.close();
    }
    selectReference(reference);
    toast(format(T.qr_found, { reference: reference }));
  }

  function handleScan(text) {
    if (text === scan.lastText) {
      return;
    }
    scan.lastText = text;
    var reference = extractReference(text);
    if (reference) {
      scanned(reference);
      return;
    }
    var token = verifyToken(text);
    if (!token) {
      scanMessage(T.qr_no_reference);
      return;
    }
    // an opaque token: the public verification API names the shipment (needs the network)
    fetch(config.verify_prefix + encodeURIComponent(token), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .then(function (data) {
        var found = data && data.valid !== false ? REFERENCE.exec(String(data.shipment || "")) : null;
        if (found) {
          scanned(found[0].toUpperCase());
        } else {
          scanMessage(T.qr_no_reference);
        }
      })
      .catch(function () {
        scanMessage(T.qr_no_reference);
      });
  }

  function tick() {
    if (!scan.stream) {
      return;
    }
    var video = $("scan-video");
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 800 / video.videoWidth);
      var width = Math.round(video.videoWidth * scale);
      var height = Math.round(video.videoHeight * scale);
      var canvas = $("scan-canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, width, height);
      var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
      if (code && code.data) {
        handleScan(code.data);
        if (!scan.stream) {
          return;
        }
      }
    }
    scan.timer = setTimeout(tick, 150); // ~6 frames a second spares the tablet's battery
  }

  function openScanner() {
    var dialog = $("scan-dialog");
    dialog.showModal();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
      scanMessage(T.camera_unavailable);
      return;
    }
    scanMessage(T.scanning);
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (stream) {
        if (!dialog.open) {
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
          return;
        }
        scan.stream = stream;
        var video = $("scan-video");
        video.srcObject = stream;
        var playing = video.play();
        if (playing && typeof playing.catch === "function") {
          playing.catch(function () {});
        }
        tick();
      })
      .catch(function (error) {
        scanMessage(format(T.camera_denied, { message: error && error.name ? error.name : String(error) }));
      });
  }

  if (!readonly) {
    $("scan-button").addEventListener("click", openScanner);
    $("scan-close").addEventListener("click", function () {
      $("scan-dialog").close();
    });
    $("scan-dialog").addEventListener("close", stopScanner);
  }

  // ---------------------------------------------------------------- the page kept for offline reloads

  var OFFLINE_CACHE = "border-trade-gate"; // the service worker (gate-sw.js) answers from it without a network

  // Register the service worker and keep this page with the files it loaded (scripts, styles, fonts).
  function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches || !config.offline_worker) {
      return Promise.resolve(false);
    }
    return navigator.serviceWorker
      .register(config.offline_worker, { scope: config.offline_scope })
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

  // ---------------------------------------------------------------- timers and connectivity

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
})();

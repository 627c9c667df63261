// The event sheet: a tap on an event's button opens the confirmation dialog (lane, seals, reason, note as the
// event needs); confirming puts the event in the outbox and sends it. The tap is the moment of the event.
import { isoWithOffset, serverNow } from "./clock.js";
import { directionOf, eventLabel, questionLabel } from "./directions.js";
import { T } from "./i18n.js";
import { toast } from "./notices.js";
import { enqueue, newKey } from "./outbox.js";
import { findItem, render } from "./queue.js";
import { $, config, state } from "./state.js";
import { flush } from "./sync.js";

var draft = null;

function openConfirm(name) {
  var item = findItem(state.selected);
  if (!item) {
    return;
  }
  // the tap is the moment of the event and names it for good: retries reuse this key and this time
  // the direction is kept with the event, so that the outbox words it right even once the truck left the queue
  var direction = item.unknown && !item.direction ? null : directionOf(item);
  draft = { key: newKey(), tapped: serverNow(), event: name, reference: item.reference, direction: direction };
  $("confirm-question").textContent = questionLabel(name, direction);
  $("confirm-reference").textContent = item.reference + (item.plate ? " · " + item.plate : "");
  $("field-lane").hidden = name !== "lane_assigned";
  $("field-seals").hidden = name !== "crossed";
  $("field-reason").hidden = name !== "held";
  $("field-note").hidden = name !== "held" && name !== "returned";
  $("confirm-form").reset();
  $("confirm-error").hidden = true;
  $("confirm-ok").className = "btn-big btn-confirm event-" + name;
  $("confirm-ok").textContent = eventLabel(name, direction);
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
    direction: draft.direction, // not sent: the server knows the shipment's direction
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

// Wire the event buttons and the dialog (an officer's page only).
export function installSheet() {
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
}

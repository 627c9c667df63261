// The event sheet: a tap on an event's button opens the confirmation dialog (lane, seals, reason, note, and for
// "arrived" the plate read on the truck, as the event needs); confirming puts the event in the outbox and sends it.
// The tap is the moment of the event.
import { isoWithOffset, serverNow } from "./clock.js";
import { directionOf, eventLabel, questionLabel } from "./directions.js";
import { T } from "./i18n.js";
import { onRefusal, toast } from "./notices.js";
import { enqueue, newKey } from "./outbox.js";
import { plateFields, plateRefusal, preparePlate } from "./plate.js";
import { findItem, render, select, selectReference } from "./queue.js";
import { $, config, state } from "./state.js";
import { flush } from "./sync.js";

var draft = null;

// `fix` (a refused arrival sent again): {tapped, direction, plate, reason, message}; the new entry keeps the tap time.
function openConfirm(name, fix) {
  var item = findItem(state.selected);
  if (!item) {
    return;
  }
  // the tap is the moment of the event and names it for good: retries reuse this key and this time
  // the direction is kept with the event, so that the outbox words it right even once the truck left the queue
  var direction = item.unknown && !item.direction ? null : directionOf(item);
  if (fix && fix.direction) {
    direction = fix.direction;
  }
  var tapped = fix && fix.tapped ? new Date(fix.tapped) : serverNow();
  draft = { key: newKey(), tapped: tapped, event: name, reference: item.reference, direction: direction };
  $("confirm-question").textContent = questionLabel(name, direction);
  $("confirm-reference").textContent = item.reference + (item.plate ? " · " + item.plate : "");
  $("field-lane").hidden = name !== "lane_assigned";
  $("field-seals").hidden = name !== "crossed";
  $("field-reason").hidden = name !== "held";
  $("field-note").hidden = name !== "held" && name !== "returned";
  $("confirm-form").reset();
  preparePlate(item, name, fix);
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
  if (draft.event === "arrived") {
    var plate = plateFields(findItem(draft.reference), confirmProblem);
    if (!plate) {
      return; // the dialog stays open: the plate is missing, or another vehicle's without a reason
    }
    Object.assign(body, plate);
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
  // a refused arrival that names the plate: open the dialog again with what was sent and why it was refused
  onRefusal(function (entry, answer) {
    var fix = plateRefusal(entry, answer);
    if (!fix) {
      return null;
    }
    return {
      label: T.fix_plate,
      run: function () {
        if (findItem(entry.body.shipment)) {
          select(entry.body.shipment);
        } else {
          selectReference(entry.body.shipment);
        }
        openConfirm("arrived", Object.assign(fix, { tapped: entry.tapped_at, direction: entry.direction }));
      },
    };
  });
  $("confirm-dialog").addEventListener("cancel", function () {
    draft = null;
  });
}

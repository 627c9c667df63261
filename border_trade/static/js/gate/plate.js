// The plate at "arrived" (issue 17): the officer types the plate read on the truck (Khmer digits, spaces and dots
// are fine: the server writes it canonically). A booked truck needs it; a walk-in may leave it blank. When it is not
// the booked vehicle's, the dialog says so with the booked plate and asks for a reason to let the truck in anyway
// (sent as override_reason, audited by the server). The server decides: a refusal it gives (409 plate mismatch,
// 422 plate missing, e.g. from an outbox entry kept before this change) offers "Correct the plate", which opens
// the dialog again with what was sent, the server's words and the reason field.
import { format, T } from "./i18n.js";
import { $ } from "./state.js";

// a booking in one of these still waits for its truck: `arrived` checks the plate against it
var EXPECTING = ["unconfirmed", "confirmed", "called", "late"];
var KHMER_DIGITS = "០១២៣៤៥៦៧៨៩";

// A plate compared without spelling: Khmer and full-width digits as ASCII, no case, spaces, dots or dashes, no
// Khmer province name in front. A first check only; the server's canonical spelling decides.
export function plateKey(text) {
  var value = String(text || "");
  if (typeof value.normalize === "function") {
    value = value.normalize("NFKC");
  }
  value = value.replace(/[០-៩]/g, function (digit) {
    return String(KHMER_DIGITS.indexOf(digit));
  });
  return value.toUpperCase().replace(/[^0-9A-Z]/g, "");
}

export function expectingBooking(item) {
  var booking = item && item.booking;
  return booking && EXPECTING.indexOf(booking.status) >= 0 ? booking : null;
}

function showOverride(text) {
  $("plate-mismatch").textContent = text;
  $("field-override").hidden = false;
}

// When the dialog opens: the plate field for "arrived" only; `fix` (from a refusal) refills it and says why.
export function preparePlate(item, name, fix) {
  $("field-plate").hidden = name !== "arrived";
  $("field-override").hidden = true;
  $("plate-mismatch").textContent = "";
  if (name !== "arrived") {
    return;
  }
  var booking = expectingBooking(item);
  $("plate-hint").textContent = booking ? format(T.plate_booked_hint, { code: booking.code }) : T.plate_walk_in_hint;
  if (fix) {
    $("plate-read").value = fix.plate || "";
    $("override-reason").value = fix.reason || "";
    var booked = booking && booking.plate ? " " + format(T.booked_plate, { plate: booking.plate }) : "";
    showOverride(fix.message + booked);
  }
}

// The fields "arrived" adds to the event's body, or null when the dialog must stay open (a booked truck's plate is
// missing, or is not the booked vehicle's and no reason was given: `problem(text)` or the mismatch field says so).
export function plateFields(item, problem) {
  var read = $("plate-read").value.trim();
  var reason = $("field-override").hidden ? "" : $("override-reason").value.trim();
  var fields = {};
  if (read) {
    fields.plate = read;
  }
  if (reason) {
    fields.override_reason = reason;
  }
  var booking = expectingBooking(item);
  if (!booking || reason) {
    return fields;
  }
  if (!read) {
    problem(format(T.plate_needed, { code: booking.code }));
    return null;
  }
  if (booking.plate && plateKey(read) !== plateKey(booking.plate)) {
    showOverride(format(T.plate_mismatch, { read: read, booked: booking.plate, code: booking.code }));
    $("override-reason").focus();
    return null;
  }
  return fields;
}

// A refusal of "arrived" that names the plate: what to offer under "Not recorded" (else null).
export function plateRefusal(entry, answer) {
  var errors = (answer.body && answer.body.errors) || {};
  if (entry.body.event !== "arrived" || !errors.plate) {
    return null;
  }
  return {
    plate: entry.body.plate || "",
    reason: entry.body.override_reason || "",
    message: [].concat(errors.plate).join(" "),
  };
}

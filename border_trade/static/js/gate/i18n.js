// Texts and formats: every text shown comes from the page (#gate-strings), translated by the server; this
// module fills in their %(name)s placeholders and writes times and waiting times.
import { config, pageStrings } from "./state.js";

export var T = pageStrings();

export function format(text, params) {
  return String(text).replace(/%\((\w+)\)[sd]/g, function (whole, name) {
    return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
  });
}

export function pad(number, width) {
  return String(Math.abs(number)).padStart(width || 2, "0");
}

// The time of day of a Date or timestamp, e.g. 08:30.
export function timeOfDay(value) {
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

export function dwellText(minutes) {
  if (minutes === null || minutes === undefined) {
    return "";
  }
  if (minutes < 60) {
    return format(T.minutes, { minutes: minutes });
  }
  return format(T.hours_minutes, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

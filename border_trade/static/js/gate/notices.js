// What the page tells the officer besides the queue: the short toast, the events the server refused
// ("Not recorded") and the online/offline badge.
import { eventLabel } from "./directions.js";
import { T } from "./i18n.js";
import { $, app, el, state } from "./state.js";

var TOAST_MS = 5000;
var toastTimer = null;

export function toast(text) {
  var node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(function () {
    node.hidden = true;
  }, TOAST_MS);
}

export function showProblem(problem) {
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
    li.appendChild(el("strong", null, problem.reference + " · " + eventLabel(problem.event, problem.direction)));
  }
  li.appendChild(el("span", "problem-message", problem.message));
  if (problem.action) {
    var act = el("button", "btn-big btn-fix", problem.action.label);
    act.type = "button";
    act.addEventListener("click", function () {
      li.remove();
      $("problems").hidden = !list.children.length;
      problem.action.run();
    });
    li.appendChild(act);
  }
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

// What a refused event offers besides "Dismiss" (e.g. "Correct the plate" for `arrived`): handlers registered by the
// modules that know how, asked in turn by sync.js; each returns {label, run} or null.
var refusalActions = [];

export function onRefusal(handler) {
  refusalActions.push(handler);
}

export function refusalAction(entry, answer) {
  for (var i = 0; i < refusalActions.length; i += 1) {
    var action = refusalActions[i](entry, answer);
    if (action) {
      return action;
    }
  }
  return null;
}

export function setOnline(online) {
  state.online = online;
  var node = $("net-status");
  node.className = "net " + (online ? "net-online" : "net-offline");
  node.textContent = online ? T.online : T.offline;
  app.dataset.online = String(online);
}

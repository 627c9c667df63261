// Typed entry: the search box filters the queue by reference or plate as the officer types; Enter selects the
// one truck found, or the reference typed (a truck not in today's queue may still arrive).
import { T } from "./i18n.js";
import { matches, normalise, renderQueue, select, selectReference } from "./queue.js";
import { extractReference } from "./reference.js";
import { $, state } from "./state.js";

function searchMessage(text) {
  var node = $("search-message");
  node.textContent = text || "";
  node.hidden = !text;
}

export function installSearch() {
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
}

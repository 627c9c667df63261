// The shipment page: ask before a move that cannot be undone (buttons carrying data-confirm); the documents'
// language pair: the select rewrites the download links and shows that pair's revisions, without reloading.
(function () {
  "use strict";
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  var select = document.getElementById("pdf-pair");
  var section = document.getElementById("generated-documents");
  if (!select || !section) {
    return;
  }
  var submit = document.getElementById("pdf-pair-submit");
  if (submit) {
    submit.hidden = true; // the select applies itself; without JavaScript the button reloads the page
  }

  function apply() {
    var option = select.options[select.selectedIndex];
    var pair = option.value;
    var lang = option.dataset.lang;
    section.dataset.pair = pair;
    section.querySelectorAll("a[data-pdf-link]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("lang", lang);
      link.setAttribute("href", url.pathname + url.search);
    });
    section.querySelectorAll("[data-pdf-state]").forEach(function (state) {
      state.hidden = state.dataset.pair !== pair;
    });
    var here = new URL(window.location.href);
    here.searchParams.set("pair", pair);
    window.history.replaceState(null, "", here.pathname + here.search + here.hash);
  }

  select.addEventListener("change", apply);
})();

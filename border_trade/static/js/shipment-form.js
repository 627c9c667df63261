// Goods lines of the shipment form: add and remove lines in the page. Without JavaScript the form still
// works: it shows a few empty lines, a "remove" checkbox per line and a button that asks for more lines.
(function () {
  "use strict";

  var list = document.getElementById("item-rows");
  var template = document.getElementById("item-row-template");
  var addButton = document.getElementById("add-item-row");
  if (!list || !template || !addButton) {
    return;
  }

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-item-row]"));
  }

  function renumber() {
    var number = 0;
    rows().forEach(function (row) {
      if (!row.hidden) {
        number += 1;
        row.querySelector("[data-row-number]").textContent = String(number);
      }
    });
  }

  function enhance(row) {
    var checkbox = row.querySelector("[data-remove-row]");
    var button = row.querySelector("[data-remove-button]");
    if (checkbox && button) {
      checkbox.closest(".form-check").classList.add("d-none");
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        checkbox.checked = true;
        row.hidden = true;
        renumber();
      });
    }
    var product = row.querySelector("[data-product-select]");
    var unit = row.querySelector("[data-unit-select]");
    if (product && unit) {
      product.addEventListener("change", function () {
        var option = product.options[product.selectedIndex];
        if (option && option.dataset.unit && !unit.value) {
          unit.value = option.dataset.unit;
        }
      });
    }
  }

  function nextIndex() {
    var highest = -1;
    rows().forEach(function (row) {
      var index = parseInt(row.dataset.index, 10);
      if (!isNaN(index) && index > highest) {
        highest = index;
      }
    });
    return highest + 1;
  }

  addButton.addEventListener("click", function () {
    var html = template.innerHTML.split("__INDEX__").join(String(nextIndex()));
    list.insertAdjacentHTML("beforeend", html);
    var added = rows()[rows().length - 1];
    enhance(added);
    renumber();
    var first = added.querySelector("select, input");
    if (first) {
      first.focus();
    }
  });

  rows().forEach(enhance);
  addButton.classList.remove("d-none");
  document.querySelectorAll("[data-no-js-only]").forEach(function (element) {
    element.classList.add("d-none");
  });
})();

// Direction of the shipment form: show the exit gate and consignee of an export, or the entry gate and
// consignor of an import. Without JavaScript both are shown; the server reads only the chosen direction's.
(function () {
  "use strict";

  var select = document.querySelector("select[data-direction]");
  if (!select) {
    return;
  }

  function show() {
    document.querySelectorAll("[data-direction-only]").forEach(function (element) {
      element.hidden = element.getAttribute("data-direction-only") !== select.value;
    });
  }

  select.addEventListener("change", show);
  show();
})();

// Truck and driver from the trader's register: choosing one fills the text fields below; typing another plate
// (or driver) there sets the select back to "type instead", so what the form sends never contradicts itself.
// Without JavaScript the server decides: a changed select wins over text left as it was.
(function () {
  "use strict";

  function link(select, inputs, fill, matches) {
    if (!select) {
      return;
    }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (option && option.value) {
        fill(option);
      }
    });
    inputs.forEach(function (input) {
      input.addEventListener("input", function () {
        var option = select.options[select.selectedIndex];
        if (option && option.value && !matches(option)) {
          select.value = "";
        }
      });
    });
  }

  var plate = document.querySelector("[data-plate-input]");
  var drivers = Array.prototype.slice.call(document.querySelectorAll("[data-driver-input]"));
  var name = document.getElementById("driver_name");
  var idNo = document.getElementById("driver_id_no");
  var compact = function (text) {
    return (text || "").toUpperCase().replace(/[^0-9A-Z]/g, "");
  };

  link(
    document.querySelector("select[data-vehicle-select]"),
    plate ? [plate] : [],
    function (option) {
      plate.value = option.dataset.plate;
    },
    function (option) {
      return compact(option.dataset.plate) === compact(plate.value);
    }
  );
  link(
    document.querySelector("select[data-driver-select]"),
    drivers,
    function (option) {
      name.value = option.dataset.name;
      idNo.value = option.dataset.idNo;
    },
    function (option) {
      return option.dataset.name === name.value.trim() && option.dataset.idNo === idNo.value.trim();
    }
  );
})();

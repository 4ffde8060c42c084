// Request form niceties. The form works fully without this file; it only hides what does
// not apply (the fee box, the delivery choice) and offers a print button.
(function () {
  "use strict";
  var form = document.querySelector(".intake-form");
  if (form) {
    var boxes = form.querySelectorAll("input[name=kinds]");
    var fee = document.getElementById("fee-box");
    var delivery = document.getElementById("delivery-fieldset");
    var update = function () {
      var anyFee = false, anyDisclosure = false;
      boxes.forEach(function (box) {
        if (box.checked && box.dataset.fee === "1") { anyFee = true; }
        if (box.checked && box.dataset.disclosure === "1") { anyDisclosure = true; }
      });
      if (fee) { fee.hidden = !anyFee; }
      if (delivery) { delivery.hidden = !anyDisclosure && !delivery.classList.contains("has-error"); }
    };
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
    // Show only the masking advice for the document chosen, and the second identity
    // document only when the first has no photo.
    form.querySelectorAll("select[name$='-kind']").forEach(function (select) {
      var slot = select.name.replace(/-kind$/, "");
      var hint = form.querySelector("[data-mask-for='" + slot + "']");
      var second = document.getElementById("slot-" + slot + "2");
      var sync = function () {
        var option = select.options[select.selectedIndex];
        if (hint) {
          var shown = 0;
          hint.querySelectorAll("li[data-kind]").forEach(function (item) {
            item.hidden = select.value !== "" && item.dataset.kind !== select.value;
            if (!item.hidden) { shown += 1; }
          });
          hint.hidden = shown === 0;
        }
        if (second && !second.classList.contains("has-error")) {
          second.hidden = option && option.dataset.photo === "1";
        }
      };
      select.addEventListener("change", sync);
      sync();
    });
    // After a rejected submission, start at the list of problems (it links to each field).
    var problems = document.getElementById("problems");
    var first = form.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (problems) { problems.focus(); } else if (first) { first.focus(); }
  }
  var print = document.getElementById("print-button");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();

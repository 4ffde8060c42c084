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
    var first = form.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (first) { first.focus(); }
  }
  var print = document.getElementById("print-button");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();

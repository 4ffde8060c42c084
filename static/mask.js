/* Masking: drag rectangles over a document's pages; the rectangles (fractions of each
   page) go to the server, which burns them into a new file. No inline script (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("mask-form");
  if (!form) { return; }
  var input = document.getElementById("rectangles");
  var counter = document.getElementById("mask-count");
  var boxes = [];

  function sync() {
    input.value = JSON.stringify(boxes.map(function (b) {
      return { page: b.page, x: b.x, y: b.y, w: b.w, h: b.h };
    }));
    counter.textContent = boxes.length ? (counter.getAttribute("data-text") || "{n}").replace("{n}", boxes.length) : "";
  }

  function place(el, stage, x, y, w, h) {
    el.style.left = (x * 100) + "%";
    el.style.top = (y * 100) + "%";
    el.style.width = (w * 100) + "%";
    el.style.height = (h * 100) + "%";
  }

  Array.prototype.forEach.call(document.querySelectorAll(".mask-page"), function (pageEl) {
    var page = parseInt(pageEl.getAttribute("data-page"), 10);
    var stage = pageEl.querySelector(".mask-stage");
    var start = null, current = null;

    function point(event) {
      var r = stage.getBoundingClientRect();
      return {
        x: Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1),
        y: Math.min(Math.max((event.clientY - r.top) / r.height, 0), 1)
      };
    }

    stage.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      start = point(event);
      current = document.createElement("div");
      current.className = "mask-box";
      stage.appendChild(current);
      place(current, stage, start.x, start.y, 0, 0);
      stage.setPointerCapture(event.pointerId);
    });
    stage.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var p = point(event);
      place(current, stage, Math.min(start.x, p.x), Math.min(start.y, p.y), Math.abs(p.x - start.x), Math.abs(p.y - start.y));
    });
    stage.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var p = point(event);
      var box = { page: page, x: Math.min(start.x, p.x), y: Math.min(start.y, p.y),
                  w: Math.abs(p.x - start.x), h: Math.abs(p.y - start.y), el: current };
      start = null;
      if (box.w < 0.005 || box.h < 0.005) { current.remove(); current = null; return; }
      boxes.push(box);
      current = null;
      sync();
    });
  });

  document.getElementById("mask-undo").addEventListener("click", function () {
    var box = boxes.pop();
    if (box) { box.el.remove(); }
    sync();
  });
  sync();
}());

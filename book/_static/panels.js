// The kernel-free panels of the static site (lecture_code/frames.py writes their HTML).
// Each panel holds a grid of precomputed frames, one per combination of its controls'
// values (the last control varies fastest); moving a control shows the frame of the new
// combination, which the browser loads only then. A frame that could not be computed
// is a message instead of an image.
(function () {
  "use strict";

  function setUp(panel) {
    var data = JSON.parse(panel.querySelector(".lc-frames").textContent);
    var controls = Array.prototype.slice.call(panel.querySelectorAll(".lc-control"));
    var image = panel.querySelector(".lc-frame");
    var message = panel.querySelector(".lc-message");

    function index(control) {
      var range = control.querySelector(".lc-range");
      if (range) return +range.value;
      var pressed = control.querySelector('[aria-pressed="true"]');
      return pressed ? +pressed.dataset.index : 0;
    }

    function show() {
      var flat = 0;
      controls.forEach(function (control, axis) {
        flat = flat * data.sizes[axis] + index(control);
      });
      var frame = data.frames[flat];
      if (frame[0]) {
        image.src = frame[0];
        image.hidden = false;
        message.textContent = "";
      } else {
        image.hidden = true;
        message.textContent = frame[1];
      }
    }

    controls.forEach(function (control) {
      var range = control.querySelector(".lc-range");
      if (range) {
        var values = JSON.parse(range.dataset.values);
        var output = control.querySelector(".lc-value");
        range.addEventListener("input", function () {
          output.textContent = values[+range.value];
          range.setAttribute("aria-valuetext", values[+range.value]);
          show();
        });
        return;
      }
      control.querySelectorAll(".lc-option").forEach(function (button) {
        button.addEventListener("click", function () {
          control.querySelectorAll(".lc-option").forEach(function (other) {
            other.setAttribute("aria-pressed", other === button ? "true" : "false");
          });
          show();
        });
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-lc-panel]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

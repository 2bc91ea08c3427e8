/* gdanim explorer, the reader's hands: the learning-rate slider (log scale) and its
   box, the start's boxes and the drag on the landscape, Play/Step/Reset, the menus, and
   the questions' answer buttons. Methods of the explorer (static/explorer.js mixes
   them in); every handler runs through guard(), so a failure is a note, never a
   console error. */
(function () {
  "use strict";

  var X = window.GDExplorer;
  if (!X) return;           // static/explorer.js says the parts did not load
  var exact = X.exact, sig = X.sig, all = X.all, surfaces = X.surfaces, questionSet = X.questionSet;
  var SLIDER_STEPS = 200;                      // positions of the learning-rate slider
  var methods = {};
  methods.lrRange = function () {
    return this.ownData ? this.ownData.lrRange : this.data.lr_range;
  };

  methods.rateAt = function (position) {
    var r = this.lrRange(), lo = Math.log10(r[0]), hi = Math.log10(r[1]);
    return sig(Math.pow(10, lo + (hi - lo) * position / SLIDER_STEPS), 3);
  };

  methods.positionOf = function (lr) {
    var r = this.lrRange(), lo = Math.log10(r[0]), hi = Math.log10(r[1]);
    var t = (Math.log10(lr) - lo) / (hi - lo) * SLIDER_STEPS;
    return Math.max(0, Math.min(SLIDER_STEPS, Math.round(t)));
  };

  // --- wiring ----------------------------------------------------------------------------

  methods.bind = function () {
    var self = this;
    function on(node, type, fn) {
      if (node) node.addEventListener(type, function (event) { self.guard(fn, event); });
    }
    // While a slider moves ("input") only the drawing follows; the address is written
    // once it stops ("change", which the keyboard fires at every step too). Writing the
    // address makes the browser fetch the page's icon again, so writing it at every
    // step of a drag costs more than the run and the drawing together.
    this.rate.max = SLIDER_STEPS;
    on(this.rate, "input", function () {
      self.state.lr = self.rateAt(+self.rate.value); self.clearNote(); self.render();
    });
    on(this.rate, "change", function () { self.writeHash(); });
    on(this.rateBox, "change", function () {
      var v = parseFloat(self.rateBox.value);
      if (isFinite(v) && v > 0) { self.state.lr = self.written = v; self.clearNote(); }
      else self.say("The learning rate must be a number above 0; it stays " + exact(self.state.lr) + ".");
      self.changed();
    });
    this.epoch.max = this.limit;
    on(this.epoch, "input", function () {
      self.halt(); self.state.epoch = +self.epoch.value; self.render();
    });
    on(this.epoch, "change", function () { self.writeHash(); });
    this.startInputs.forEach(function (input) {
      on(input, "change", function () {
        var k = +input.getAttribute("data-param"), v = parseFloat(input.value);
        var wanted = self.state.start.slice();
        if (isFinite(v)) wanted[k] = v;
        else self.say("The start's " + self.data.params[k] + " must be a number.");
        self.setStart(wanted, true);
      });
    });
    on(this.optimizer, "change", function () { self.state.optimizer = self.optimizer.value; self.changed(); });
    [["beta", this.beta, 0.9999], ["beta2", this.beta2, 0.99999]].forEach(function (b) {
      on(b[1], "change", function () {
        var v = parseFloat(b[1].value);
        if (isFinite(v) && v >= 0 && v <= b[2]) self.state[b[0]] = v;
        else self.say("β must be a number from 0 to " + b[2] + "; it stays " + self.state[b[0]] + ".");
        self.changed();
      });
    });
    on(this.surfaceMenu, "change", function () {
      self.state.surface = self.surfaceMenu.value;
      self.state.start = self.surface().start.slice();
      self.state.epoch = self.limit;
      self.epoch.max = self.limit;
      self.mapPanels();
      self.changed();
    });
    on(this.playButton, "click", function () { if (self.timer) self.halt(); else self.play(); });
    on(this.section.querySelector("[data-action=step]"), "click", function () {
      self.halt();
      if (self.state.epoch < self.limit) { self.state.epoch += 1; self.changed(); }
    });
    on(this.section.querySelector("[data-action=reset]"), "click", function () {
      self.halt();
      var surface = self.state.surface;
      self.state = self.own();
      if (self.ownData) self.state.start = self.ownData.surface.start.slice();
      else if (surface && surfaces(self.data).length > 1) {
        self.state.surface = surface; self.state.start = self.surface().start.slice();
      }
      self.clearNote();
      self.changed();
    });
    this.bindDrag();
    window.addEventListener("hashchange", function () {
      self.guard(function () { self.fromHash(window.location.hash); self.render(); });
    });
    all(this.section, "details.question").forEach(function (q) { self.question(q); });
  };

  // Whatever goes wrong in a handler becomes a note, never a console error.
  methods.guard = function (fn, event) {
    try { fn(event); } catch (e) {
      this.say("Something went wrong in the explorer (" + (e && e.message || e) + "). Reset puts it back.");
    }
  };

  // The start: a tap or click on the landscape puts it there; the mouse (or a finger on
  // the start point itself) drags it. The number boxes do the same from the keyboard.
  methods.bindDrag = function () {
    var self = this, land = this.panels.landscape, dragging = null, moved = false;
    function at(event) {
      var rect = land.svg.getBoundingClientRect();
      var px = (event.clientX - rect.left) * land.width / rect.width;
      var py = (event.clientY - rect.top) * land.height / rect.height;
      var v = land.map.inverse(px, py);
      return self.data.kind === "1d" ? [v[0]] : v;
    }
    land.div.addEventListener("pointerdown", function (event) {
      var onHandle = event.target && event.target.getAttribute &&
        event.target.getAttribute("data-handle") === "start";
      if (event.pointerType !== "mouse" && !onHandle) return;   // a finger elsewhere scrolls
      if (event.button !== 0) return;
      event.preventDefault();
      self.halt();
      dragging = event.pointerId; moved = false;
      try { land.div.setPointerCapture(event.pointerId); } catch (e) { /* not capturable */ }
      self.guard(function () { self.setStart(at(event), false, true); });
    });
    land.div.addEventListener("pointermove", function (event) {
      if (dragging !== event.pointerId) return;
      moved = true;
      self.guard(function () { self.setStart(at(event), false, true); });
    });
    function end(event) {
      if (dragging !== event.pointerId) return;
      dragging = null;
      self.guard(function () { self.writeHash(); });
    }
    land.div.addEventListener("pointerup", end);
    land.div.addEventListener("pointercancel", end);
    land.div.addEventListener("click", function (event) {
      if (event.pointerType === "mouse" || moved || dragging !== null) return;
      if (event.detail === 0) return;
      self.guard(function () { self.setStart(at(event), true, true); });
    });
  };

  // A question becomes buttons: answering opens the answer and sets the explorer to it.
  methods.question = function (details) {
    var self = this, right = +details.getAttribute("data-right");
    var answer = details.querySelector(".answer");
    var items = all(details, ".choices li");
    answer.hidden = true;
    items.forEach(function (li, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = li.textContent;
      li.textContent = "";
      li.appendChild(b);
      b.addEventListener("click", function () {
        items.forEach(function (other, j) {
          other.querySelector("button").setAttribute("aria-pressed", j === k ? "true" : "false");
          other.className = j === right ? "right" : (j === k ? "wrong" : "");
        });
        answer.hidden = false;
        self.guard(function () {
          self.halt();
          self.leaveOwnData();
          self.state = self.own();
          self.apply(questionSet(self.data, JSON.parse(details.getAttribute("data-set"))), []);
          self.clearNote();
          self.changed();
        });
      });
    });
  };

  X.controls = methods;
})();

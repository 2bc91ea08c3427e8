/* gdanim explorer. Each <section class="explorer"> carries its chapter's problem in a
   JSON <script> (the data's sums, or the data itself for the bumpy network). The page's
   engine (static/engine.js, window.GDEngine) runs the chosen setting, any learning rate,
   start, optimizer and β, as the lesson's code runs it; this script is the controls,
   the drawing on the three still pictures (whose axes sit where `panels` says) and the
   address. Every verdict word is the engine's.

   The view lives in the address's hash, so a link reproduces it exactly:
   #lr=0.0123&start=-2,0.5&epoch=40 (optimizers: &surface=valley&optimizer=adam&beta=0.9
   &beta2=0.999). A value the explorer cannot take is clamped or left out, and a note
   names the key. Nothing moves by itself: Play is the reader's. Works from file://. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PATH_COLOUR = "#D55E00", POINT_EDGE = "#ffffff";
  var SLIDER_STEPS = 200;                      // positions of the learning-rate slider
  var OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"];
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)")
                                       : {matches: false};

  // Numbers as the pages print them: up to 5 significant digits, a true minus sign.
  function number(x) {
    if (x === null || x === undefined || !isFinite(x)) return "too large for float32";
    var text;
    if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) text = x.toExponential(3);
    else text = x.toLocaleString("en-US", {maximumSignificantDigits: 5, useGrouping: true});
    return text.replace(/-/g, "\u2212");
  }

  // A setting as the reader chose it: every digit (the address keeps them all).
  function exact(x) { return String(x).replace(/-/g, "\u2212"); }

  // A rate in words: six significant digits at most (a slider's 10^(-1/3) is
  // 0.46415888336127775); the address keeps every digit.
  function rateText(x) { return exact(sig(x, 6)); }

  function whole(n) { return n.toLocaleString("en-US"); }

  function sig(x, digits) { return x === 0 ? 0 : +x.toPrecision(digits); }

  function decode(text) {
    try { return decodeURIComponent(text.replace(/\+/g, " ")); } catch (e) { return null; }
  }

  function scale(kind, v) { return kind === "log" ? Math.log10(v) : v; }

  // Data -> pixels in a picture of size w x h whose axes sit at `p.rect`.
  function mapper(p, w, h) {
    var x0 = scale(p.xscale, p.xlim[0]), x1 = scale(p.xscale, p.xlim[1]);
    var y0 = scale(p.yscale, p.ylim[0]), y1 = scale(p.yscale, p.ylim[1]);
    var r = p.rect;
    return {
      x: function (v) { return (r[0] + r[2] * (scale(p.xscale, v) - x0) / (x1 - x0)) * w; },
      y: function (v) { return (1 - (r[1] + r[3] * (scale(p.yscale, v) - y0) / (y1 - y0))) * h; },
      inverse: function (px, py) {
        var tx = (px / w - r[0]) / r[2], ty = (1 - py / h - r[1]) / r[3];
        var vx = x0 + tx * (x1 - x0), vy = y0 + ty * (y1 - y0);
        return [p.xscale === "log" ? Math.pow(10, vx) : vx,
                p.yscale === "log" ? Math.pow(10, vy) : vy];
      },
      box: [r[0] * w, (1 - r[1] - r[3]) * h, r[2] * w, r[3] * h]
    };
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // --- the page data: checked before use, so damage shows as a message ----------------

  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function isNums(v, n) {
    return Array.isArray(v) && (n === undefined || v.length === n) && v.every(isNum);
  }

  function checkPanel(p, name, problems) {
    if (!p || !isNums(p.rect, 4) || !isNums(p.xlim, 2) || !isNums(p.ylim, 2) ||
        p.xlim[0] === p.xlim[1] || p.ylim[0] === p.ylim[1]) {
      problems.push("panels." + name);
    }
  }

  // The surfaces a page offers (the optimizers page: a round bowl and a narrow valley;
  // every other page: one), each with its problem, pictures' axes, threshold and view.
  function surfaces(d) {
    return Array.isArray(d.surfaces) ? d.surfaces : [d];
  }

  // The page data as the build writes it: older builds named the chapter's own setting
  // by its place in a grid (own.rate, own.start), and kept a list of epochs.
  function normalise(d) {
    if (!d || typeof d !== "object") return;
    if (Array.isArray(d.epochs)) { d.kept = d.epochs; d.epochs = d.epochs[d.epochs.length - 1]; }
    d.own = d.own || {};
    if (d.own.lr === undefined && Array.isArray(d.rates)) d.own.lr = d.rates[d.own.rate];
    if (d.lr_range === undefined && Array.isArray(d.rates)) d.lr_range = [d.rates[0], d.rates[d.rates.length - 1]];
    if (d.start === undefined && Array.isArray(d.starts)) d.start = d.starts[d.own.start] || d.starts[0];
  }

  function questionSet(d, set) {
    if (set.rate !== undefined && Array.isArray(d.rates)) {
      set.lr = d.rates[set.rate]; delete set.rate;
      if (typeof set.start === "number" && Array.isArray(d.starts)) set.start = d.starts[set.start];
      if (d.kept && set.epoch !== undefined) set.epoch = d.kept[set.epoch];
      if (set.variant !== undefined && d.variants) {
        var v = d.variants[set.variant];
        set.optimizer = v.optimizer; if (v.beta !== null) set.beta = v.beta;
        delete set.variant;
      }
    }
    return set;
  }

  function check(d, problems) {
    if (!d || typeof d !== "object") { problems.push("the whole"); return; }
    if (!Array.isArray(d.params) || !d.params.length) problems.push("params");
    if (!(isNum(d.epochs) && d.epochs >= 1 && d.epochs % 1 === 0)) problems.push("epochs");
    if (!d.own || !isNum(d.own.lr) || d.own.lr <= 0) problems.push("own.lr");
    if (!d.lr_range || !isNums(d.lr_range, 2) || !(d.lr_range[0] > 0 && d.lr_range[1] > d.lr_range[0])) {
      problems.push("lr_range");
    }
    surfaces(d).forEach(function (s, i) {
      var where = Array.isArray(d.surfaces) ? "surfaces[" + i + "]." : "";
      if (!s.problem || typeof s.problem !== "object") problems.push(where + "problem");
      if (!s.panels) { problems.push(where + "panels"); return; }
      ["landscape", "data", "loss"].forEach(function (n) { checkPanel(s.panels[n], where + n, problems); });
        if (!isNums(s.start, d.params.length)) problems.push(where + "start");
      if (s.epochs !== undefined && !(isNum(s.epochs) && s.epochs >= 1 && s.epochs % 1 === 0)) problems.push(where + "epochs");
    });
  }

  // --- one explorer --------------------------------------------------------------------

  function Explorer(section) {
    this.section = section;
    var problems = [], d = null;
    try { d = JSON.parse(section.querySelector("script.explorer-data").textContent); }
    catch (e) { problems.push("it is not readable JSON"); }
    if (d) { normalise(d); check(d, problems); }
    if (!window.GDEngine || typeof window.GDEngine.run !== "function") {
      problems.push("the engine script (static/engine.js) did not load");
    }
    if (problems.length) throw new Broken(problems);
    this.data = d;
    this.find();
    this.state = this.own();
    this.timer = null;
    this.cache = null;
    this.pending = false;
    this.ownData = null;
    this.layoutPanels();
    this.controls.hidden = false;
    this.bind();
    this.fromHash(window.location.hash);
    this.render();
    this.warmUp();
  }

  // While the page is idle after loading, a few short runs of each optimizer on each
  // surface, thrown away: the browser compiles the engine's loop then, not during the
  // reader's first change (which otherwise took 40-50 ms on the 3,000-epoch valley with
  // the CPU slowed 4x, against 3-10 ms once compiled). Each run is well under a frame.
  Explorer.prototype.warmUp = function () {
    var self = this, jobs = [], later = window.requestIdleCallback ||
      function (fn) { return window.setTimeout(fn, 100); };
    var names = this.optimizer ? all(this.optimizer, "option").map(function (o) { return o.value; })
                               : [this.state.optimizer || "gd"];
    surfaces(this.data).forEach(function (surface) {
      names.forEach(function (name) { for (var i = 0; i < 4; i++) jobs.push([surface, name]); });
    });
    function next(deadline) {
      var s = self.state;
      do {
        var job = jobs.shift();
        if (!job) return;
        try {
          window.GDEngine.run(job[0].problem, {optimizer: job[1], lr: s.lr, beta1: s.beta,
                                                beta2: s.beta2, start: s.start.slice(), epochs: 250});
        } catch (e) { return; }   // only a warm-up: the real runs report their own problems
      } while (deadline && deadline.timeRemaining && deadline.timeRemaining() > 5);
      later(next);
    }
    later(next);
  };

  function Broken(problems) { this.problems = problems; }

  Explorer.prototype.find = function () {
    var q = this.section.querySelector.bind(this.section);
    this.controls = q(".explorer-controls");
    this.rate = q("#explore-rate");
    this.rateBox = q("#explore-rate-box");
    this.epoch = q("#explore-epoch");
    this.epochOut = q("#explore-epoch-value");
    this.startInputs = all(this.section, "input[data-param]");
    this.readout = q(".explorer-readout");
    this.note = q(".explorer-note");
    this.playButton = q("[data-action=play]");
    this.optimizer = q("#explore-optimizer");
    this.beta = q("#explore-beta");
    this.beta2 = q("#explore-beta2");
    this.surfaceMenu = q("#explore-surface");
  };

  Explorer.prototype.own = function () {
    var d = this.data, o = d.own, st = this.ownState(d, o), saved = this.state;
    this.state = st;                        // the limit of the state's own surface
    st.epoch = isNum(o.epoch) ? Math.min(o.epoch, this.limit) : this.limit;
    this.state = saved;
    return st;
  };

  Explorer.prototype.ownState = function (d, o) {
    return {surface: o.surface || (Array.isArray(d.surfaces) ? d.surfaces[0].name : null),
            optimizer: o.optimizer || "gd", lr: o.lr,
            beta: isNum(o.beta) ? o.beta : 0.9, beta2: isNum(o.beta2) ? o.beta2 : 0.999,
            start: surfaces(d)[0].start.slice(), epoch: null};
  };

  // The last epoch: the surface's own (the bowl races 400, the valley 3,000), else the page's.
  Object.defineProperty(Explorer.prototype, "limit", {get: function () {
    var s = this.surface();
    return s.epochs !== undefined && s !== this.data ? s.epochs : this.data.epochs;
  }});

  Explorer.prototype.surface = function () {
    var list = surfaces(this.data), s = this.state;
    if (this.ownData) return this.ownData.surface;
    for (var i = 0; i < list.length; i++) if (list[i].name === s.surface) return list[i];
    return list[0];
  };

  // The overlay of each picture: a clip to its axes, and the mapping from data.
  Explorer.prototype.layoutPanels = function () {
    var self = this;
    this.panels = {};
    all(this.section, ".explorer-panel").forEach(function (div) {
      var svg = div.querySelector("svg.overlay"), name = div.getAttribute("data-panel");
      var box = svg.viewBox.baseVal, clip = "explore-clip-" + name;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var back = el("g", {"class": "own-axes"}, svg);
      var cp = el("clipPath", {id: clip}, el("defs", {}, svg));
      var rect = el("rect", {}, cp);
      var g = el("g", {"clip-path": "url(#" + clip + ")"}, svg);
      self.panels[name] = {div: div, svg: svg, back: back, g: g, clip: rect,
                           width: box.width, height: box.height};
    });
    this.mapPanels();
  };

  Explorer.prototype.mapPanels = function () {
    var surface = this.surface(), P = this.panels;
    for (var name in P) {
      var p = P[name], map = mapper(surface.panels[name], p.width, p.height);
      p.map = map;
      p.clip.setAttribute("x", map.box[0]); p.clip.setAttribute("y", map.box[1]);
      p.clip.setAttribute("width", map.box[2]); p.clip.setAttribute("height", map.box[3]);
    }
    var self = this;
    all(this.section, ".explorer-panel img[data-surface]").forEach(function (img) {
      if (!self.ownData) img.hidden = img.getAttribute("data-surface") !== surface.name;
    });
  };

  // --- the learning rate: a log slider over the page's range, and a number box --------

  Explorer.prototype.lrRange = function () {
    return this.ownData ? this.ownData.lrRange : this.data.lr_range;
  };

  Explorer.prototype.rateAt = function (position) {
    var r = this.lrRange(), lo = Math.log10(r[0]), hi = Math.log10(r[1]);
    return sig(Math.pow(10, lo + (hi - lo) * position / SLIDER_STEPS), 3);
  };

  Explorer.prototype.positionOf = function (lr) {
    var r = this.lrRange(), lo = Math.log10(r[0]), hi = Math.log10(r[1]);
    var t = (Math.log10(lr) - lo) / (hi - lo) * SLIDER_STEPS;
    return Math.max(0, Math.min(SLIDER_STEPS, Math.round(t)));
  };

  // --- wiring ----------------------------------------------------------------------------

  Explorer.prototype.bind = function () {
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
  Explorer.prototype.guard = function (fn, event) {
    try { fn(event); } catch (e) {
      this.say("Something went wrong in the explorer (" + (e && e.message || e) + "). Reset puts it back.");
    }
  };

  // The start: a tap or click on the landscape puts it there; the mouse (or a finger on
  // the start point itself) drags it. The number boxes do the same from the keyboard.
  Explorer.prototype.bindDrag = function () {
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
  Explorer.prototype.question = function (details) {
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

  // --- settings in, with a note naming whatever had to change --------------------------

  Explorer.prototype.view = function () {
    var p = this.surface().panels.landscape;
    return this.data.kind === "1d" ? [p.xlim] : [p.xlim, p.ylim];
  };

  // The start, kept inside the picture and rounded to what the picture can show.
  Explorer.prototype.clampStart = function (wanted) {
    var view = this.view(), clamped = false;
    var start = wanted.map(function (v, k) {
      var lo = Math.min(view[k][0], view[k][1]), hi = Math.max(view[k][0], view[k][1]);
      var c = Math.max(lo, Math.min(hi, v));
      if (c !== v) clamped = true;
      return c;
    });
    return {start: start, clamped: clamped};
  };

  Explorer.prototype.setStart = function (wanted, write, round) {
    var view = this.view(), got = this.clampStart(wanted);
    this.state.start = got.start.map(function (v, k) {
      if (!round) return v;
      var step = Math.pow(10, Math.floor(Math.log10(Math.abs(view[k][1] - view[k][0]) / 500)));
      return +(Math.round(v / step) * step).toFixed(12);
    });
    if (got.clamped) {
      this.say("The start must lie in the picture (" + this.data.params.map(function (n, k) {
        return n + " " + number(view[k][0]) + " to " + number(view[k][1]);
      }).join(", ") + "); it is now " + this.state.start.map(number).join(", ") + ".");
    }
    if (write) this.changed(); else this.schedule();
  };

  // Values from a link or a question: each key checked; `notes` gets what was changed.
  Explorer.prototype.apply = function (set, notes) {
    var d = this.data, s = this.state, self = this, names = surfaces(d).map(function (x) { return x.name; });
    function num(key, text) {
      var v = typeof text === "number" ? text : (/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? +text : NaN);
      if (!isFinite(v)) { notes.push(key + " (\u201c" + text + "\u201d is not a number): left out"); return null; }
      return v;
    }
    if (set.surface !== undefined) {
      if (names.length > 1 && names.indexOf(set.surface) >= 0) {
        s.surface = set.surface; s.start = this.surface().start.slice(); s.epoch = this.limit;
      }
      else notes.push("surface (\u201c" + set.surface + "\u201d is not one of " + (names.length > 1 ? names.join(", ") : "this page's") + "): left out");
    }
    if (set.optimizer !== undefined) {
      if (this.optimizer && OPTIMIZERS.indexOf(set.optimizer) >= 0) s.optimizer = set.optimizer;
      else notes.push("optimizer (\u201c" + set.optimizer + "\u201d " + (this.optimizer ?
        "is not one of " + OPTIMIZERS.join(", ") : "has no choice on this page") + "): left out");
    }
    if (set.lr !== undefined) {
      var lr = num("lr", set.lr);
      if (lr !== null && lr <= 0) notes.push("lr (" + set.lr + " is not above 0): left out");
      else if (lr !== null) s.lr = lr;
    }
    [["beta", 0.9999], ["beta2", 0.99999]].forEach(function (b) {
      if (set[b[0]] === undefined) return;
      if (!self.beta) { notes.push(b[0] + " (this page has no β): left out"); return; }
      var v = num(b[0], set[b[0]]);
      if (v === null) return;
      var c = Math.max(0, Math.min(b[1], v));
      if (c !== v) notes.push(b[0] + " (" + set[b[0]] + " is outside 0 to " + b[1] + "): set to " + c);
      s[b[0]] = c;
    });
    if (set.start !== undefined) {
      var parts = Array.isArray(set.start) ? set.start : String(set.start).split(",");
      var values = parts.map(function (t) { return num("start", t); });
      if (parts.length !== d.params.length) {
        notes.push("start (" + parts.length + " value" + (parts.length === 1 ? "" : "s") + " for " +
                   d.params.length + " parameter" + (d.params.length === 1 ? "" : "s") + "): left out");
      } else if (values.every(function (v) { return v !== null; })) {
        var got = this.clampStart(values);
        if (got.clamped) notes.push("start (" + parts.join(", ") + " lies outside the picture): set to " +
                                    got.start.map(exact).join(", "));
        s.start = got.start;
      }
    }
    if (set.epoch !== undefined) {
      var e = num("epoch", set.epoch);
      if (e !== null) {
        var c = Math.max(0, Math.min(this.limit, Math.round(e)));
        if (c !== e) notes.push("epoch (" + set.epoch + (e % 1 ? " is not a whole number" :
          " is outside 0 to " + whole(this.limit)) + "): set to " + whole(c));
        s.epoch = c;
      }
    }
  };

  var KEYS = ["surface", "optimizer", "lr", "beta", "beta2", "start", "epoch"];

  // #key=value&...: a hash without any "=" is a plain anchor (#explore) and says nothing.
  Explorer.prototype.fromHash = function (hash) {
    var text = String(hash || "").replace(/^#/, "");
    if (text.indexOf("=") < 0) {               // an anchor: said only when unreadable
      if (decode(text) === null) this.say("From the link: the anchor after # is not readable text: left out.");
      return;
    }
    var set = {}, notes = [];
    text.split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("="), rawKey = i < 0 ? part : part.slice(0, i);
      var key = decode(rawKey), value = i < 0 ? "" : decode(part.slice(i + 1));
      if (key === null) { notes.push("a key that is not readable text (" + rawKey.slice(0, 20) + "): left out"); return; }
      if (KEYS.indexOf(key) < 0) { notes.push(key.slice(0, 20) + " (not a setting here): left out"); return; }
      if (value === null) { notes.push(key + " (its value is not readable text): left out"); return; }
      set[key] = value;
    });
    this.halt();
    this.leaveOwnData();
    this.state = this.own();
    this.apply(set, notes);
    if (set.lr !== undefined && this.state.lr !== this.data.own.lr) this.written = this.state.lr;
    this.mapPanels();
    if (notes.length) this.say("From the link: " + notes.join("; ") + ".");
    else this.clearNote();
    this.writeHash();
  };

  Explorer.prototype.writeHash = function () {
    var s = this.state;
    if (this.ownData) return;      // the reader's own data stays in the page
    var parts = [];
    if (this.surfaceMenu) parts.push("surface=" + s.surface);
    if (this.optimizer) {
      parts.push("optimizer=" + s.optimizer);
      if (s.optimizer !== "gd") parts.push("beta=" + s.beta);
      if (s.optimizer === "adam") parts.push("beta2=" + s.beta2);
    }
    parts.push("lr=" + s.lr, "start=" + s.start.join(","), "epoch=" + s.epoch);
    var hash = "#" + parts.join("&");
    if (window.location.hash !== hash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash); } catch (e) { /* file:// in some browsers */ }
    }
  };

  Explorer.prototype.say = function (text) { this.note.textContent = text; };
  Explorer.prototype.clearNote = function () { this.note.textContent = ""; };

  // --- time -------------------------------------------------------------------------

  // Play: one epoch a tick while the run changes fast, then a little more each tick, so
  // any run plays through in 5 to 15 seconds.
  Explorer.prototype.play = function () {
    var self = this;
    if (this.state.epoch >= this.limit) this.state.epoch = 0;
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.timer = window.setInterval(function () {
      self.guard(function () {
        var e = self.state.epoch;
        if (e >= self.limit) { self.halt(); self.writeHash(); self.render(); return; }
        self.state.epoch = Math.min(self.limit, Math.max(e + 1, Math.round(e * 1.05)));
        self.render(true);
      });
    }, reduceMotion.matches ? 250 : 100);
    this.render(true);
  };

  Explorer.prototype.halt = function () {
    if (!this.timer) return;
    window.clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = "Play";
    this.playButton.setAttribute("aria-pressed", "false");
    this.readout.setAttribute("aria-busy", "false");
  };

  Explorer.prototype.changed = function () {
    this.writeHash();
    this.render();
  };

  // Several changes within one frame (a drag) draw once.
  Explorer.prototype.schedule = function () {
    var self = this;
    if (this.pending) return;
    this.pending = true;
    (window.requestAnimationFrame || window.setTimeout)(function () {
      self.pending = false;
      self.guard(function () { self.render(); });
    });
  };

  // --- the run and the drawing -----------------------------------------------------------

  Explorer.prototype.run = function () {
    var s = this.state, surface = this.surface();
    var key = [surface.name, s.optimizer, s.lr, s.beta, s.beta2, s.start.join(","),
               this.ownData ? this.ownData.key : ""].join("|");
    if (this.cache && this.cache.key === key) return this.cache.run;
    var run = window.GDEngine.run(surface.problem, {
      optimizer: s.optimizer, lr: s.lr, beta1: s.beta, beta2: s.beta2,
      start: s.start.slice(), epochs: this.limit});
    this.cache = {key: key, run: run};
    return run;
  };

  Explorer.prototype.render = function (playing) {
    var d = this.data, s = this.state, run = this.run(), k = s.epoch;
    this.sync();
    var p = run.params[k], loss = run.loss[k];
    var parts = ["Epoch " + whole(k)];
    d.params.forEach(function (name, i) {
      parts.push(name + " " + (p && isFinite(p[i]) ? number(p[i]) : "too large for float32"));
    });
    parts.push("loss " + number(loss));
    var who = this.optimizer ? this.optimizerName() + ". " : "";
    var verdict = run.verdict && (run.verdict.text || run.verdict.word) || String(run.verdict);
    this.readout.setAttribute("aria-busy", playing && k < this.limit ? "true" : "false");
    this.readout.textContent = who + parts.join(" \u00b7 ") + ". At \u03b7 = " + rateText(s.lr) +
      " from " + s.start.map(number).join(", ") + " the run " + verdict + ".";
    this.section.setAttribute("data-epoch", k);
    this.section.setAttribute("data-verdict", run.verdict && run.verdict.kind || "");
    this.draw(run, k);
    this.publish(run, k);
  };

  // The run on show, for the page's exercises (static/exercises.js) and for tests: the
  // section carries data-state-* attributes (rate, start, epoch, optimizer, beta, beta2,
  // surface, verdict, arrived-at, diverged-at, final, says; lists joined by commas, none
  // as "", never as -1) and fires "gdanim:explorer-state" with the same fields
  // (underscores) in event.detail. Every value is the engine's, as the readout shows it.
  Explorer.prototype.publish = function (run, k) {
    var s = this.state, v = run.verdict || {}, opt = s.optimizer || "gd";
    var state = {
      rate: s.lr, start: s.start, epoch: k, optimizer: opt,
      beta: opt === "gd" ? null : s.beta, beta2: opt === "adam" ? s.beta2 : null,
      surface: this.surface().name || "", verdict: v.kind || "",
      arrived_at: isNum(v.arrived) ? v.arrived : -1,
      diverged_at: v.kind === "diverges" && isNum(v.epoch) ? v.epoch : -1,
      final: run.params[run.params.length - 1], says: v.text || ""
    };
    for (var key in state) {
      var value = state[key];
      this.section.setAttribute("data-state-" + key.replace(/_/g, "-"),
        value === null || value === undefined ? "" :
          (value instanceof Array ? value.join(",") : String(value)));
    }
    var event;
    try { event = new CustomEvent("gdanim:explorer-state", {detail: state, bubbles: true}); }
    catch (e) { return; }   // very old browsers: the attributes are enough
    this.section.dispatchEvent(event);
  };

  Explorer.prototype.optimizerName = function () {
    var s = this.state, label = this.optimizer.options[this.optimizer.selectedIndex].text;
    if (s.optimizer === "gd") return label;
    if (s.optimizer === "adam") return label + " (\u03b21 = " + s.beta + ", \u03b22 = " + s.beta2 + ")";
    return label + " (" + (s.optimizer === "momentum" ? "\u03b2" : "decay \u03b2") + " = " + s.beta + ")";
  };

  // Every control shows the state (except the box the reader is typing in).
  Explorer.prototype.sync = function () {
    var s = this.state, d = this.data, active = document.activeElement, surface = this.surface();
    this.rate.value = this.positionOf(s.lr);
    var threshold = isNum(surface.threshold) && surface.threshold_shown !== false ? surface.threshold : null;
    var where = threshold === null ? "" : s.lr > threshold ? ", past the threshold" :
      s.lr === sig(threshold, 3) ? ", at the threshold" : "";
    this.rate.setAttribute("aria-valuetext", "\u03b7 = " + rateText(s.lr) + where);
    // The box says what the readout says (six digits), unless the reader wrote this very
    // rate, in the box or in a link: then every digit they wrote.
    if (active !== this.rateBox) this.rateBox.value = s.lr === this.written ? s.lr : sig(s.lr, 6);
    var mark = this.section.querySelector(".threshold-mark");
    if (mark) {
      mark.hidden = threshold === null;
      var r = this.lrRange();
      if (threshold !== null) mark.style.setProperty("--at", (Math.log10(threshold / r[0]) /
        Math.log10(r[1] / r[0])).toFixed(4));
    }
    all(this.section, "[data-surface-note]").forEach(function (span) {
      span.hidden = span.getAttribute("data-surface-note") !== String(surface.name || "");
    });
    this.epoch.max = this.limit;
    this.epoch.value = s.epoch;
    this.epochOut.textContent = whole(s.epoch) + " of " + whole(this.limit);
    this.epoch.setAttribute("aria-valuetext", "epoch " + whole(s.epoch) + " of " + whole(this.limit));
    this.startInputs.forEach(function (input, i) {
      if (active !== input) input.value = s.start[i];
    });
    if (this.optimizer) {
      this.optimizer.value = s.optimizer;
      if (active !== this.beta) this.beta.value = s.beta;
      if (active !== this.beta2) this.beta2.value = s.beta2;
      this.beta.closest(".beta").hidden = s.optimizer === "gd";
      this.beta2.closest(".beta").hidden = s.optimizer !== "adam";
      var betaLabel = this.section.querySelector("label[for=explore-beta]");
      betaLabel.textContent = s.optimizer === "rmsprop" ? "decay \u03b2" : s.optimizer === "adam" ? "\u03b21" : "\u03b2";
    }
    if (this.surfaceMenu) this.surfaceMenu.value = s.surface;
  };

  function polyline(points, map, attrs, parent) {
    var chunks = [], current = [];
    points.forEach(function (pt) {
      var x = pt && isFinite(pt[0]) && isFinite(pt[1]) ? map.x(pt[0]) : NaN;
      var y = pt && isFinite(pt[0]) && isFinite(pt[1]) ? map.y(pt[1]) : NaN;
      if (!isFinite(x) || !isFinite(y)) {
        if (current.length) chunks.push(current);
        current = [];
        return;
      }
      // Keep far-off points finite for the browser; the clip path hides them.
      x = Math.max(-1e5, Math.min(1e5, x)); y = Math.max(-1e5, Math.min(1e5, y));
      current.push(x.toFixed(1) + "," + y.toFixed(1));
    });
    if (current.length) chunks.push(current);
    chunks.forEach(function (c) {
      var a = {points: c.join(" "), fill: "none"};
      for (var key in attrs) a[key] = attrs[key];
      el("polyline", a, parent);
    });
  }

  function dot(pt, map, r, fill, parent, extra) {
    if (!pt || !isFinite(pt[0]) || !isFinite(pt[1])) return null;
    var x = map.x(pt[0]), y = map.y(pt[1]);
    if (!isFinite(x) || !isFinite(y) || Math.abs(x) > 1e5 || Math.abs(y) > 1e5) return null;
    var a = {cx: x, cy: y, r: r, fill: fill, stroke: POINT_EDGE, "stroke-width": r / 3};
    for (var key in extra) a[key] = extra[key];
    return el("circle", a, parent);
  }

  // Points on the path: every epoch while they are few, else about 400 spread evenly
  // with the last always in (an SVG of 3,000 points redraws slowly on a phone).
  function kept(k) {
    var every = Math.max(1, Math.ceil(k / 400)), list = [];
    for (var i = 0; i <= k; i += every) list.push(i);
    if (list[list.length - 1] !== k) list.push(k);
    return list;
  }

  Explorer.prototype.draw = function (run, k) {
    var d = this.data, P = this.panels, s = this.state;
    for (var name in P) { var g = P[name].g; while (g.firstChild) g.removeChild(g.firstChild); }
    var unit = P.landscape.width / 600;          // pictures are 600 px wide at web quality
    var land = P.landscape, epochs = kept(k);
    function at(i) {
      var p = run.params[i];
      if (!p) return null;
      return d.kind === "1d" ? [p[0], run.loss[i]] : [p[0], p[1]];
    }
    var pts = epochs.map(at);
    polyline(pts, land.map, {stroke: PATH_COLOUR, "stroke-width": 2.5 * unit,
                             "stroke-linejoin": "round"}, land.g);
    if (epochs.length <= 60) pts.forEach(function (pt, i) { if (i < pts.length - 1) dot(pt, land.map, 2.6 * unit, PATH_COLOUR, land.g); });
    dot(pts[pts.length - 1], land.map, 7 * unit, PATH_COLOUR, land.g);
    // The start: a ring the reader can grab.
    var first = d.kind === "1d" ? [s.start[0], run.loss[0]] : s.start;
    var ring = dot(first, land.map, 9 * unit, "rgba(255,255,255,0.01)", land.g,
                   {stroke: "#1d1f22", "stroke-width": 2 * unit, "data-handle": "start", "class": "start-handle"});
    if (ring) ring.setAttribute("stroke-dasharray", (3 * unit) + " " + (2 * unit));
    // The data: the current fitted line (or the network's curve).
    var dataP = P.data, cur = run.params[k], xl = this.surface().panels.data.xlim;
    if (cur && d.model === "tanh") {
      var curve = [];
      for (var c = 0; c <= 80; c++) {
        var xv = xl[0] + (xl[1] - xl[0]) * c / 80;
        curve.push([xv, cur[1] * Math.tanh(cur[0] * xv)]);
      }
      polyline(curve, dataP.map, {stroke: PATH_COLOUR, "stroke-width": 3 * unit}, dataP.g);
    } else if (cur) {
      var line = d.model === "line" || this.ownData, b = line ? cur[0] : 0, m = line ? cur[1] : cur[0];
      polyline([[xl[0], b + m * xl[0]], [xl[1], b + m * xl[1]]], dataP.map,
               {stroke: PATH_COLOUR, "stroke-width": 3 * unit}, dataP.g);
    }
    // The loss by epoch, at epoch + 1 on the log axis.
    var lossP = P.loss, lpts = epochs.map(function (i) {
      var l = run.loss[i];
      return isFinite(l) ? [i + 1, Math.max(l, 1e-300)] : null;
    });
    polyline(lpts, lossP.map, {stroke: PATH_COLOUR, "stroke-width": 2.5 * unit}, lossP.g);
    dot(lpts[lpts.length - 1], lossP.map, 6 * unit, PATH_COLOUR, lossP.g);
  };

  // The reader's own data (static/owndata.js) replaces the problem and the pictures.
  Explorer.prototype.useOwnData = function (own) {
    this.halt();
    this.ownData = own;
    this.cache = null;
    this.state.start = own.surface.start.slice();
    this.state.epoch = this.limit;
    this.state.lr = own.lr;
    this.mapPanels();
    if (own.drawAxes) own.drawAxes(this.panels);
    this.section.classList.add("own-data-on");
    this.clearNote();
    this.writeHash();
    this.render();
  };

  Explorer.prototype.leaveOwnData = function () {
    if (!this.ownData) return;
    this.ownData = null;
    this.cache = null;
    for (var name in this.panels) {
      var back = this.panels[name].back;
      while (back.firstChild) back.removeChild(back.firstChild);
    }
    this.section.classList.remove("own-data-on");
    this.mapPanels();
  };

  // --- the explorer alone (?present), and start-up ----------------------------------------

  // ?present: the explorer alone, as a slide of the presenter view shows it (in a frame
  // of its own, so the keys pressed here stay here). Esc gives the keys back to it.
  function presentMode() {
    if (!/(^|[?&])present(=|&|$)/.test(window.location.search.slice(1))) return;
    document.documentElement.classList.add("explorer-present");
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || window.parent === window) return;
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      try { window.parent.focus(); } catch (e) { /* nothing to give the keys back to */ }
    });
  }

  // Damaged page data: a plain message where the controls would be; the pictures, the
  // questions (as plain <details>) and the rest of the page go on working.
  function broken(section, problems) {
    var controls = section.querySelector(".explorer-controls");
    if (controls) controls.hidden = true;
    var p = document.createElement("p");
    p.className = "explorer-broken";
    p.setAttribute("role", "status");
    p.textContent = "This explorer cannot run: its page data is damaged (" + problems.join(", ") +
      "). The pictures and the rest of the page still work; rebuilding the site puts it right.";
    section.insertBefore(p, section.querySelector(".explorer-live") || null);
  }

  function init() {
    presentMode();
    all(document, "section.explorer").forEach(function (s) {
      try { s.explorer = new Explorer(s); }
      catch (e) { broken(s, e instanceof Broken ? e.problems : [String(e && e.message || e)]); }
    });
  }
  window.GDExplorer = {number: number, mapper: mapper, el: el};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

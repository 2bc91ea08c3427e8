/* gdanim explorer. Each <section class="explorer"> carries its chapter's problem in a
   JSON <script> (the data's sums, or the data itself for the bumpy network). The page's
   engine (static/engine.js, window.GDEngine) runs the chosen setting, any learning rate,
   start, optimizer and β, as the lesson's code runs it; this script is the controls,
   the drawing on the three still pictures (whose axes sit where `panels` says) and the
   address. Every verdict word is the engine's.

   The view lives in the address's hash, so a link reproduces it exactly:
   #lr=0.0123&start=-2,0.5&epoch=40 (optimizers: &surface=valley&optimizer=adam&beta=0.9
   &beta2=0.999). A value the explorer cannot take is clamped or left out, and a note
   names the key. Nothing moves by itself: Play is the reader's. Works from file://.

   Four scripts, loaded in this order: explorer-parts.js (numbers, pixels, drawing, the
   data's checks), explorer-links.js (settings in, the address out) and
   explorer-controls.js (the reader's hands) hang their parts on window.GDExplorer; this
   one is the explorer itself, and starts it. */
(function () {
  "use strict";

  var X = window.GDExplorer || {};
  var number = X.number, rateText = X.rateText, whole = X.whole, sig = X.sig, isNum = X.isNum;
  var mapper = X.mapper, el = X.el, all = X.all, surfaces = X.surfaces, normalise = X.normalise;
  var check = X.check, polyline = X.polyline, dot = X.dot, kept = X.kept, PATH_COLOUR = X.PATH_COLOUR;
  var SCRIPTS = [["explorer-parts.js", X.check], ["explorer-links.js", X.links],
                 ["explorer-controls.js", X.controls]];
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)")
                                       : {matches: false};

  // --- one explorer --------------------------------------------------------------------

  function Explorer(section) {
    this.section = section;
    var problems = [], d = null;
    try { d = JSON.parse(section.querySelector("script.explorer-data").textContent); }
    catch (e) { problems.push("it is not readable JSON"); }
    var missing = X.check ? SCRIPTS.filter(function (pair) { return !pair[1]; }) : SCRIPTS.slice(0, 1);
    if (missing.length) {
      throw new Broken(missing.map(function (pair) { return "the script static/" + pair[0] + " did not load"; }));
    }
    if (d) { normalise(d); check(d, problems); }
    if (!window.GDEngine || typeof window.GDEngine.run !== "function") {
      problems.push("the engine script (static/engine.js) did not load");
    } else if (!window.GDNumber) {
      problems.push("the script static/numbers.js did not load");
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

  [X.links, X.controls].forEach(function (methods) {
    for (var name in methods || {}) Explorer.prototype[name] = methods[name];
  });

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
      parts.push(name + " " + (p && isFinite(p[i]) ? X.parameter(p[i], p) : "too large for float32"));
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
  // surface, verdict, arrived-at, diverged-at, final, says, back-and-forth (true when it
  // jumps across the bottom, settling or not); lists joined by commas, none
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
      final: run.params[run.params.length - 1], says: v.text || "",
      back_and_forth: v.kind === "oscillates" || !!v.zigzag
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

  Explorer.prototype.draw = function (run, k) {
    var d = this.data, P = this.panels, s = this.state;
    for (var name in P) { var g = P[name].g; while (g.firstChild) g.removeChild(g.firstChild); }
    var unit = P.landscape.width / 600;          // pictures are 600 px wide at web quality
    var land = P.landscape;
    function at(i) {
      var p = run.params[i];
      if (!p) return null;
      return d.kind === "1d" ? [p[0], run.loss[i]] : [p[0], p[1]];
    }
    var epochs = kept(k, function (i) {
      var pt = at(i), x = pt && land.map.x(pt[0]), y = pt && land.map.y(pt[1]);
      return pt && isFinite(x) && isFinite(y) ? [x, y] : null;
    });
    var pts = epochs.map(at);
    polyline(pts, land.map, {stroke: PATH_COLOUR, "stroke-width": 2.5 * unit,
                             "stroke-linejoin": "round"}, land.g);
    if (k <= X.DOTTED) pts.forEach(function (pt, i) { if (i < pts.length - 1) dot(pt, land.map, 2.6 * unit, PATH_COLOUR, land.g); });
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
    var scripts = problems.filter(function (t) { return /did not load$/.test(t); });
    p.textContent = "This explorer cannot run: " + (scripts.length ? scripts.join(", ") :
      "its page data is damaged (" + problems.join(", ") + ")") +
      ". The pictures and the rest of the page still work; rebuilding the site puts it right.";
    section.insertBefore(p, section.querySelector(".explorer-live") || null);
  }

  function init() {
    presentMode();
    // Plain DOM here: without explorer-parts.js there is no `all`, and each section still
    // says what went wrong.
    Array.prototype.forEach.call(document.querySelectorAll("section.explorer"), function (s) {
      try { s.explorer = new Explorer(s); }
      catch (e) { broken(s, e instanceof Broken ? e.problems : [String(e && e.message || e)]); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* gdanim explorer. Each <section class="explorer"> carries, in a JSON <script>, every run
   the build computed over a grid of learning rates and starting points (so it works from
   disk, file://). This script shows the controls, draws the chosen run's path, current
   point, fitted line and loss on the three still pictures (whose axes sit where the data
   says: `panels`), and prints the build's own numbers and verdict.

   The view lives in the address's hash, so a link reproduces it:
   #lr=0.00001&start=1.5&epoch=40 (two parameters: start=-2,0). A setting between two
   computed ones snaps to the nearer. Nothing moves by itself: Play is the reader's. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PATH_COLOUR = "#D55E00", POINT_EDGE = "#ffffff", LINE_COLOUR = "#D55E00";
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

  function rateText(r) {
    // As the page writes rates: a plain decimal (0.00001), never an exponent.
    var digits = Math.max(0, Math.ceil(-Math.log10(r)) + 2);
    return Number(r.toFixed(Math.min(digits, 12))).toFixed(Math.min(digits, 12))
      .replace(/0+$/, "").replace(/\.$/, "");
  }

  function scale(kind, v) {
    return kind === "log" ? Math.log10(v) : v;
  }

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

  function Explorer(section) {
    this.section = section;
    this.data = JSON.parse(section.querySelector("script.explorer-data").textContent);
    this.controls = section.querySelector(".explorer-controls");
    this.rate = section.querySelector("#explore-rate");
    this.epoch = section.querySelector("#explore-epoch");
    this.rateOut = section.querySelector("#explore-rate-value");
    this.epochOut = section.querySelector("#explore-epoch-value");
    this.startInputs = Array.prototype.slice.call(section.querySelectorAll("input[data-param]"));
    this.readout = section.querySelector(".explorer-readout");
    this.snapNote = section.querySelector(".explorer-snap");
    this.playButton = section.querySelector("[data-action=play]");
    this.optimizer = section.querySelector("#explore-optimizer");
    this.beta = section.querySelector("#explore-beta");
    this.state = this.own();
    this.timer = null;
    this.panels = {};
    var self = this;
    Array.prototype.forEach.call(section.querySelectorAll(".explorer-panel"), function (div) {
      var svg = div.querySelector("svg.overlay");
      var box = svg.viewBox.baseVal;
      var name = div.getAttribute("data-panel");
      var map = mapper(self.data.panels[name], box.width, box.height);
      var clip = "explore-clip-" + name;
      var defs = el("defs", {}, svg);
      var cp = el("clipPath", {id: clip}, defs);
      el("rect", {x: map.box[0], y: map.box[1], width: map.box[2], height: map.box[3]}, cp);
      var g = el("g", {"clip-path": "url(#" + clip + ")"}, svg);
      self.panels[name] = {svg: svg, g: g, map: map, width: box.width};
    });
    this.controls.hidden = false;
    this.bind();
    this.fromHash(true);
    this.render(false);
  }

  Explorer.prototype.own = function () {
    return {rate: this.data.own.rate, start: this.data.own.start,
            epoch: this.data.epochs.length - 1, variant: 0};
  };

  // The runs on show: the chapter's, or with several optimizers the chosen one's.
  Explorer.prototype.runs = function () {
    return this.data.variants ? this.data.variants[this.state.variant] : this.data;
  };

  Explorer.prototype.findVariant = function (optimizer, beta) {
    var vs = this.data.variants, best = -1, bestD = Infinity;
    for (var i = 0; i < vs.length; i++) {
      if (vs[i].optimizer !== optimizer) continue;
      var d = (beta === null || vs[i].beta === null) ? (beta === vs[i].beta ? 0 : 1) :
        Math.abs(vs[i].beta - beta);
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  };

  Explorer.prototype.bind = function () {
    var self = this;
    if (this.optimizer) {
      this.optimizer.addEventListener("change", function () {
        var now = self.data.variants[self.state.variant];
        var i = self.findVariant(self.optimizer.value, now.beta);
        if (i >= 0) { self.state.variant = i; self.changed(); }
      });
      this.beta.addEventListener("change", function () {
        var i = self.findVariant(self.optimizer.value, parseFloat(self.beta.value));
        if (i >= 0) { self.state.variant = i; self.changed(); }
      });
    }
    this.rate.addEventListener("input", function () {
      self.state.rate = +self.rate.value; self.snapNote.textContent = ""; self.changed();
    });
    this.epoch.addEventListener("input", function () {
      self.stop(); self.state.epoch = +self.epoch.value; self.changed();
    });
    this.startInputs.forEach(function (input) {
      input.addEventListener("change", function () {
        var wanted = self.startInputs.map(function (i, k) {
          var v = parseFloat(i.value);
          return isFinite(v) ? v : self.data.starts[self.state.start][k];
        });
        self.setStart(wanted);
      });
    });
    var land = this.panels.landscape;
    land.svg.parentNode.addEventListener("click", function (event) {
      var rect = land.svg.getBoundingClientRect();
      var box = land.svg.viewBox.baseVal;
      var px = (event.clientX - rect.left) * box.width / rect.width;
      var py = (event.clientY - rect.top) * box.height / rect.height;
      var value = land.map.inverse(px, py);
      self.setStart(self.data.kind === "1d" ? [value[0]] : value);
    });
    this.section.querySelector("[data-action=play]").addEventListener("click", function () {
      if (self.timer) self.stop(); else self.play();
    });
    this.section.querySelector("[data-action=step]").addEventListener("click", function () {
      self.stop();
      if (self.state.epoch < self.data.epochs.length - 1) { self.state.epoch += 1; self.changed(); }
    });
    this.section.querySelector("[data-action=reset]").addEventListener("click", function () {
      self.stop();
      self.state = self.own();
      self.snapNote.textContent = "";
      self.changed();
    });
    window.addEventListener("hashchange", function () { self.fromHash(false); self.render(false); });
    Array.prototype.forEach.call(this.section.querySelectorAll("details.question"), function (q) {
      self.question(q);
    });
  };

  // A question becomes buttons: answering opens the answer and sets the explorer to it.
  Explorer.prototype.question = function (details) {
    var self = this, right = +details.getAttribute("data-right");
    var list = details.querySelector(".choices");
    var answer = details.querySelector(".answer");
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    answer.hidden = true;
    items.forEach(function (li, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = li.textContent;
      li.textContent = "";
      li.appendChild(b);
      b.addEventListener("click", function () {
        items.forEach(function (other, j) {
          var ob = other.querySelector("button");
          ob.setAttribute("aria-pressed", j === k ? "true" : "false");
          other.className = j === right ? "right" : (j === k ? "wrong" : "");
        });
        answer.hidden = false;
        var set = JSON.parse(details.getAttribute("data-set"));
        self.stop();
        self.state = {rate: set.rate, start: set.start, epoch: set.epoch,
                      variant: set.variant || 0};
        self.snapNote.textContent = "";
        self.changed();
      });
    });
  };

  Explorer.prototype.setStart = function (wanted) {
    var best = 0, bestD = Infinity, starts = this.data.starts;
    var spans = this.data.panels.landscape;
    for (var i = 0; i < starts.length; i++) {
      var d = 0;
      for (var k = 0; k < wanted.length; k++) {
        var lim = k === 0 ? spans.xlim : spans.ylim;
        var span = (lim[1] - lim[0]) || 1;
        d += Math.pow((starts[i][k] - wanted[k]) / span, 2);
      }
      if (d < bestD) { bestD = d; best = i; }
    }
    this.state.start = best;
    var shown = starts[best].map(number).join(", ");
    var asked = wanted.map(number).join(", ");
    this.snapNote.textContent = shown === asked ? "" :
      "You asked for a start at " + asked + "; the nearest computed start is " + shown + ".";
    this.changed();
  };

  Explorer.prototype.play = function () {
    var self = this;
    if (this.state.epoch >= this.data.epochs.length - 1) this.state.epoch = 0;
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.timer = window.setInterval(function () {
      if (self.state.epoch >= self.data.epochs.length - 1) { self.stop(); return; }
      self.state.epoch += 1;
      self.render(true);
    }, reduceMotion.matches ? 600 : 150);
    this.render(true);
  };

  Explorer.prototype.stop = function () {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = "Play";
    this.playButton.setAttribute("aria-pressed", "false");
    this.writeHash();
    this.render(false);
  };

  Explorer.prototype.changed = function () {
    this.writeHash();
    this.render(false);
  };

  Explorer.prototype.writeHash = function () {
    var d = this.data, s = this.state;
    var hash = "#lr=" + rateText(d.rates[s.rate]) + "&start=" +
      d.starts[s.start].map(function (v) { return +v.toPrecision(6); }).join(",") +
      "&epoch=" + d.epochs[s.epoch];
    if (d.variants) {
      var v = d.variants[s.variant];
      hash += "&optimizer=" + v.optimizer + (v.beta === null ? "" : "&beta=" + v.beta);
    }
    if (window.location.hash !== hash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash); } catch (e) { /* file:// in some browsers */ }
    }
  };

  // #lr=...&start=...&epoch=...: each snaps to the nearest computed value.
  Explorer.prototype.fromHash = function (initial) {
    var hash = window.location.hash.replace(/^#/, "");
    if (!/(^|&)(lr|start|epoch|optimizer|beta)=/.test(hash)) return;
    var d = this.data, s = this.state, notes = [], asked = {optimizer: null, beta: null};
    hash.split("&").forEach(function (part) {
      var kv = part.split("="), key = kv[0], value = decodeURIComponent(kv[1] || "");
      if (key === "lr") {
        var r = parseFloat(value);
        if (isFinite(r) && r > 0) {
          var best = 0;
          d.rates.forEach(function (rate, i) {
            if (Math.abs(Math.log(rate / r)) < Math.abs(Math.log(d.rates[best] / r))) best = i;
          });
          s.rate = best;
          if (Math.abs(d.rates[best] / r - 1) > 1e-6) notes.push("η = " + rateText(d.rates[best]) + " (the computed rate nearest " + value + ")");
        }
      } else if (key === "start") {
        var wanted = value.split(",").map(parseFloat);
        if (wanted.length === d.params.length && wanted.every(isFinite)) {
          var bi = 0, bd = Infinity;
          d.starts.forEach(function (st, i) {
            var dd = 0;
            for (var k = 0; k < st.length; k++) dd += Math.pow(st[k] - wanted[k], 2);
            if (dd < bd) { bd = dd; bi = i; }
          });
          s.start = bi;
          if (bd > 1e-12) notes.push("start " + d.starts[bi].map(number).join(", ") + " (the computed start nearest " + value + ")");
        }
      } else if (key === "optimizer" || key === "beta") {
        asked[key] = key === "beta" ? parseFloat(value) : value;
      } else if (key === "epoch") {
        var e = parseInt(value, 10);
        if (isFinite(e)) {
          var be = 0;
          d.epochs.forEach(function (ep, i) { if (Math.abs(ep - e) < Math.abs(d.epochs[be] - e)) be = i; });
          s.epoch = be;
          if (d.epochs[be] !== e) notes.push("epoch " + d.epochs[be].toLocaleString("en-US") + " (the kept epoch nearest " + value + ")");
        }
      }
    });
    if (d.variants && (asked.optimizer || asked.beta !== null)) {
      var name = asked.optimizer || d.variants[s.variant].optimizer;
      var beta = asked.beta !== null && isFinite(asked.beta) ? asked.beta : null;
      var found = this.findVariant(name, beta);
      if (found >= 0) {
        s.variant = found;
        var got = d.variants[found].beta;
        if (beta !== null && got !== null && Math.abs(got - beta) > 1e-9) {
          notes.push("β = " + got + " (the computed β nearest " + beta + ")");
        }
      } else {
        notes.push("the chapter's own optimizer (there is no " + name + " here)");
      }
    }
    this.snapNote.textContent = notes.length ? "Showing " + notes.join(", ") + "." : "";
    if (initial && notes.length === 0) this.snapNote.textContent = "";
  };

  Explorer.prototype.render = function (playing) {
    var d = this.data, s = this.state, runs = this.runs();
    var run = runs.path[s.rate][s.start], loss = runs.loss[s.rate][s.start];
    var k = s.epoch, epoch = d.epochs[k];
    this.rate.value = s.rate;
    this.epoch.value = k;
    var rate = d.rates[s.rate];
    this.rateOut.textContent = rateText(rate) + (s.rate === d.threshold_index ? " (the threshold)" :
      rate > d.threshold ? " (past the threshold)" : "");
    this.rate.setAttribute("aria-valuetext", this.rateOut.textContent);
    this.epochOut.textContent = epoch.toLocaleString("en-US");
    this.epoch.setAttribute("aria-valuetext", "epoch " + epoch.toLocaleString("en-US"));
    var start = d.starts[s.start];
    this.startInputs.forEach(function (input, i) {
      if (document.activeElement !== input) input.value = +start[i].toPrecision(6);
    });
    this.draw(run, loss, k);
    var p = run[k];
    var parts = ["Epoch " + epoch.toLocaleString("en-US")];
    d.params.forEach(function (name, i) {
      parts.push(name + " " + (p ? number(p[i]) : "too large for float32"));
    });
    parts.push("loss " + number(loss[k]));
    var text = parts.join(" · ") + ". At η = " + rateText(rate) + " from " +
      start.map(number).join(", ") + " the run " + runs.says[s.rate][s.start] + ".";
    if (d.variants) text = runs.label + (runs.beta === null ? "" : " (" +
      (runs.optimizer === "momentum" ? "β" : runs.optimizer === "adam" ? "β1" : "decay") +
      " = " + runs.beta + ")") + ". " + text;
    this.syncOptimizer();
    // While playing the readout is busy: screen readers announce it when play stops.
    this.readout.setAttribute("aria-busy", playing && k < d.epochs.length - 1 ? "true" : "false");
    this.readout.textContent = text;
    this.section.setAttribute("data-epoch", epoch);
    this.publish();
  };

  // The run on show, for the page's exercises (static/exercises.js) and for tests: the
  // section carries data-state-* attributes (rate, rate-index, start, start-index, epoch,
  // optimizer, beta, verdict, arrived-at, diverged-at, final, says; lists joined by
  // commas, none as "", never-arrived as -1) and fires "gdanim:explorer-state" with the
  // same fields (underscores) in event.detail. Every value is one of the build's.
  Explorer.prototype.publish = function () {
    var d = this.data, s = this.state, runs = this.runs();
    var run = runs.path[s.rate][s.start];
    var state = {
      rate: d.rates[s.rate], rate_index: s.rate, start: d.starts[s.start],
      start_index: s.start, epoch: d.epochs[s.epoch],
      optimizer: runs.optimizer || d.optimizer || "gd",
      beta: runs.beta === undefined ? null : runs.beta,
      verdict: runs.verdict[s.rate][s.start], arrived_at: runs.arrived_at[s.rate][s.start],
      diverged_at: runs.diverged_at[s.rate][s.start], final: run[run.length - 1],
      says: runs.says[s.rate][s.start]
    };
    for (var key in state) {
      var v = state[key];
      this.section.setAttribute("data-state-" + key.replace(/_/g, "-"),
        v === null || v === undefined ? "" : (v instanceof Array ? v.join(",") : String(v)));
    }
    var event;
    try { event = new CustomEvent("gdanim:explorer-state", {detail: state, bubbles: true}); }
    catch (e) { return; }   // very old browsers: the attributes are enough
    this.section.dispatchEvent(event);
  };

  // The optimizer and β menus show the variant on show; β lists that optimizer's.
  Explorer.prototype.syncOptimizer = function () {
    if (!this.optimizer) return;
    var v = this.runs(), betas = [];
    this.optimizer.value = v.optimizer;
    this.data.variants.forEach(function (o) {
      if (o.optimizer === v.optimizer && o.beta !== null) betas.push(o.beta);
    });
    var key = betas.join(",");
    if (this.beta.getAttribute("data-for") !== v.optimizer + ":" + key) {
      while (this.beta.firstChild) this.beta.removeChild(this.beta.firstChild);
      var list = betas.length ? betas : [null];
      list.forEach(function (b) {
        var o = document.createElement("option");
        o.value = b === null ? "" : String(b);
        o.textContent = b === null ? "(none)" : String(b);
        this.beta.appendChild(o);
      }, this);
      this.beta.setAttribute("data-for", v.optimizer + ":" + key);
    }
    this.beta.disabled = betas.length < 2;
    this.beta.value = v.beta === null ? "" : String(v.beta);
  };

  function polyline(points, map, attrs, parent) {
    var chunks = [], current = [];
    points.forEach(function (pt) {
      if (pt === null || !isFinite(pt[0]) || !isFinite(pt[1])) {
        if (current.length) chunks.push(current);
        current = [];
        return;
      }
      var x = map.x(pt[0]), y = map.y(pt[1]);
      if (isNaN(x) || isNaN(y)) return;
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

  function dot(pt, map, r, fill, parent) {
    if (!pt || !isFinite(pt[0]) || !isFinite(pt[1])) return;
    var x = map.x(pt[0]), y = map.y(pt[1]);
    if (!isFinite(x) || !isFinite(y) || Math.abs(x) > 1e5 || Math.abs(y) > 1e5) return;
    el("circle", {cx: x, cy: y, r: r, fill: fill, stroke: POINT_EDGE, "stroke-width": r / 3}, parent);
  }

  Explorer.prototype.draw = function (run, loss, k) {
    var d = this.data, P = this.panels;
    for (var name in P) { var g = P[name].g; while (g.firstChild) g.removeChild(g.firstChild); }
    var unit = P.landscape.width / 600;          // pictures are 600 px wide at web quality
    // The landscape: the path so far and the current point.
    var land = P.landscape, pts = [];
    for (var i = 0; i <= k; i++) {
      var p = run[i];
      pts.push(p === null ? null : (d.kind === "1d" ? [p[0], loss[i]] : [p[0], p[1]]));
    }
    polyline(pts, land.map, {stroke: PATH_COLOUR, "stroke-width": 2.5 * unit,
                             "stroke-linejoin": "round"}, land.g);
    pts.forEach(function (pt, i) { if (i < k) dot(pt, land.map, 2.6 * unit, PATH_COLOUR, land.g); });
    dot(pts[k], land.map, 7 * unit, PATH_COLOUR, land.g);
    // The data: the current fitted line.
    var dataP = P.data, cur = run[k];
    if (cur && d.model === "tanh") {          // y = w2 tanh(w1 x): a curve
      var xr = d.panels.data.xlim, curve = [];
      for (var c = 0; c <= 80; c++) {
        var xv = xr[0] + (xr[1] - xr[0]) * c / 80;
        curve.push([xv, cur[1] * Math.tanh(cur[0] * xv)]);
      }
      polyline(curve, dataP.map, {stroke: LINE_COLOUR, "stroke-width": 3 * unit}, dataP.g);
    } else if (cur) {
      var xl = d.panels.data.xlim, b = d.model === "line" ? cur[0] : 0;
      var m = d.model === "line" ? cur[1] : cur[0];
      polyline([[xl[0], b + m * xl[0]], [xl[1], b + m * xl[1]]], dataP.map,
               {stroke: LINE_COLOUR, "stroke-width": 3 * unit}, dataP.g);
    }
    // The loss by epoch, at epoch + 1 on the log axis.
    var lossP = P.loss, lpts = [];
    for (var j = 0; j <= k; j++) {
      lpts.push(loss[j] === null ? null : [d.epochs[j] + 1, Math.max(loss[j], 1e-300)]);
    }
    polyline(lpts, lossP.map, {stroke: PATH_COLOUR, "stroke-width": 2.5 * unit}, lossP.g);
    dot(lpts[k], lossP.map, 6 * unit, PATH_COLOUR, lossP.g);
  };

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

  function init() {
    presentMode();
    Array.prototype.forEach.call(document.querySelectorAll("section.explorer"), function (s) {
      try { s.explorer = new Explorer(s); } catch (e) { if (window.console) console.error(e); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

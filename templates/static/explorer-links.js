/* gdanim explorer, settings in: a link's address (#lr=0.0123&start=-2,0.5&epoch=40,
   and on the optimizers page &surface=valley&optimizer=adam&beta=0.9&beta2=0.999) or a
   question's set, each key checked, clamped or left out with a note naming it; and the
   address written back, so a link reproduces the view. Methods of the explorer
   (static/explorer.js mixes them in). */
(function () {
  "use strict";

  var X = window.GDExplorer;
  if (!X) return;           // static/explorer.js says the parts did not load
  var number = X.number, exact = X.exact, whole = X.whole, decode = X.decode;
  var surfaces = X.surfaces, OPTIMIZERS = X.OPTIMIZERS;
  var methods = {};
  methods.view = function () {
    var p = this.surface().panels.landscape;
    return this.data.kind === "1d" ? [p.xlim] : [p.xlim, p.ylim];
  };

  // The start, kept inside the picture and rounded to what the picture can show.
  methods.clampStart = function (wanted) {
    var view = this.view(), clamped = false;
    var start = wanted.map(function (v, k) {
      var lo = Math.min(view[k][0], view[k][1]), hi = Math.max(view[k][0], view[k][1]);
      var c = Math.max(lo, Math.min(hi, v));
      if (c !== v) clamped = true;
      return c;
    });
    return {start: start, clamped: clamped};
  };

  methods.setStart = function (wanted, write, round) {
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
  methods.apply = function (set, notes) {
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
  methods.fromHash = function (hash) {
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

  methods.writeHash = function () {
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

  X.links = methods;
})();

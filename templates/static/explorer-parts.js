/* gdanim explorer, its parts that need no explorer: numbers as the pages print them,
   data to pixels, SVG drawing, and the page data's checks. static/explorer.js (loaded
   after static/explorer-links.js and static/explorer-controls.js) puts them together.
   Everything hangs on window.GDExplorer. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var POINT_EDGE = "#ffffff";
  var OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"];
  // Numbers as the pages print them (the engine's format: 5 significant digits, ties to
  // even as in Python, a true minus sign); none or not finite: "too large for float32".
  function number(x) {
    return x === null || x === undefined ? "too large for float32" : window.GDEngine.number(x);
  }

  // One of a run's parameters, as the pages print it (gdanim/core/text.py `parameter`):
  // "about 0 (4.8e−16, rounding noise)" when it is below a millionth of the run's scale
  // (1, or its largest parameter), where float32 keeps no digits; else `number`.
  var NOISE = 1e-6;
  function parameter(v, all) {
    var scale = 1;
    (all || []).forEach(function (o) { if (isFinite(o)) scale = Math.max(scale, Math.abs(o)); });
    if (isFinite(v) && v !== 0 && Math.abs(v) <= NOISE * scale) {
      return "about 0 (" + window.GDEngine.number(+v.toPrecision(2)).replace(/(\.\d)0+e/, "$1e") + ", rounding noise)";
    }
    return number(v);
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

  // The epochs drawn on the path: all of a short run (up to DOTTED, each drawn as a dot);
  // of a longer one, every epoch that moved at least a pixel from the last one drawn
  // (`at(i)` gives epoch i's point in pixels, null when off any scale). A crawl of 3,000
  // epochs becomes a few hundred points (an SVG of 3,000 redraws slowly on a phone); a
  // zig-zag keeps every jump, which thinning by a fixed stride would hide.
  var DOTTED = 60;
  function kept(k, at) {
    var list = [0], last = at(0);
    for (var i = 1; i <= k; i++) {
      if (k <= DOTTED) { list.push(i); continue; }
      var p = at(i);
      if (i === k || !p || !last || Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= 1) {
        list.push(i); last = p;
      }
    }
    return list;
  }

  window.GDExplorer = {
    SVG: SVG, PATH_COLOUR: "#D55E00", OPTIMIZERS: OPTIMIZERS,
    number: number, parameter: parameter, exact: exact, rateText: rateText, whole: whole, sig: sig, decode: decode,
    mapper: mapper, el: el, all: all, isNum: isNum, surfaces: surfaces, normalise: normalise,
    questionSet: questionSet, check: check, polyline: polyline, dot: dot, kept: kept,
    DOTTED: DOTTED
  };
})();

/* gdanim engine: each explorer's update rule, run in the page for any setting, as the
   build runs it (float32, optax's formulas), and the verdict rules of
   gdanim/maths/verdicts.py. Plain JavaScript, no framework, works from file://; a
   classic script that defines window.GDEngine (and module.exports for node).
   tests/test_engine.py runs it in Chromium against the build's JAX runs.

   API (stable):
     GDEngine.run(problem, {optimizer, lr, beta1, beta2, start: [..], epochs})
       -> {params: [[..] for epochs 0..N], loss: [..0..N], verdict: {...}}
       optimizer: "gd" | "momentum" | "rmsprop" | "adam" | "sgd" (mini-batches, when the
       problem has `batches`); beta1: momentum's β, RMSProp's decay or Adam's b1
       (default 0.9); beta2: Adam's b2 (default 0.999); epochs: default problem.epochs.
       A run that overflows float32 goes on with Infinity/NaN, as JAX does.
     GDEngine.verdict(loss, params?, best?, bestLoss?, within?)
       -> {kind: "converges"|"oscillates"|"diverges"|"creeps", epoch, loss_then,
           final_loss, distance, arrived, stays: [[first, last], ..], zigzag, answer,
           epochs, text}    (mirrors verdicts.py: the same rules, the same words)
     GDEngine.judge(problem, run) -> the verdict against the problem's answer(s)
     GDEngine.lsqProblem(xs, ys, zscore, model) -> a problem for a reader's own data
       (model "line": y = intercept + slope·x, or "origin": y = slope·x); throws an
       Error with a plain message when no line can be fitted.
     GDEngine.number(x), GDEngine.percent(fraction): numbers as the explorer prints them.

   problem (the JSON the build writes per explorer, gdanim/chapters/explorers.py):
     {kind: "lsq", model: "line"|"origin", params: [names], n, moments: {x, y, xx, xy, yy}
      (the means, and the centred mean squares and products: the data's sums, not its
      rows), h: [[..]] (the loss's Hessian), best: [..], best_loss, epochs, answer,
      batches?: {steps: [[n, Σx, Σy, Σxx, Σxy] per mini-batch step]}}
     {kind: "tanh", params: ["w1", "w2"], x: [..], y: [..], best: [[..], [..]] (the
      minima), best_loss: [..], epochs, answer}
   Least squares: loss(p) = best_loss + ½ dᵀ h d with d = p − best; gradient h d. */
(function (root) {
  "use strict";

  var f = Math.fround;
  var WITHIN = 0.01, GROWTH = 0.01, PROGRESS = 0.01, MOVING = 1e-5, LOSS_NOISE = 1e-6,
      FLOOR = 1e-9;

  // ---- the problems: loss and gradient at float32 parameters ----
  // Each model is a function (p, g) that writes the gradient at p into g and returns the
  // loss. The hot loop below allocates nothing per epoch but the epoch's own copy of the
  // parameters: a 3,000-epoch run then leaves no garbage for the collector to stop the
  // page for (it did, for up to 50 ms with the CPU slowed 4x).

  function f32(v) { return v.map(function (x) { return f(x); }); }

  function lsqModel(pr) {
    var P = pr.best.length, h = pr.h.map(f32), best = f32(pr.best), L = f(pr.best_loss);
    var d = new Float64Array(P);
    return function (p, g) {
      var s = 0, i, j;
      for (i = 0; i < P; i++) d[i] = f(p[i] - best[i]);
      for (i = 0; i < P; i++) {
        var acc = f(h[i][0] * d[0]);
        for (j = 1; j < P; j++) acc = f(acc + f(h[i][j] * d[j]));
        g[i] = acc;
      }
      s = f(d[0] * g[0]);
      for (i = 1; i < P; i++) s = f(s + f(d[i] * g[i]));
      return f(L + f(0.5 * s));
    };
  }

  function tanhModel(pr) {
    var x = pr.x, y = pr.y, n = x.length;
    return function (p, g) {               // y ≈ w2·tanh(w1·x): float64, then float32
      var l = 0, g1 = 0, g2 = 0;
      for (var i = 0; i < n; i++) {
        var t = Math.tanh(p[0] * x[i]), r = p[1] * t - y[i];
        l += r * r; g1 += 2 * r * p[1] * (1 - t * t) * x[i]; g2 += 2 * r * t;
      }
      g[0] = f(g1 / n); g[1] = f(g2 / n);
      return f(l / n);
    };
  }

  function model(pr) {
    if (pr.kind === "lsq") return lsqModel(pr);
    if (pr.kind === "tanh") return tanhModel(pr);
    throw new Error("unknown problem kind " + pr.kind);
  }

  // One mini-batch step's gradient from its sums [n, Σx, Σy, Σxx, Σxy] (float64 sums,
  // as the build's per-batch mean of 2·(b + m·x − y)·[1, x]), written into g.
  function batchGrad(pr, p, s, g) {
    var n = s[0], line = pr.model === "line", b = line ? p[0] : 0, m = p[p.length - 1];
    var gm = 2 * (b * s[1] + m * s[3] - s[4]) / n;
    if (line) { g[0] = f(2 * (b * n + m * s[1] - s[2]) / n); g[1] = f(gm); }
    else g[0] = f(gm);
  }

  // ---- the optimizers, as optax writes them (float32 throughout) ----
  // optimizer(...)(g, u) writes the update to add to the parameters into u.

  function optimizer(name, lr, beta1, beta2, P) {
    var nlr = f(-f(lr)), b1 = beta1 === undefined || beta1 === null ? 0.9 : beta1,
        b2 = beta2 === undefined || beta2 === null ? 0.999 : beta2;
    var c1 = f(1 - b1), d1 = f(b1), c2 = f(1 - b2), d2 = f(b2), eps = f(1e-8);
    var t = new Float64Array(P), m = new Float64Array(P), v = new Float64Array(P), count = 0;
    if (["gd", "sgd", "momentum", "rmsprop", "adam"].indexOf(name) < 0) {
      throw new Error("unknown optimizer " + name);
    }
    return function (g, u) {
      var i;
      count += 1;
      if (name === "gd" || name === "sgd") {
        for (i = 0; i < P; i++) u[i] = f(g[i] * nlr);
      } else if (name === "momentum") {        // optax.trace: g + β·t
        for (i = 0; i < P; i++) { t[i] = f(g[i] + f(d1 * t[i])); u[i] = f(t[i] * nlr); }
      } else if (name === "rmsprop") {         // ν = (1−β)g² + βν; g·rsqrt(ν + ε)
        for (i = 0; i < P; i++) {
          v[i] = f(f(c1 * f(g[i] * g[i])) + f(d1 * v[i]));
          u[i] = f(f(f(1 / Math.sqrt(f(v[i] + eps))) * g[i]) * nlr);
        }
      } else {                                 // adam, bias-corrected; m̂ / (sqrt(v̂ + 0) + ε)
        var bc1 = f(1 - f(Math.pow(d1, count))), bc2 = f(1 - f(Math.pow(d2, count)));
        for (i = 0; i < P; i++) {
          m[i] = f(f(c1 * g[i]) + f(d1 * m[i]));
          v[i] = f(f(c2 * f(g[i] * g[i])) + f(d2 * v[i]));
          var mh = f(m[i] / bc1), vh = f(v[i] / bc2);
          u[i] = f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr);
        }
      }
    };
  }

  function run(pr, opts) {
    opts = opts || {};
    var name = opts.optimizer || "gd", epochs = opts.epochs === undefined ? pr.epochs : opts.epochs;
    var P = opts.start.length, loss = model(pr), step = optimizer(name, opts.lr, opts.beta1, opts.beta2, P);
    var p = new Float64Array(P), g = new Float64Array(P), u = new Float64Array(P), k, i;
    var params = new Array(epochs + 1), losses = new Array(epochs + 1);
    var steps = pr.batches && pr.batches.steps;
    if (name === "sgd" && !steps) throw new Error("this problem has no mini-batches");
    function copy() {
      if (P === 2) return [p[0], p[1]];
      var c = new Array(P);
      for (var j = 0; j < P; j++) c[j] = p[j];
      return c;
    }
    for (i = 0; i < P; i++) p[i] = f(opts.start[i]);
    for (k = 0; k < epochs; k++) {
      params[k] = copy();
      losses[k] = loss(p, g);
      if (name === "sgd") batchGrad(pr, p, steps[k % steps.length], g);
      step(g, u);
      for (i = 0; i < P; i++) p[i] = f(p[i] + u[i]);
    }
    params[epochs] = copy();
    losses[epochs] = loss(p, g);
    var result = {params: params, loss: losses};
    result.verdict = judge(pr, result);
    return result;
  }

  function judge(pr, r) {
    return verdict(r.loss, r.params, pr.best, pr.best_loss, WITHIN, pr.answer);
  }

  // ---- the verdict rules (gdanim/maths/verdicts.py, the same rules and words) ----

  function finite(x) { return typeof x === "number" && isFinite(x); }

  function distance(p, best) {
    var s = 0, n = 0, i;
    for (i = 0; i < best.length; i++) n += best[i] * best[i];
    var scale = Math.sqrt(n);
    if (!(scale > 1e-9)) scale = 1;
    for (i = 0; i < best.length; i++) { var d = p[i] - best[i]; s += d * d; }
    var gap = Math.sqrt(s) / scale;
    return finite(gap) ? gap : Infinity;
  }

  function band(loss, params, best, bestLoss, within) {
    var n = loss.length, i;
    if (bestLoss === null || bestLoss === undefined) {
      bestLoss = Infinity;
      for (i = 0; i < n; i++) if (finite(loss[i]) && loss[i] < bestLoss) bestLoss = loss[i];
      if (bestLoss === Infinity) bestLoss = 0;
    }
    var start = finite(loss[0]) ? Math.abs(loss[0]) : 0, top = bestLoss * (1 + within) + FLOOR * start;
    var inside = [];
    for (i = 0; i < n; i++) {
      var ok = finite(loss[i]) && loss[i] <= top;
      if (ok && params && best) ok = distance(params[i], best) <= within;
      inside.push(ok);
    }
    return inside;
  }

  function arrival(inside) {
    var stays = [], a = -1, i;
    for (i = 0; i < inside.length; i++) {
      if (inside[i] && a < 0) a = i;
      if (!inside[i] && a >= 0) { stays.push([a, i - 1]); a = -1; }
    }
    if (a >= 0) stays.push([a, inside.length - 1]);
    var last = inside.length - 1;
    var epoch = stays.length && stays[stays.length - 1][1] === last ? stays[stays.length - 1][0] : null;
    return {stays: stays, last: last, epoch: epoch};
  }

  // Numbers as every output prints them: static/numbers.js (loaded before this script).
  var numbers = root ? root.GDNumber : require("./numbers.js");
  function number(x) { return numbers.number(x); }
  function count(n) { return numbers.count(n); }

  function arrivalText(ar, within, answer) {
    if (!ar.stays.length) return "";
    function stay(a, b) {
      return b === ar.last ? "from epoch " + count(a) :
        (a === b ? "at epoch " + count(a) : "from epoch " + count(a) + " to " + count(b));
    }
    var shown = ar.stays.slice(), parts = [];
    if (shown.length > 3) {       // many visits: the first, how many more, the last
      parts.push(stay(shown[0][0], shown[0][1]) + ", in and out " + count(shown.length - 2) +
                 " more times");
      shown = shown.slice(-1);
    }
    shown.forEach(function (s) {
      parts.push(parts.length ? "again " + stay(s[0], s[1]).replace(" epoch ", " ") : stay(s[0], s[1]));
    });
    return "within " + percent(within) + " of " + answer + " " + parts.join(", ");
  }

  function percent(fraction) {
    if (!finite(fraction)) return "far";
    return String(Number((fraction * 100).toPrecision(3))) + "%";
  }

  function quarters(n) {
    var q = Math.max(1, Math.floor(n / 4));
    return {tail: [n + 1 - q, n + 1], before: [Math.max(0, n + 1 - 2 * q), n + 1 - q]};
  }

  function maxOf(a, r) { var m = -Infinity; for (var i = r[0]; i < r[1]; i++) if (a[i] > m) m = a[i]; return m; }
  function minOf(a, r) { var m = Infinity; for (var i = r[0]; i < r[1]; i++) if (a[i] < m) m = a[i]; return m; }

  function verdict(loss, params, best, bestLoss, within, answer) {
    within = within === undefined || within === null ? WITHIN : within;
    answer = answer || "the answer";
    var pick = 0;
    if (best && Array.isArray(best[0])) {       // several answers: the one it ends nearest
      var last = params[params.length - 1], bestD = Infinity;
      best.forEach(function (b, k) { var d = distance(last, b); if (d < bestD) { bestD = d; pick = k; } });
      best = best[pick];
      bestLoss = Array.isArray(bestLoss) ? bestLoss[pick] : bestLoss;
    }
    var v = judgeOne(loss, params || null, best || null, bestLoss, within);
    v.answer = pick;
    v.text = verdictText(v, answer, within);
    return v;
  }

  function judgeOne(loss, params, best, bestLoss, within) {
    var n = loss.length - 1, i, k;
    var ok = loss.map(function (l, e) {
      if (!finite(l)) return false;
      if (params) for (k = 0; k < params[e].length; k++) if (!finite(params[e][k])) return false;
      return true;
    });
    var inside = band(loss, params, best, bestLoss, within), ar = arrival(inside);
    var q = quarters(n), big = loss.map(function (l, e) { return ok[e] ? l : Infinity; });
    var dist = params && best ? distance(params[n], best) : NaN;
    var allFinite = ok.every(function (x) { return x; });
    var grows = !allFinite || (n >= 2 && maxOf(big, q.tail) > (1 + GROWTH) * maxOf(big, q.before) &&
                               big[n] >= maxOf(big, [Math.floor(n / 2), n + 1]) && !inside[n]);
    var base = {epoch: null, loss_then: null, final_loss: loss[n], distance: dist,
                arrived: ar.epoch, stays: ar.stays, zigzag: false, epochs: n, arrival: ar};
    if (grows) {
      var left;
      if (big[n] > big[0]) {
        left = 0;
        for (i = n; i >= 0; i--) if (!(big[i] > big[0])) { left = i + 1; break; }
      } else {
        var lowest = Infinity, at = 0;
        for (i = 0; i <= n; i++) if (big[i] <= lowest) { lowest = big[i]; at = i; }
        left = Math.min(at + 1, n);
      }
      base.kind = "diverges"; base.epoch = left; base.loss_then = loss[left];
      return base;
    }
    var moving = [], turns = [];
    if (params) {
      for (i = 0; i < n; i++) {
        var size = 1, stepSize = 0, dot = 0;
        for (k = 0; k < params[i].length; k++) {
          var s = params[i + 1][k] - params[i][k];
          size += Math.abs(params[i][k]); stepSize += Math.abs(s);
          if (i > 0) dot += s * (params[i][k] - params[i - 1][k]);
        }
        moving.push(stepSize > MOVING * size);
        turns.push(i > 0 && dot < 0);
      }
    } else {
      for (i = 0; i < n; i++) {
        var st = loss[i + 1] - loss[i];
        moving.push(Math.abs(st) > LOSS_NOISE * Math.abs(loss[i]));
        turns.push(st > 0);
      }
    }
    var share = params ? 0.5 : 1 / 3;
    function backAndForth(from, to) {
      var m = 0, t = 0;
      for (var j = from; j < to; j++) if (moving[j]) { m += 1; if (turns[j]) t += 1; }
      return m > 0 && t > share * Math.max(m, 2);
    }
    var gap = [];
    for (i = 0; i <= n; i++) {
      if (params && best) gap.push(distance(params[i], best));
      else {
        var target = bestLoss !== null && bestLoss !== undefined ? bestLoss : minOf(big, [0, n + 1]);
        gap.push(Math.abs(loss[i] - target));
      }
    }
    var closer = n >= 2 ? minOf(gap, q.tail) < (1 - PROGRESS) * minOf(gap, q.before) : true;
    var tailInside = true;
    for (i = q.tail[0]; i < q.tail[1]; i++) if (!inside[i]) tailInside = false;
    base.zigzag = backAndForth(0, n);
    if (backAndForth(Math.max(0, q.tail[0] - 1), n) && !closer && !tailInside) base.kind = "oscillates";
    else if (inside[n]) { base.kind = "converges"; base.epoch = ar.epoch; }
    else base.kind = "creeps";
    return base;
  }

  function verdictText(v, answer, within) {
    var there = arrivalText(v.arrival, within, answer);
    if (v.kind === "diverges") {
      return "diverges: from epoch " + count(v.epoch) + " it is worse than where it started " +
        "and only grows (loss " + number(v.loss_then) + " then, " + number(v.final_loss) +
        " at epoch " + count(v.epochs) + ")";
    }
    if (v.kind === "oscillates") {
      return "oscillates: it keeps jumping back and forth without settling" +
        (there ? " (it was " + there + ")" : finite(v.distance) ? ", still " +
         percent(v.distance) + " away after " + count(v.epochs) + " epochs" : "");
    }
    if (v.kind === "converges") return "converges" + (v.zigzag ? ", zig-zagging" : "") + ": " + there;
    var away = finite(v.distance) ? "still " + percent(v.distance) + " away from " + answer :
      "still outside the " + percent(within) + " band";
    return "creeps: after " + count(v.epochs) + " epochs it is " + away +
      (there ? " (it was " + there + ")" : "");
  }

  // ---- a reader's own data: the problem from its columns' sums ----

  function lsqProblem(xs, ys, zscore, modelName) {
    var line = (modelName || "line") !== "origin", n = xs.length, i;
    if (n !== ys.length) throw new Error("the two columns have different lengths");
    if (n < 2) throw new Error("at least two rows are needed to fit a line");
    function mean(a) { var s = 0; for (var j = 0; j < a.length; j++) s += a[j]; return s / a.length; }
    function scaled(a) {                     // as gdanim's Scaling.choose
      if (!zscore) return a.slice();
      var shift = 0, sq = 0, j;
      if (line) { shift = mean(a); for (j = 0; j < a.length; j++) sq += (a[j] - shift) * (a[j] - shift); }
      else for (j = 0; j < a.length; j++) sq += a[j] * a[j];
      var scale = Math.sqrt(sq / a.length);
      if (!(scale > 0)) throw new Error("every value in a column is the same: it cannot be rescaled");
      return a.map(function (v) { return (v - shift) / scale; });
    }
    var x = scaled(xs), y = scaled(ys);
    var mx = mean(x), my = mean(y), sxx = 0, sxy = 0, syy = 0;
    for (i = 0; i < n; i++) {
      var dx = x[i] - mx, dy = y[i] - my;
      sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
    }
    sxx /= n; sxy /= n; syy /= n;
    var moments = {x: mx, y: my, xx: sxx, xy: sxy, yy: syy};
    return lsqFromMoments(n, moments, line ? "line" : "origin");
  }

  // The same derivation as gdanim/chapters/explorers.py `lsq_problem` (float64).
  function lsqFromMoments(n, m, modelName) {
    var best, bestLoss, h;
    if (modelName === "line") {
      if (!(m.xx > 0)) throw new Error("every x is the same: no line can be fitted");
      var slope = m.xy / m.xx;
      best = [m.y - slope * m.x, slope];
      bestLoss = Math.max(m.yy - m.xy * m.xy / m.xx, 0);
      h = [[2, 2 * m.x], [2 * m.x, 2 * (m.x * m.x + m.xx)]];
    } else {
      var xx = m.x * m.x + m.xx, xy = m.x * m.y + m.xy, yy = m.y * m.y + m.yy;
      if (!(xx > 0)) throw new Error("every x is 0: no line through the origin can be fitted");
      best = [xy / xx];
      bestLoss = Math.max(yy - xy * xy / xx, 0);
      h = [[2 * xx]];
    }
    return {kind: "lsq", model: modelName, params: modelName === "line" ? ["intercept", "slope"] : ["slope"],
            n: n, moments: m, h: h.map(f32), best: f32(best), best_loss: f(bestLoss),
            answer: "the answer", epochs: 1000};
  }

  var GDEngine = {run: run, verdict: verdict, judge: judge, lsqProblem: lsqProblem,
                  lsqFromMoments: lsqFromMoments, number: number, percent: percent,
                  band: band, arrival: arrival, WITHIN: WITHIN};
  if (typeof module !== "undefined" && module.exports) module.exports = GDEngine;
  if (root) root.GDEngine = GDEngine;
})(typeof window !== "undefined" ? window : null);

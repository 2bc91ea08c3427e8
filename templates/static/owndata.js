/* gdanim explorer, "try your own data": a CSV opened or pasted by the reader is read
   here, in the page (nothing is sent anywhere), with the build's rules (a header row;
   ',' or else ';' or tab between values, and with ';' or tab a decimal comma; rows
   with an empty x or y cell dropped and counted; at least 3 rows; a column must vary).
   A bad file gets one plain message naming its rows and what is wrong, all at once.
   The explorer then runs on the two chosen columns through the engine's least squares
   from sums (GDEngine.lsqProblem), on pictures drawn here for that data. */
(function () {
  "use strict";

  var MIN_ROWS = 3, SHOW_ROWS = 5, MAX_BYTES = 32 * 1024 * 1024, DOTS = 400;
  var SVG = "http://www.w3.org/2000/svg";

  function quoted(text) { return "\u201c" + String(text).slice(0, 40) + "\u201d"; }

  function rowsText(rows) {
    var more = rows.length > SHOW_ROWS ? " and " + (rows.length - SHOW_ROWS) + " more" : "";
    return "row" + (rows.length > 1 ? "s " : " ") + rows.slice(0, SHOW_ROWS).join(", ") + more;
  }

  function delimiter(firstLine) {
    if (firstLine.indexOf(",") >= 0) return ",";
    return firstLine.indexOf(";") >= 0 ? ";" : (firstLine.indexOf("\t") >= 0 ? "\t" : ",");
  }

  // CSV as RFC 4180 has it: quoted fields may hold the delimiter, "" and line breaks.
  // Returns {rows: [{line, cells}], problem}; `line` is the spreadsheet row (header = 1).
  function records(text, sep) {
    var rows = [], cells = [], cell = "", i = 0, line = 1, start = 1, inQuotes = false;
    while (i < text.length) {
      var ch = text[i];
      if (inQuotes) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        if (ch === '"') { inQuotes = false; i += 1; continue; }
        if (ch === "\n") line += 1;
        cell += ch; i += 1; continue;
      }
      if (ch === '"' && cell.trim() === "") { inQuotes = true; cell = ""; i += 1; continue; }
      if (ch === sep) { cells.push(cell); cell = ""; i += 1; continue; }
      if (ch === "\r" || ch === "\n") {
        cells.push(cell); rows.push({line: start, cells: cells});
        cells = []; cell = "";
        i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line += 1; start = line;
        continue;
      }
      cell += ch; i += 1;
    }
    if (inQuotes) return {rows: rows, problem: "row " + start + " opens a quote (\") that never closes"};
    if (cell !== "" || cells.length) { cells.push(cell); rows.push({line: start, cells: cells}); }
    return {rows: rows, problem: null};
  }

  // The whole file: its header and rows, or the one problem that stops reading it.
  function readTable(text) {
    if (!text || !text.trim()) return {problem: "There is nothing to read: open a CSV file or paste one."};
    if (text.indexOf("\0") >= 0) return {problem: "This is not a text file (it holds NUL bytes); give a CSV file (in a spreadsheet program: Save As, \u2018CSV UTF-8\u2019)."};
    text = text.replace(/^\uFEFF/, "");
    var sep = delimiter(text.split(/\r?\n/, 1)[0]);
    var got = records(text, sep);
    if (got.problem) return {problem: "The file does not read as CSV: " + got.problem + "."};
    var rows = got.rows.filter(function (r) { return r.cells.some(function (c) { return c.trim() !== ""; }); });
    if (!rows.length) return {problem: "There is nothing to read: open a CSV file or paste one."};
    var header = rows[0].cells.map(function (h) { return h.trim(); });
    if (header.length < 2) {
      return {problem: "The first row has no comma, semicolon or tab, so it is not a CSV header: the first row must name the columns, for example \u201cx,y\u201d."};
    }
    var seen = {}, twice = [];
    header.forEach(function (h) { if (seen[h] && twice.indexOf(h) < 0) twice.push(h); seen[h] = true; });
    return {header: header, rows: rows.slice(1), sep: sep, decimalComma: sep !== ",", twice: twice};
  }

  var NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  // Columns x and y as numbers, or every problem with them at once.
  function columns(table, x, y) {
    var problems = [], ix = table.header.indexOf(x), iy = table.header.indexOf(y);
    if (x === y) return {problems: ["Choose two different columns: both are " + quoted(x) + "."]};
    [x, y].forEach(function (c) {
      if (table.twice.indexOf(c) >= 0) problems.push("Column " + quoted(c) + " appears more than once in the first row; rename the copies.");
    });
    if (problems.length) return {problems: problems};
    var xs = [], ys = [], empty = [], bad = {}, wide = [];
    bad[x] = []; bad[y] = [];
    table.rows.forEach(function (r) {
      if (r.cells.length > table.header.length) wide.push(r.line);
      var cells = [[x, ix], [y, iy]].map(function (c) {
        var t = (r.cells[c[1]] || "").trim();
        return table.decimalComma ? t.replace(",", ".") : t;
      });
      if (cells[0] === "" || cells[1] === "") { empty.push(r.line); return; }
      var ok = true;
      [[x, 0], [y, 1]].forEach(function (c) {
        var t = cells[c[1]];
        if (!NUMBER.test(t) || !isFinite(+t)) { bad[c[0]].push([r.line, r.cells[c[0] === x ? ix : iy].trim()]); ok = false; }
      });
      if (ok) { xs.push(+cells[0]); ys.push(+cells[1]); }
    });
    if (wide.length) problems.push(rowsText(wide).replace(/^r/, "R") + " hold" + (wide.length > 1 ? "" : "s") + " more values than the first row names columns (" + table.header.length + "); is a value missing its quotes?");
    [x, y].forEach(function (c) {
      if (!bad[c].length) return;
      var examples = bad[c].slice(0, 3).map(function (b) { return quoted(b[1]); }).join(", ");
      problems.push("Column " + quoted(c) + ", " + rowsText(bad[c].map(function (b) { return b[0]; })) +
                    ": not a number (" + examples + "). Fix or delete " + (bad[c].length > 1 ? "those rows." : "that row."));
    });
    if (problems.length) return {problems: problems};
    if (xs.length < MIN_ROWS) {
      return {problems: ["Only " + xs.length + " usable row" + (xs.length === 1 ? "" : "s") +
        (empty.length ? " after leaving out " + empty.length + " with an empty cell" : "") +
        "; a line needs at least " + MIN_ROWS + "."]};
    }
    [[x, xs], [y, ys]].forEach(function (c) {
      if (c[1].every(function (v) { return v === c[1][0]; })) {
        problems.push("Column " + quoted(c[0]) + " has the same value (" + c[1][0] + ") in every row, so there is nothing to fit.");
      }
    });
    [[x, xs], [y, ys]].forEach(function (c) {
      var big = Math.max.apply(null, c[1].map(Math.abs));
      if (big > 1e15) problems.push("Column " + quoted(c[0]) + " has values as large as " + big.toPrecision(3) + "; divide it by a power of ten first.");
    });
    return {problems: problems, xs: xs, ys: ys, empty: empty};
  }

  // --- the pictures for the reader's data -------------------------------------------------

  function moments(xs, ys) {
    var n = xs.length, sx = 0, sy = 0;
    for (var i = 0; i < n; i++) { sx += xs[i]; sy += ys[i]; }
    var mx = sx / n, my = sy / n, sxx = 0, sxy = 0, syy = 0;
    for (i = 0; i < n; i++) {
      var dx = xs[i] - mx, dy = ys[i] - my;
      sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
    }
    return {n: n, mx: mx, my: my, vx: sxx / n, vy: syy / n, cxy: sxy / n};
  }

  function padded(values, pad) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values), span = (hi - lo) || 1;
    return [lo - pad * span, hi + pad * span];
  }

  // Ticks at 1, 2 or 5 times a power of ten, about `count` of them.
  function ticks(lo, hi, count) {
    var raw = (hi - lo) / count, p = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / p;
    var step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * p, list = [];
    for (var k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) list.push(k === 0 ? 0 : +(k * step).toPrecision(12));
    return list;
  }

  function text(label) { return String(label).replace(/-/g, "\u2212"); }

  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  // Axes like the build's pictures: a white ground, a frame, ticks, labels, a title.
  function axes(panel, spec, title, xlabel, ylabel) {
    var g = panel.back, map = panel.map, b = map.box, u = panel.width / 600, font = 15 * u;
    while (g.firstChild) g.removeChild(g.firstChild);
    svg("rect", {x: 0, y: 0, width: panel.width, height: panel.height, fill: "#ffffff"}, g);
    var xt = spec.xscale === "log" ? logTicks(spec.xlim) : ticks(spec.xlim[0], spec.xlim[1], 5);
    var yt = spec.yscale === "log" ? logTicks(spec.ylim) : ticks(spec.ylim[0], spec.ylim[1], 5);
    xt.forEach(function (v) {
      var x = map.x(v);
      svg("line", {x1: x, x2: x, y1: b[1], y2: b[1] + b[3], stroke: "#e3e3e3", "stroke-width": u}, g);
      svg("text", {x: x, y: b[1] + b[3] + font * 1.2, "font-size": font, "text-anchor": "middle", fill: "#333"}, g).textContent = tickText(v, spec.xscale);
    });
    yt.forEach(function (v) {
      var y = map.y(v);
      svg("line", {x1: b[0], x2: b[0] + b[2], y1: y, y2: y, stroke: "#e3e3e3", "stroke-width": u}, g);
      svg("text", {x: b[0] - font * 0.4, y: y + font * 0.35, "font-size": font, "text-anchor": "end", fill: "#333"}, g).textContent = tickText(v, spec.yscale);
    });
    svg("rect", {x: b[0], y: b[1], width: b[2], height: b[3], fill: "none", stroke: "#555", "stroke-width": u}, g);
    svg("text", {x: b[0], y: b[1] - font * 0.6, "font-size": font * 1.1, "font-weight": "bold", fill: "#222"}, g).textContent = title;
    svg("text", {x: b[0] + b[2] / 2, y: b[1] + b[3] + font * 2.5, "font-size": font, "text-anchor": "middle", fill: "#333"}, g).textContent = xlabel;
    svg("text", {x: font * 1.1, y: b[1] + b[3] / 2, "font-size": font, "text-anchor": "middle", fill: "#333",
                 transform: "rotate(-90 " + font * 1.1 + " " + (b[1] + b[3] / 2) + ")"}, g).textContent = ylabel;
    return g;
  }

  function logTicks(lim) {
    var list = [];
    for (var e = Math.ceil(Math.log10(lim[0])); e <= Math.floor(Math.log10(lim[1])); e++) list.push(Math.pow(10, e));
    return list.length > 6 ? list.filter(function (v, i) { return i % Math.ceil(list.length / 6) === 0; }) : list;
  }

  function tickText(v, kind) {
    if (kind === "log") { var e = Math.round(Math.log10(v)); return e >= -2 && e <= 4 ? text(String(v)) : "1e" + text(String(e)); }
    return text(String(+v.toPrecision(6)));
  }

  // The loss over (intercept, slope) is L* + (d_b, d_m) A (d_b, d_m)ᵀ with
  // A = [[1, x̄], [x̄, mean x²]]: its level sets are ellipses, drawn exactly.
  function contours(panel, m, best, lstar, view) {
    var g = panel.back, map = panel.map, u = panel.width / 600;
    var a = 1, b = m.mx, c = m.vx + m.mx * m.mx;
    var mid = (a + c) / 2, rad = Math.sqrt((a - c) * (a - c) / 4 + b * b);
    var l1 = mid + rad, l2 = Math.max(mid - rad, 1e-300), angle = 0.5 * Math.atan2(2 * b, a - c);
    var corners = [[view[0][0], view[1][0]], [view[0][0], view[1][1]], [view[0][1], view[1][0]], [view[0][1], view[1][1]]];
    var top = Math.max.apply(null, corners.map(function (p) {
      var db = p[0] - best[0], dm = p[1] - best[1];
      return a * db * db + 2 * b * db * dm + c * dm * dm;
    }));
    var clip = panel.svg.querySelector("clipPath").id, inside = svg("g", {"clip-path": "url(#" + clip + ")"}, g);
    var colours = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];
    for (var k = 8; k >= 1; k--) {
      var level = top * Math.pow(k / 8, 2) * 1.2, pts = [];
      for (var t = 0; t <= 72; t++) {
        var th = 2 * Math.PI * t / 72, p1 = Math.sqrt(level / l1) * Math.cos(th), p2 = Math.sqrt(level / l2) * Math.sin(th);
        var db = p1 * Math.cos(angle) - p2 * Math.sin(angle), dm = p1 * Math.sin(angle) + p2 * Math.cos(angle);
        var x = map.x(best[0] + db), y = map.y(best[1] + dm);
        pts.push(Math.max(-1e5, Math.min(1e5, x)).toFixed(1) + "," + Math.max(-1e5, Math.min(1e5, y)).toFixed(1));
      }
      svg("polygon", {points: pts.join(" "), fill: colours[k - 1], "fill-opacity": 0.85, stroke: "#ffffff", "stroke-width": 0.6 * u}, inside);
    }
    var sx = map.x(best[0]), sy = map.y(best[1]), r = 9 * u, star = [];
    for (var i = 0; i < 10; i++) {
      var ang = Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
      star.push((sx + rr * Math.cos(ang)).toFixed(1) + "," + (sy - rr * Math.sin(ang)).toFixed(1));
    }
    svg("polygon", {points: star.join(" "), fill: "#ffffff", stroke: "#222", "stroke-width": u}, inside);
    return lstar;
  }

  function dots(panel, xs, ys) {
    var g = panel.back, map = panel.map, u = panel.width / 600, every = Math.max(1, Math.ceil(xs.length / DOTS));
    for (var i = 0; i < xs.length; i += every) {
      svg("circle", {cx: map.x(xs[i]).toFixed(1), cy: map.y(ys[i]).toFixed(1), r: 2.6 * u, fill: "#777", "fill-opacity": 0.7}, g);
    }
  }

  // Everything the explorer needs to run on the reader's data.
  function ownSurface(xs, ys, zscore, names, epochs) {
    var m = moments(xs, ys);
    if (zscore) {
      var sx = Math.sqrt(m.vx), sy = Math.sqrt(m.vy);
      xs = xs.map(function (v) { return (v - m.mx) / sx; });
      ys = ys.map(function (v) { return (v - m.my) / sy; });
      m = moments(xs, ys);
    }
    var slope = m.cxy / m.vx, intercept = m.my - slope * m.mx;
    var lstar = Math.max(0, m.vy - m.cxy * m.cxy / m.vx);
    var a = 1, b = m.mx, c = m.vx + m.mx * m.mx;
    var lmax = (a + c) / 2 + Math.sqrt((a - c) * (a - c) / 4 + b * b);
    var threshold = 1 / lmax;                      // 2 / λmax of the Hessian 2A
    var bs = Math.max(Math.abs(intercept), Math.sqrt(m.vy)), ms = Math.max(Math.abs(slope), Math.sqrt(m.vy / m.vx));
    var view = [[Math.min(0, intercept) - 0.6 * bs, Math.max(0, intercept) + 0.6 * bs],
                [Math.min(0, slope) - 0.6 * ms, Math.max(0, slope) + 0.6 * ms]];
    var start0 = m.vy + m.my * m.my;               // the loss at (0, 0)
    var rect = [0.16, 0.17, 0.78, 0.71];
    var bottom = lstar > 0 ? lstar * 0.5 : start0 * 1e-8;
    var panels = {
      landscape: {rect: rect, xlim: view[0], ylim: view[1], xscale: "linear", yscale: "linear"},
      data: {rect: rect, xlim: padded(xs, 0.08), ylim: padded(ys, 0.08), xscale: "linear", yscale: "linear"},
      loss: {rect: rect, xlim: [1, epochs + 1], ylim: [Math.max(bottom, start0 * 3e-12), start0 * 3], xscale: "log", yscale: "log"}
    };
    var unit = zscore ? " (z-score)" : "";
    return {
      surface: {name: "own", problem: window.GDEngine.lsqProblem(xs, ys, false), panels: panels,
                start: [0, 0], threshold: threshold},
      lr: +(0.5 * threshold).toPrecision(3), lrRange: [+(threshold / 1000).toPrecision(3), +(1.5 * threshold).toPrecision(3)],
      key: names.join("\u0001") + (zscore ? "|z" : "|raw") + "|" + xs.length,
      drawAxes: function (P) {
        axes(P.landscape, panels.landscape, "Loss over both parameters", "intercept", "slope");
        contours(P.landscape, m, [intercept, slope], lstar, view);
        axes(P.data, panels.data, "Your data and the fitted line", names[0] + unit, names[1] + unit);
        dots(P.data, xs, ys);
        axes(P.loss, panels.loss, "Loss by epoch", "epoch + 1 (log scale)", "loss (log scale)");
      }
    };
  }

  // --- the controls ------------------------------------------------------------------------

  function attach(section) {
    var box = section.querySelector("details.own-data");
    if (!box) return;
    var q = box.querySelector.bind(box), message = q(".own-message"), table = null, fileText = null;
    var xMenu = q("#own-x"), yMenu = q("#own-y"), area = q("#own-text");
    function say(textLines) { message.textContent = [].concat(textLines).join(" "); }
    function fill(menu, header, pick) {
      while (menu.firstChild) menu.removeChild(menu.firstChild);
      header.forEach(function (h, i) {
        var o = document.createElement("option");
        o.value = h; o.textContent = h || "(column " + (i + 1) + ", no name)";
        menu.appendChild(o);
      });
      menu.selectedIndex = pick;
    }
    function read(textIn) {
      table = readTable(textIn);
      q(".own-columns").hidden = !!table.problem;
      if (table.problem) { say(table.problem); table = null; return; }
      fill(xMenu, table.header, 0);
      fill(yMenu, table.header, 1);
      say("Read " + table.rows.length + " row" + (table.rows.length === 1 ? "" : "s") + " and " + table.header.length +
          " columns. Choose the two columns, then run the explorer.");
    }
    q("#own-file").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) return;
      if (file.size > MAX_BYTES) { say("The file is " + (file.size / 1048576).toFixed(0) + " MiB; the page reads files up to 32 MiB. Keep the rows you need, or a sample."); return; }
      var reader = new FileReader();
      reader.onload = function () { fileText = String(reader.result); area.value = ""; read(fileText); };
      reader.onerror = function () { say("The file could not be read (" + (reader.error && reader.error.name) + ")."); };
      reader.readAsText(file);
    });
    area.addEventListener("input", function () { fileText = null; });
    q("[data-action=own-read]").addEventListener("click", function () { read(fileText !== null ? fileText : area.value); });
    q("[data-action=own-run]").addEventListener("click", function () {
      var ex = section.explorer;
      if (!table || !ex) return;
      var got = columns(table, xMenu.value, yMenu.value);
      if (got.problems.length) { say(got.problems); return; }
      try {
        var own = ownSurface(got.xs, got.ys, q("#own-zscore").checked, [xMenu.value, yMenu.value], ex.limit);
        ex.useOwnData(own);
      } catch (e) { say("The explorer could not run on these columns (" + (e && e.message || e) + ")."); return; }
      say("The explorer now runs on " + quoted(yMenu.value) + " against " + quoted(xMenu.value) + ": " + got.xs.length + " rows" +
          (got.empty.length ? " (" + got.empty.length + " with an empty cell left out: " + rowsText(got.empty) + ")" : "") +
          ". Its pictures are drawn here; the learning rate starts at half this data's threshold.");
    });
    q("[data-action=own-leave]").addEventListener("click", function () {
      var ex = section.explorer;
      if (!ex) return;
      ex.leaveOwnData(); ex.state = ex.own(); ex.clearNote(); ex.changed();
      say("Back to the chapter's data.");
    });
  }

  window.GDOwnData = {readTable: readTable, columns: columns};
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section.explorer"), attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

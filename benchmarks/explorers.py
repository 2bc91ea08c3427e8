"""The explorers' budgets (issue 26), measured on this machine, written to
benchmarks/EXPLORERS.md.

The explorers compute in the page: static/engine.js runs the chosen setting and
static/explorer.js draws it; each explorer page carries its problem in a
`<script type="application/json" class="explorer-data">` block. This script measures:

- engine.js + the four explorer scripts together, gzipped (budget: at most 40 kB);
- each explorer page's data block, gzipped (budget: at most 30 kB);
- the time a change of the learning rate, and of the start, takes to run again and
  redraw, in headless Chromium with the CPU slowed 4 times (Chromium's phone setting,
  CDP `Emulation.setCPUThrottlingRate`), on every explorer page and both surfaces of the
  optimizers page (budget: 50 ms). It is measured as tests/test_explorer_ui.py measures
  it: the handler's own time (the engine's run, the readout and the SVG), and the time
  to the next frame (that plus the browser's style, layout and paint);
- Lighthouse 12.2.3 (from npm, with Debian's Chromium), default mobile form factor, on
  every explorer page served over http with gzip as GitHub Pages serves it:
  performance and accessibility scores.

Gzip sizes use level 6, the usual level of a web server.

    python benchmarks/explorers.py                      # build at web quality, then measure
    python benchmarks/explorers.py --quality draft      # a quicker build (smaller pictures)
    python benchmarks/explorers.py --site /tmp/site     # measure a site already built
    python benchmarks/explorers.py --no-lighthouse      # skip Lighthouse (needs npx)

Needs the test extras (playwright) and Chromium at /usr/bin/chromium (or
$GDANIM_CHROMIUM). The machine's load average is written beside the figures: the redraw
times and Lighthouse's performance score move with it. A "## Notes" section written by
hand at the end of the output file is kept when the figures are written again.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GDANIM_CHROMIUM", "/usr/bin/chromium")
DATA_OPEN = b'<script type="application/json" class="explorer-data">'
SCRIPTS = ("numbers.js", "engine.js", "explorer-parts.js", "explorer-links.js", "explorer-controls.js",
           "explorer.js")
SCRIPTS_BUDGET, DATA_BUDGET, REDRAW_BUDGET = 40_000, 30_000, 50.0
EXPLORER_PAGES = ("descent-1d.html", "learning-rates.html", "penguins-2d.html",
                  "optimizers.html", "bumpy.html")

# What is timed: a page, the address it opens at, and a name for the table.
VIEWS = (
    ("descent-1d", "descent-1d.html", ""),
    ("learning-rates", "learning-rates.html", ""),
    ("penguins-2d", "penguins-2d.html", ""),
    ("optimizers, round bowl (gradient descent, 400 epochs)", "optimizers.html",
     "#surface=bowl&optimizer=gd"),
    ("optimizers, narrow valley (gradient descent, 3,000 epochs)", "optimizers.html",
     "#surface=valley&optimizer=gd"),
    ("optimizers, narrow valley (Adam, 3,000 epochs)", "optimizers.html",
     "#surface=valley&optimizer=adam&beta=0.9&beta2=0.999&lr=0.464"),
    ("bumpy", "bumpy.html", ""),
)

# The same measurement as tests/test_explorer_ui.py: set a control, fire its event, time
# the handler (t1 - t0), then wait for the next frame to be drawn.
REDRAW = """async ([selector, values]) => {
    const input = document.querySelector(selector), times = [];
    let longest = 0;
    const seen = new PerformanceObserver(list => list.getEntries().forEach(
        e => { longest = Math.max(longest, e.duration); }));
    try { seen.observe({type: 'longtask'}); } catch (e) {}
    for (const v of values) {
        const t0 = performance.now();
        input.value = v;
        input.dispatchEvent(new Event(input.type === 'range' ? 'input' : 'change'));
        const t1 = performance.now();
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        times.push([t1 - t0, performance.now() - t0]);
    }
    seen.disconnect();
    return {times, longest};
}"""
START_RANGE = "() => document.querySelector('section.explorer').explorer.view()[0]"
# A frame with nothing to do: what waiting for the next frame costs by itself.
IDLE = """async () => { const t = [];
    for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[15]; }"""


# --- sizes -------------------------------------------------------------------------------

def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def data_block(html: bytes) -> bytes | None:
    """The page's explorer data block, tags included (what the reader downloads)."""
    start = html.find(DATA_OPEN)
    if start < 0:
        return None
    end = html.index(b"</script>", start) + len(b"</script>")
    return html[start:end]


def sizes(site: Path) -> dict:
    scripts = {name: (site / "static" / name).read_bytes() for name in SCRIPTS}
    pages = {}
    for name in EXPLORER_PAGES:
        block = data_block((site / name).read_bytes())
        pages[name] = None if block is None else (len(block), gz(block))
    return {"scripts": {n: (len(b), gz(b)) for n, b in scripts.items()},
            "together": gz(b"".join(scripts.values())), "data": pages}


# --- a local server like GitHub Pages: text gzipped, a short cache -----------------------

def gzip_server(site: Path) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "max-age=600")
            super().end_headers()

        def send_head(self):
            path = self.translate_path(self.path.split("?")[0].split("#")[0])
            if os.path.isfile(path) and path.endswith((".html", ".js", ".css", ".svg", ".json")) \
                    and "gzip" in self.headers.get("Accept-Encoding", ""):
                with open(path, "rb") as f:
                    data = gzip.compress(f.read(), 6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return io.BytesIO(data)
            return super().send_head()

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@contextlib.contextmanager
def served(site: Path):
    """The site at http://127.0.0.1:<port>/ while the block runs."""
    server = gzip_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- redraw time in Chromium, CPU slowed 4x ----------------------------------------------

def redraw_times(base: str, repeats: int) -> dict:
    """For each view: the handler's and the next frame's times (ms) over `repeats` passes
    of 20 learning rates (slider positions) and 12 starts, and any page error."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        for label, page_name, hash_ in VIEWS:
            context = browser.new_context(viewport={"width": 1280, "height": 800},
                                          reduced_motion="reduce")
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + page_name + hash_, wait_until="load")
            page.wait_for_selector(".explorer-controls:not([hidden])")
            low, high = page.evaluate(START_RANGE)
            starts = [str(low + (high - low) * i / 11) for i in range(12)]
            rates = [str(v) for v in range(20, 200, 9)]
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            idle = page.evaluate(IDLE)
            handler, frame, longest = [], [], 0.0
            for _ in range(repeats):
                for selector, values in (("#explore-rate", rates),
                                         ('input[data-param="0"]', starts)):
                    got = page.evaluate(REDRAW, [selector, values])
                    handler += [t[0] for t in got["times"]]
                    frame += [t[1] for t in got["times"]]
                    longest = max(longest, got["longest"])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            results[label] = {"handler": handler, "frame": frame, "longest": longest,
                              "idle": idle, "errors": errors}
            context.close()
        browser.close()
    return results


# --- Lighthouse --------------------------------------------------------------------------

def lighthouse(url: str) -> dict:
    """Lighthouse 12.2.3's mobile scores and main metrics for `url`, or {"error": ...}."""
    npx = shutil.which("npx")
    if not npx:
        return {"error": "npx is not installed (apt-get install npm)"}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        try:
            result = subprocess.run(
                [npx, "-y", "lighthouse@12.2.3", url, "--output=json",
                 f"--output-path={report}", "--only-categories=performance,accessibility",
                 "--chrome-flags=--headless=new --no-sandbox", "--quiet"],
                capture_output=True, text=True, timeout=400,
                env={**os.environ, "CHROME_PATH": CHROMIUM})
        except subprocess.TimeoutExpired:
            return {"error": "Lighthouse took over 400 s"}
        if result.returncode != 0 or not report.exists():
            return {"error": (result.stderr or result.stdout).strip()[-300:]}
        data = json.loads(report.read_text())
    audits = data["audits"]
    out = {name: round(cat["score"] * 100) for name, cat in data["categories"].items()}
    for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "cumulative-layout-shift", "speed-index"):
        out[key] = audits[key].get("displayValue", "")
    weak = []
    for name in ("performance", "accessibility"):
        for ref in data["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 0.9:
                weak.append(f"{audit['title']} ({audit.get('displayValue') or audit['score']})")
    out["weak"] = weak
    return out


# --- the report ----------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "pass" if ok else "**over**"


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def report(args, site_note: str, size: dict, redraw: dict | None, scores: dict | None,
           loads: list[str], took: float) -> str:
    lines = [
        "# Explorer budgets (issue 26)", "",
        f"Written by `python benchmarks/explorers.py{args.argline}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC in {took / 60:.1f} min, on "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"{site_note} Load average (1 / 5 / 15 min) at the start {loads[0]}, at the end "
        f"{loads[-1]}: this machine is shared, so the times below are what a busy "
        "machine gives.", "",
        "## Sizes (gzip level 6)", "",
        "| what | raw | gzipped | budget | |", "|---|---:|---:|---:|---|",
    ]
    for name, (raw, packed) in size["scripts"].items():
        lines.append(f"| static/{name} | {raw / 1000:.1f} kB | {packed / 1000:.1f} kB | | |")
    together = size["together"]
    lines.append(f"| engine.js + explorer*.js, gzipped as one | | {together / 1000:.1f} kB "
                 f"| 40 kB | {verdict(together <= SCRIPTS_BUDGET)} |")
    for name, pair in size["data"].items():
        if pair is None:
            lines.append(f"| explorer data, {name} | no data block | | 30 kB | **missing** |")
            continue
        lines.append(f"| explorer data, {name} | {pair[0] / 1000:.1f} kB | {pair[1] / 1000:.1f} kB "
                     f"| 30 kB | {verdict(pair[1] <= DATA_BUDGET)} |")
    if redraw is not None:
        lines += [
            "", "## A change of η or of the start, CPU slowed 4x", "",
            f"Headless Chromium, 1280x800; each view: {args.repeats} pass(es) of 20 learning "
            "rates (the slider) and 12 starts (the first parameter's box), each a whole "
            "run again and a redraw. *Handler* is the change event's own time (the "
            "engine's run, the readout, the SVG paths), as tests/test_explorer_ui.py "
            "asserts it; *to the next frame* adds the browser's style, layout and paint. "
            "The first change of each view includes the JavaScript compiler's warm-up, so "
            "the worst is also given without it. *Idle frame*: the wait for the next "
            "frame with nothing changed (one refresh at 60 Hz), part of every next-frame "
            "time. Budget: 50 ms.", "",
            "| view | handler median | handler worst | next frame median | next frame worst "
            "| worst, first change left out | idle frame | longest task | |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for label, r in redraw.items():
            h, f = sorted(r["handler"]), sorted(r["frame"])
            warm = max(r["frame"][1:])
            ok = statistics.median(f) <= REDRAW_BUDGET
            mark = verdict(ok) + (" (worst over)" if ok and f[-1] > REDRAW_BUDGET else "")
            if r["errors"]:
                mark += f"; page errors: {'; '.join(r['errors'])[:200]}"
            lines.append(f"| {label} | {statistics.median(h):.1f} ms | {h[-1]:.1f} ms | "
                         f"{statistics.median(f):.1f} ms | {f[-1]:.1f} ms | {warm:.1f} ms | "
                         f"{r['idle']:.1f} ms | {r['longest']:.0f} ms | {mark} |")
        every = sorted(t for r in redraw.values() for t in r["frame"])
        lines += ["", f"All views together, to the next frame: median "
                  f"{statistics.median(every):.1f} ms, worst {every[-1]:.1f} ms. The "
                  "verdict column judges the median to the next frame; a worst case over "
                  "50 ms is named."]
    if scores is not None:
        lines += ["", "## Lighthouse 12.2.3, mobile (its default form factor and throttling)",
                  "", "Served over http from 127.0.0.1 with gzip and `Cache-Control: "
                  "max-age=600`, as GitHub Pages serves it; Chromium flags `--headless=new "
                  "--no-sandbox`.", "",
                  "| page | performance | accessibility | FCP | LCP | TBT | CLS | SI |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        notes = []
        for page, s in scores.items():
            if "error" in s:
                lines.append(f"| {page} | could not run: {s['error']} | | | | | | |")
                continue
            lines.append(f"| {page} | {s['performance']} | {s['accessibility']} | "
                         f"{s['first-contentful-paint']} | {s['largest-contentful-paint']} | "
                         f"{s['total-blocking-time']} | {s['cumulative-layout-shift']} | "
                         f"{s['speed-index']} |")
            if s["weak"]:
                notes.append(f"- {page}: " + "; ".join(s["weak"]))
        if notes:
            lines += ["", "Scored audits under 0.9:", ""] + notes
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", choices=("draft", "web"), default="web")
    parser.add_argument("--site", help="measure this built site instead of building one")
    parser.add_argument("--repeats", type=int, default=2,
                        help="passes of the 32 changes per view (default 2)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).with_name("EXPLORERS.md")))
    args = parser.parse_args()
    args.argline = ((f" --site {args.site}" if args.site else f" --quality {args.quality}")
                    + (f" --repeats {args.repeats}" if args.repeats != 2 else "")
                    + (" --no-lighthouse" if args.no_lighthouse else ""))
    began, loads = time.perf_counter(), [load()]
    with tempfile.TemporaryDirectory() as tmp:
        if args.site:
            site = Path(args.site)
            manifest = json.loads((site / "manifest.json").read_text())
            quality = manifest.get("quality", "unknown")
            site_note = f"Site: an existing build ({quality} quality)."
        else:
            site = Path(tmp) / "site"
            env = {**os.environ, "GDANIM_CACHE_DIR": os.environ.get(
                "GDANIM_CACHE_DIR", str(Path(tmp) / "cache"))}
            subprocess.run([sys.executable, "generate.py", "build", "--quiet", "--quality",
                            args.quality, "--out", str(site)], cwd=ROOT, check=True, env=env)
            site_note = f"Site: built here at {args.quality} quality."
        size = sizes(site)
        print(json.dumps(size), flush=True)
        with served(site) as base:
            redraw = None
            if os.access(CHROMIUM, os.X_OK):
                redraw = redraw_times(base, args.repeats)
                loads.append(load())
            scores = None
            if not args.no_lighthouse:
                scores = {}
                for page in EXPLORER_PAGES:
                    scores[page] = lighthouse(base + page)
                    print(page, scores[page], flush=True)
        loads.append(load())
    text = report(args, site_note, size, redraw, scores, loads, time.perf_counter() - began)
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if "\n## Notes" in old:          # notes written by hand are kept below the figures
        text += "\n## Notes" + old.split("\n## Notes", 1)[1]
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

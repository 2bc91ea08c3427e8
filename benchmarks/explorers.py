"""The explorers' budgets (issue 18), measured on this machine, written to
benchmarks/EXPLORERS.md:

- what the sweeps add to a cold web build: each explorer's sweep timed on its own (JAX
  compile included, in a fresh process) against a cold `build --quality web`;
- a no-op rebuild (must stay under 1 s);
- explorer data per page, gzipped (budget 150 KB), and the site's transfer size (pages,
  scripts, styles, posters and pictures: everything but the videos and GIFs);
- Lighthouse 12.2.3 (npm, with Debian's Chromium), mobile preset, on a chapter with an
  explorer, served with gzip as GitHub Pages serves it: accessibility (target 100) and
  performance (target at least 95).

    python benchmarks/explorers.py            # web quality (a few minutes on 2 idle cores)
    python benchmarks/explorers.py --quick    # draft quality, a check that it all runs
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = re.compile(rb'<script type="application/json" class="explorer-data">(.*?)</script>', re.S)
SWEEPS = {
    "descent-1d": "from gdanim.chapters.explorers import belt_explorer as f; f(1e-5, 0.0, 1000)",
    "learning-rates": "from gdanim.chapters.explorers import belt_explorer as f; f(1e-5, 0.0, 40)",
    "penguins-2d": ("from gdanim.chapters.explorers import line_explorer as f\n"
                    "from gdanim.maths.data import load_penguins\n"
                    "from gdanim.maths.problems import penguin_loss\n"
                    "p = load_penguins()\n"
                    "f(penguin_loss(), p.x, p.y, p.design, 0.01, (-2.0, 0.0), 1000,"
                    " ((-2.6, 2.6), (-2.0, 3.2)), ('x', 'y'))"),
    "optimizers": ("from gdanim.chapters.optimizers.chapter import round_bowl_explorer as f\n"
                   "f(0.464)"),
    "bumpy": ("from gdanim.chapters.explorers import bumpy_explorer as f\n"
              "from gdanim.chapters.bumpy.chapter import EPOCHS, RATE, STARTS, VIEW\n"
              "f(RATE, EPOCHS, VIEW, STARTS)"),
}


def timed(args, cwd=ROOT, env=None) -> float:
    began = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **(env or {})})
    return time.perf_counter() - began


def sweep_seconds(code: str) -> float:
    """One explorer's sweep in a fresh process, after JAX is imported (its import is
    paid by the build anyway)."""
    probe = ("import time, jax, jax.numpy\n"
             "began = time.perf_counter()\n" + code + "\n"
             "print(time.perf_counter() - began)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def transfer_sizes(site: Path) -> tuple[dict, int]:
    per_page, total = {}, 0
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in (".mp4", ".gif", ".json", ".mov", ".ipynb",
                                                 ".zip", ".pdf", ".tex"):   # downloads
            continue
        raw = path.read_bytes()
        size = len(gzip.compress(raw, 6)) if path.suffix in (".html", ".js", ".css", ".svg") \
            else len(raw)
        total += size
        if path.suffix == ".html":
            found = DATA.findall(raw)
            if found:
                per_page[path.name] = len(gzip.compress(found[0], 9))
    return per_page, total


def gzip_server(site: Path):
    """The site under /gdanim/, text files gzipped as GitHub Pages sends them."""
    import http.server
    import io

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def send_head(self):
            self.path = self.path.replace("/gdanim/", "/", 1)
            path = self.translate_path(self.path.split("?")[0].split("#")[0])
            if os.path.isfile(path) and path.endswith((".html", ".js", ".css", ".svg")) \
                    and "gzip" in self.headers.get("Accept-Encoding", ""):
                with open(path, "rb") as f:
                    data = gzip.compress(f.read())
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return io.BytesIO(data)
            return super().send_head()

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def lighthouse(site: Path, page: str) -> dict | None:
    """Lighthouse's mobile scores for `page`, served locally; None if it cannot run."""
    npx = shutil.which("npx")
    if not npx:
        return None
    server = gzip_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/gdanim/{page}"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        flags = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                 "--disable-component-update --disable-sync --no-first-run")
        result = subprocess.run(
            [npx, "--yes", "lighthouse@12.2.3", url, "--output=json",
             f"--output-path={report}", "--only-categories=performance,accessibility",
             f"--chrome-flags={flags}", "--quiet"],
            capture_output=True, text=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            timeout=300)
        server.shutdown()
        if result.returncode != 0 or not report.exists():
            return {"error": (result.stderr or result.stdout).strip()[-300:]}
        data = json.loads(report.read_text())
    return {name: round(cat["score"] * 100) for name, cat in data["categories"].items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="draft quality, fewer checks")
    parser.add_argument("--out", default=str(Path(__file__).with_name("EXPLORERS.md")))
    args = parser.parse_args()
    quality = "draft" if args.quick else "web"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {"GDANIM_CACHE_DIR": str(tmp / "cache")}
        site = tmp / "site"
        cold = timed([sys.executable, "generate.py", "build", "--quiet", "--quality", quality,
                      "--out", str(site)], env=env)
        noop = timed([sys.executable, "generate.py", "build", "--quiet", "--quality", quality,
                      "--out", str(site)], env=env)
        sweeps = {slug: sweep_seconds(code) for slug, code in SWEEPS.items()}
        per_page, total = transfer_sizes(site)
        scores = None if args.quick else lighthouse(site, "penguins-2d.html")
    added = sum(sweeps.values())
    share = added / max(cold - added, 1e-9)
    lines = [
        "# Explorer budgets", "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `benchmarks/explorers.py`"
        f"{' --quick' if args.quick else ''} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}. Quality: {quality}.", "",
        "| what | measured | budget | |", "|---|---|---|---|",
        f"| sweeps added to a cold build | {added:.1f} s of {cold:.1f} s "
        f"({share:.0%} of the rest) | at most 25% | {'pass' if share <= 0.25 else 'FAIL'} |",
        f"| no-op rebuild | {noop:.2f} s | under 1 s | {'pass' if noop < 1 else 'FAIL'} |",
    ]
    for page, size in per_page.items():
        lines.append(f"| explorer data, {page} (gzip) | {size / 1000:.0f} kB | at most 150 kB | "
                     f"{'pass' if size <= 150_000 else 'FAIL'} |")
    lines.append(f"| site transfer size (pages, scripts, styles gzipped; pictures) | "
                 f"{total / 1e6:.2f} MB | reported | |")
    if scores and "error" not in scores:
        lines.append(f"| Lighthouse mobile, penguins-2d: accessibility | "
                     f"{scores['accessibility']} | 100 | "
                     f"{'pass' if scores['accessibility'] == 100 else 'FAIL'} |")
        lines.append(f"| Lighthouse mobile, penguins-2d: performance | {scores['performance']} "
                     f"| at least 95 | {'pass' if scores['performance'] >= 95 else 'FAIL'} |")
    elif scores:
        lines.append(f"| Lighthouse | could not run: {scores['error']} | | |")
    lines += ["", "Sweep time per chapter (fresh process, JAX imported, compile included): " +
              ", ".join(f"{slug} {s:.1f} s" for slug, s in sweeps.items()) + "."]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

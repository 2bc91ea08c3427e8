"""Lighthouse on every page of a built site (issue 24: performance at least 95 and
accessibility 100, mobile), written to benchmarks/PAGES.md.

benchmarks/explorers.py measures the explorer pages with their redraw times; this script
scores the pages with Lighthouse alone, the same way (12.2.3 from npm, Debian's
Chromium, default mobile form factor and throttling, served over http with gzip as
GitHub Pages serves it). Lighthouse's performance score moves with the machine's load:
a page under the budget is measured once more, and both scores are written.

    python benchmarks/pages.py --site /tmp/site                 # every page
    python benchmarks/pages.py --site /tmp/site vectors.html    # only these pages
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

from explorers import load, lighthouse, served

PERFORMANCE, ACCESSIBILITY = 95, 100
COLUMNS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")


def passes(score: dict) -> bool:
    return "error" not in score and score.get("performance", 0) >= PERFORMANCE and \
        score.get("accessibility", 0) >= ACCESSIBILITY


def row(page: str, score: dict, run: int) -> str:
    if "error" in score:
        return f"| {page} | run {run} | error: {score['error'][:80]} | | | | | | | |"
    cells = " | ".join(str(score.get(c, "")) for c in COLUMNS)
    verdict = "pass" if passes(score) else "under the budget"
    return (f"| {page} | run {run} | {score.get('performance')} | {score.get('accessibility')}"
            f" | {cells} | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", required=True, help="a built site")
    parser.add_argument("pages", nargs="*", help="pages to score (default: every page)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("PAGES.md")))
    args = parser.parse_args()
    site = Path(args.site)
    pages = args.pages or sorted(p.name for p in site.glob("*.html"))
    began, loads, rows = time.perf_counter(), [load()], []
    with served(site) as base:
        for page in pages:
            runs = [lighthouse(base + page)]
            if not passes(runs[0]):
                runs.append(lighthouse(base + page))
            for k, score in enumerate(runs, 1):
                rows.append(row(page, score, k))
                print(page, json.dumps(score), flush=True)
    loads.append(load())
    quality = json.loads((site / "manifest.json").read_text()).get("quality", "unknown")
    lines = [
        "# Lighthouse on every page (issue 24)", "",
        f"Written by `python benchmarks/pages.py --site {args.site}"
        f"{' ' + ' '.join(args.pages) if args.pages else ''}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC in "
        f"{(time.perf_counter() - began) / 60:.1f} min, on {platform.machine()}, "
        f"{os.cpu_count()} CPUs. Site: {quality} quality. Load average (1 / 5 / 15 min) at "
        f"the start {loads[0]}, at the end {loads[-1]}. Budget: performance at least "
        f"{PERFORMANCE}, accessibility {ACCESSIBILITY}; a page under it is scored a second "
        "time.", "",
        "| page | run | performance | accessibility | FCP | LCP | TBT | CLS | SI | |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|", *rows]
    text = "\n".join(lines) + "\n"
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if "\n## Notes" in old:          # notes written by hand are kept below the figures
        text += "\n## Notes" + old.split("\n## Notes", 1)[1]
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

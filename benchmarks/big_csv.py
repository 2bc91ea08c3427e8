"""A teacher's CSV chapter of 2,000,000 rows (issue 25's scale item), built as a teacher
would build it, measured on this machine, written to benchmarks/BIG_CSV.md.

The CSV: x uniform on [0, 10], y = 3x + 4 + normal noise (seeded), 4 decimals, in a
folder of its own with a gdanim.toml that names it as the only chapter. The build:

    generate.py build --config <folder>/gdanim.toml --only big --quality draft \
        --formats poster --out <folder>/site

cold (its own empty cache), under `/usr/bin/time -v`. Reported: wall time, the largest
single process's peak memory (`/usr/bin/time -v`'s "Maximum resident set size", which
covers the build and every process it starts, one at a time), and the peak of the build
and all its processes together (its two render workers run beside it), sampled every
50 ms from /proc (benchmarks/measure.py): resident memory summed, which counts a library
loaded in three processes three times, and proportional shares (Pss) summed, which
count it once, the memory the build really takes. Budget: under 30 s and under 1 GiB,
judged on the largest process and on the Pss sum; the plain sum is shown beside them.

    python benchmarks/big_csv.py                 # 2,000,000 rows, in /tmp/gdanim-big-csv
    python benchmarks/big_csv.py --rows 100000   # smaller, a check that it runs
    python benchmarks/big_csv.py --keep          # leave the folder and the site behind

The machine's load average is written beside the figures: the time moves with it.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_tree_memories  # noqa: E402

SECONDS_BUDGET, MIB_BUDGET = 30.0, 1024.0
CONFIG = """# benchmarks/big_csv.py: one CSV chapter, {rows:,} rows.
[site]
title = "A big CSV"
chapters = ["big"]

[[chapter]]
slug = "big"
title = "Two million rows"
csv = "big.csv"
x = "x"
y = "y"
source = "Made up by benchmarks/big_csv.py: y = 3x + 4 + noise."
"""


def make_csv(path: Path, rows: int, seed: int = 25) -> None:
    """x uniform on [0, 10], y = 3x + 4 + N(0, 1), written in blocks (little memory)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    block = 250_000
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("x,y\n")
        for begin in range(0, rows, block):
            n = min(block, rows - begin)
            x = rng.uniform(0, 10, n)
            y = 3 * x + 4 + rng.normal(0, 1, n)
            np.savetxt(out, np.column_stack([x, y]), fmt="%.4f", delimiter=",")


def timed_build(folder: Path) -> dict:
    """The cold build under /usr/bin/time -v, its process tree sampled for memory."""
    env = {**os.environ, "GDANIM_CACHE_DIR": str(folder / "cache"), "PYTHONPATH": str(ROOT)}
    shutil.rmtree(folder / "cache", ignore_errors=True)
    log = folder / "time.log"
    cmd = ["/usr/bin/time", "-v", "-o", str(log), sys.executable, str(ROOT / "generate.py"),
           "build", "--config", str(folder / "gdanim.toml"), "--only", "big",
           "--quality", "draft", "--formats", "poster", "--out", str(folder / "site")]
    seconds, tree_mib, tree_pss_mib = peak_tree_memories(cmd, cwd=folder, env=env)
    text = log.read_text()
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    return {"seconds": seconds, "wall": wall, "cpu": user + system,
            "max_rss_mib": rss_kib / 1024, "tree_mib": tree_mib, "tree_pss_mib": tree_pss_mib}


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def report(rows: int, size: int, made: float, got: dict, loads: list[str]) -> str:
    ok_time = got["seconds"] < SECONDS_BUDGET
    return "\n".join([
        f"# A CSV chapter of {rows:,} rows (issue 25)", "",
        f"Written by `python benchmarks/big_csv.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} "
        f"UTC, on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}. Load average (1 / 5 / 15 min) before the build "
        f"{loads[0]}, after it {loads[1]}: this machine is shared.", "",
        f"The CSV: {rows:,} rows, {size / 2**20:.1f} MiB (x uniform on [0, 10], y = 3x + 4 + "
        f"normal noise; made in {made:.1f} s, not counted). The build: `generate.py build "
        "--config gdanim.toml --only big --quality draft --formats poster`, cold (an empty "
        "cache), under `/usr/bin/time -v`.", "",
        "| what | measured | budget | |", "|---|---:|---:|---|",
        f"| wall time | {got['seconds']:.1f} s ({got['wall']}; CPU {got['cpu']:.1f} s) | under "
        f"30 s | {'pass' if ok_time else '**over**'} |",
        f"| peak memory, the largest process (`time -v`) | {got['max_rss_mib']:.0f} MiB | "
        f"under 1,024 MiB | {'pass' if got['max_rss_mib'] < MIB_BUDGET else '**over**'} |",
        f"| peak memory, all the build's processes, proportional shares (Pss) summed | "
        f"{got['tree_pss_mib']:.0f} MiB | under 1,024 MiB | "
        f"{'pass' if got['tree_pss_mib'] < MIB_BUDGET else '**over**'} |",
        f"| peak memory, all the build's processes, resident memory summed (a library "
        f"loaded by several processes counted in each) | {got['tree_mib']:.0f} MiB | | |",
        "", "Earlier figures for the same build (issue 25, the largest process): 14 s / "
        "838 MiB before the explorers; 195 s / 5.8 GiB with the first explorers' "
        "precomputed grids; 15.3 s / 938 MiB (1,153 MiB resident summed) with the live "
        "explorers, before the CSV was read row by row (gdanim/maths/csv_columns.py had "
        "held every row as a list of cells, over 500 MiB for this file).", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--folder", default="/tmp/gdanim-big-csv")
    parser.add_argument("--keep", action="store_true", help="keep the folder afterwards")
    parser.add_argument("--out", default=str(Path(__file__).with_name("BIG_CSV.md")))
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / "big.csv"
    began = time.perf_counter()
    make_csv(csv, args.rows)
    made = time.perf_counter() - began
    (folder / "gdanim.toml").write_text(CONFIG.format(rows=args.rows), encoding="utf-8")
    loads = [load()]
    got = timed_build(folder)
    loads.append(load())
    text = report(args.rows, csv.stat().st_size, made, got, loads)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

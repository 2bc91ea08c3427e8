"""Measure gdanim against what a user would otherwise pick, in one run, as ratios, and
write benchmarks/RESULTS.md with the machine it ran on and each target of issue 12.

    python benchmarks/run.py                  # the real run (web quality; ~10 min idle)
    python benchmarks/run.py --quick --out /tmp/results.md   # a check that it all works

What it measures:
- the penguins descent rendered (a) by gdanim, (b) by matplotlib's FuncAnimation.save with
  FFMpegWriter (H.264, yuv420p) on the same figure and update function, (c) by a full
  redraw + savefig PNG per frame + ffmpeg over the PNGs, and (d) the encode floor: the
  same encoder fed frames already in memory;
- training: jit + lax.scan (gdanim.maths.train) against an un-jitted Python loop of jax.grad;
- peak memory (Python plus its ffmpeg children) rendering 100 and 1000 frames, all formats;
- the command line on a copy of the project: a cold build, a rebuild with nothing
  changed, a rebuild after a template edit, and cold builds with --jobs 1 and --jobs 2
  (reported "not available" if `build --help` has no --jobs).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_tree_memory, stopwatch  # noqa: E402

CHAPTER = "penguins-2d"
LIBRARIES = ("numpy", "jax", "jaxlib", "optax", "matplotlib", "imageio-ffmpeg", "jinja2")


# --- the penguins descent, four ways -------------------------------------------------

def descent(quality):
    """The penguins descent animation at `quality` (JAX runs here, outside the timings)."""
    from gdanim.chapters import get

    return get(CHAPTER).run(quality).animations[0]


def ours(animation, quality, folder: Path, formats=("mp4",)) -> list[float]:
    from gdanim.figures import media

    with stopwatch() as took:
        media.render_animation(animation, "bench", folder, formats, quality)
    return took


def funcanimation(animation, quality, folder: Path) -> list[float]:
    """What matplotlib's docs suggest: FuncAnimation + FFMpegWriter, same scene."""
    import matplotlib
    from matplotlib import animation as mpl_animation

    from gdanim.figures.encode import ffmpeg_exe

    matplotlib.rcParams["animation.ffmpeg_path"] = ffmpeg_exe()
    fps = animation.fps or quality.fps
    with stopwatch() as took:
        scene = animation.make_scene(quality)
        movie = mpl_animation.FuncAnimation(
            scene.fig, lambda i: (scene.update(i), scene.moving)[1],
            frames=scene.n_frames, repeat=False, cache_frame_data=False)
        writer = mpl_animation.FFMpegWriter(
            fps=fps, codec="libx264",
            extra_args=["-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p"])
        movie.save(folder / "funcanimation.mp4", writer=writer, dpi=quality.dpi)
    return took


def redraw_png(animation, quality, folder: Path) -> list[float]:
    """A full redraw and a PNG savefig per frame, then ffmpeg over the PNG files."""
    from gdanim.figures.encode import ffmpeg_exe

    fps = animation.fps or quality.fps
    with stopwatch() as took:
        scene = animation.make_scene(quality)
        for i in range(scene.n_frames):
            scene.update(i)
            scene.fig.savefig(folder / f"frame{i:05d}.png", dpi=quality.dpi)
        subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-framerate", str(fps),
                        "-i", str(folder / "frame%05d.png"), "-c:v", "libx264", "-preset",
                        "medium", "-crf", "23", "-pix_fmt", "yuv420p",
                        str(folder / "png.mp4")], check=True)
    return took


def encode_floor(animation, quality, folder: Path, formats=("mp4",)) -> list[float]:
    """gdanim's encoder fed frames already in memory: no drawing at all."""
    from gdanim.figures import encode, render

    scene = animation.make_scene(quality)
    frames = [bytes(frame) for frame in render.frames(scene)]
    size = render.frame_size(scene)
    paths = {fmt: folder / f"floor.{'png' if fmt == 'poster' else fmt}" for fmt in formats}
    with stopwatch() as took:
        with encode.media_writers(paths, size, animation.fps or quality.fps,
                                  animation.poster_frame) as write:
            for i, frame in enumerate(frames):
                write(i, frame)
    return took


def warm_up(animation, quality) -> None:
    """Draw one frame first, so no method pays for imports and font caches."""
    from gdanim.figures import render

    next(iter(render.frames(animation.make_scene(quality))))


def render_benchmarks(quality, folder: Path, say) -> dict:
    animation = descent(quality)
    warm_up(animation, quality)
    n = len(animation.frames)
    results = {"frames": n, "size": quality.size, "cpu": {}}
    runs = [("ours", lambda f: ours(animation, quality, f)),
            ("floor", lambda f: encode_floor(animation, quality, f)),
            ("ours_all", lambda f: ours(animation, quality, f, ("mp4", "gif", "poster"))),
            ("floor_all", lambda f: encode_floor(animation, quality, f,
                                                 ("mp4", "gif", "poster"))),
            ("funcanimation", lambda f: funcanimation(animation, quality, f)),
            ("redraw_png", lambda f: redraw_png(animation, quality, f))]
    for name, run in runs:
        work = folder / name
        work.mkdir()
        results[name], results["cpu"][name] = run(work)
        say(f"  {name:14s} {results[name]:7.2f} s  ({n / results[name]:.1f} frames/s, "
            f"CPU {results['cpu'][name]:.1f} s)")
        shutil.rmtree(work)
    return results


# --- training -------------------------------------------------------------------------

def training_benchmarks(say) -> dict:
    import jax
    import jax.numpy as jnp

    from gdanim.maths.problems import penguin_loss
    from gdanim.chapters.penguins_2d.chapter import EPOCHS, LEARNING_RATE, START
    from gdanim.maths.train import gradient_descent

    loss = penguin_loss()
    with stopwatch() as jitted:   # one call as the build makes it: trace, compile, run
        gradient_descent(loss, START, LEARNING_RATE, EPOCHS)
    with stopwatch() as loop:
        value_and_grad = jax.value_and_grad(loss)
        params, losses = jnp.asarray(START, jnp.float32), []
        for _ in range(EPOCHS):
            value, grad = value_and_grad(params)
            losses.append(value)
            params = params - LEARNING_RATE * grad
        jax.block_until_ready(params)
    say(f"  jit+scan {jitted[0]:.3f} s, Python loop of jax.grad {loop[0]:.3f} s")
    return {"epochs": EPOCHS, "jit": jitted[0], "loop": loop[0]}


# --- memory at two frame counts ----------------------------------------------------------

def render_frames_child(quality_name: str, frames: int, folder: str) -> None:
    """(Run in a subprocess.) Compute the chapter and render its descent with `frames`
    frames in every format."""
    from gdanim.core.config import QUALITIES

    quality = dataclasses.replace(QUALITIES[quality_name], frames=frames, hold=0)
    animation = descent(quality)
    assert len(animation.frames) == frames, len(animation.frames)
    ours(animation, quality, Path(folder), ("mp4", "gif", "poster"))


def memory_benchmarks(quality_name: str, counts: tuple[int, int], folder: Path,
                      say) -> dict:
    results = {}
    for frames in counts:
        work = folder / f"memory-{frames}"
        work.mkdir()
        seconds, peak = peak_tree_memory([sys.executable, __file__, "--render-child",
                                          quality_name, str(frames), str(work)])
        results[frames] = {"seconds": seconds, "peak_mib": peak}
        say(f"  {frames:5d} frames: peak {peak:.0f} MiB, {seconds:.1f} s")
        shutil.rmtree(work)
    return results


# --- the command line on a copy of the project ---------------------------------------

def project_copy(target: Path) -> Path:
    """The project's files (tracked and new, not ignored) copied to `target`."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def cli(project: Path, env: dict, *args: str) -> dict:
    cmd = [sys.executable, "generate.py", *args]
    with stopwatch() as took:
        done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    result = {"seconds": took[0], "ok": done.returncode == 0, "args": " ".join(args)}
    if done.returncode != 0:
        result["error"] = f"exit {done.returncode}: {done.stderr.strip()[-400:]}"
    return result


def build_benchmarks(quality_name: str, folder: Path, say) -> dict:
    project = project_copy(folder / "project")
    env = {**os.environ, "GDANIM_CACHE_DIR": str(folder / "cache"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    common = ("--quality", quality_name, "--quiet")
    results = {}
    results["cold"] = cli(project, env, "build", "--out", "site", "--fresh", *common)
    results["noop"] = cli(project, env, "build", "--out", "site", *common)
    base = project / "templates" / "base.html"
    base.write_text(base.read_text() + "{# benchmark: a template edit #}\n")
    results["template"] = cli(project, env, "build", "--out", "site", *common)
    helps = subprocess.run([sys.executable, "generate.py", "build", "--help"], cwd=project,
                           env=env, capture_output=True, text=True).stdout
    if "--jobs" in helps:
        for jobs in (1, 2):
            results[f"jobs{jobs}"] = cli(project, env, "build", "--out", f"site-j{jobs}",
                                         "--fresh", "--jobs", str(jobs), *common)
    for name, result in results.items():
        state = "" if result["ok"] else f"  FAILED {result['error']}"
        say(f"  {name:9s} {result['seconds']:6.2f} s{state}")
    return results


# --- the report ----------------------------------------------------------------------

def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from gdanim.figures.encode import ffmpeg_exe

    ffmpeg = subprocess.run([ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True,
                            text=True).stdout.split("\n")[0]
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"cpus": os.cpu_count(), "model": model, "python": platform.python_version(),
            "platform": platform.platform(), "load": os.getloadavg(),
            "versions": versions, "ffmpeg": ffmpeg}


def verdict(ok: bool | None) -> str:
    return {True: "pass", False: "**FAIL**", None: "not available"}[ok]


def targets(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, goal, passed) for each target of issue 12."""
    render, memory, builds = r["render"], r["memory"], r["builds"]
    speedup = render["funcanimation"] / render["ours"]
    floor = render["ours"] / render["floor"]
    cpu = render["cpu"]
    small, big = sorted(memory)
    ratio = memory[big]["peak_mib"] / memory[small]["peak_mib"]
    rows = [("render vs `FuncAnimation.save` (penguins descent, MP4)",
             f"{speedup:.1f}x faster (CPU time: {cpu['funcanimation'] / cpu['ours']:.1f}x)",
             ">= 15x", speedup >= 15),
            ("ours vs the encode floor (MP4)",
             f"{floor:.2f}x the floor (CPU time: {cpu['ours'] / cpu['floor']:.2f}x)", "<= 2x",
             floor <= 2),
            (f"peak memory, {big} / {small} frames (all formats)",
             f"{ratio:.2f} ({memory[big]['peak_mib']:.0f} / "
             f"{memory[small]['peak_mib']:.0f} MiB)", "<= 1.25", ratio <= 1.25)]

    def timed(name: str, goal: float) -> tuple[str, bool | None]:
        result = builds.get(name)
        if not result:
            return "not available", None
        if not result["ok"]:
            return f"failed ({result['error'][:80]})", False
        return f"{result['seconds']:.2f} s", result["seconds"] < goal

    for key, label, goal in (("noop", "no-op rebuild", 1.0),
                             ("template", "template-only rebuild", 1.5)):
        value, ok = timed(key, goal)
        rows.append((label, value, f"< {goal:g} s", ok))
    if "jobs1" in builds and "jobs2" in builds:
        one, two = builds["jobs1"], builds["jobs2"]
        ok = one["ok"] and two["ok"] and two["seconds"] < one["seconds"]
        rows.append(("cold build `--jobs 2` vs `--jobs 1`",
                     f"{two['seconds']:.1f} s vs {one['seconds']:.1f} s "
                     f"({one['seconds'] / two['seconds']:.2f}x)", "faster", ok))
    else:
        rows.append(("cold build `--jobs 2` vs `--jobs 1`", "not available (no --jobs)",
                     "faster", None))
    return rows


def report(r: dict, settings: str) -> str:
    m, render, train = r["machine"], r["render"], r["train"]
    n, (w, h) = render["frames"], render["size"]
    lines = [
        "# Benchmarks", "",
        f"Written by `python benchmarks/run.py{settings}` on "
        f"{r['started']:%Y-%m-%d %H:%M} UTC; the run took {r['took'] / 60:.1f} min. "
        f"Every figure below comes from that one run.", "",
        "## Machine", "",
        f"- CPU: {m['model']}, {m['cpus']} logical CPUs; load average at the start "
        f"{m['load'][0]:.2f} / {m['load'][1]:.2f} / {m['load'][2]:.2f} (1 / 5 / 15 min)",
        f"- {m['platform']}, Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- {m['ffmpeg']}", "",
        "## Targets (issue 12)", "",
        "| target | measured | goal | result |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {goal} | {verdict(ok)} |"
              for name, value, goal, ok in targets(r)]
    lines += ["", f"## Rendering the penguins descent ({n} frames at {w}x{h})", "",
              "| method | seconds | frames/s | relative to ours | CPU seconds (all "
              "processes) |", "|---|---:|---:|---:|---:|"]
    labels = {"ours": "gdanim (blit, one ffmpeg pass), MP4",
              "floor": "encode floor: gdanim's encoder fed frames from memory, MP4",
              "ours_all": "gdanim, MP4 + GIF + poster",
              "floor_all": "encode floor, MP4 + GIF + poster",
              "funcanimation": "`FuncAnimation.save` + `FFMpegWriter` (h264, yuv420p)",
              "redraw_png": "full redraw + `savefig` PNG per frame + ffmpeg"}
    for key, label in labels.items():
        seconds = render[key]
        lines.append(f"| {label} | {seconds:.2f} | {n / seconds:.1f} | "
                     f"{seconds / render['ours']:.2f}x | {render['cpu'][key]:.1f} |")
    lines += ["", f"## Training ({train['epochs']} epochs of gradient descent on the "
              f"penguins)", "", "| method | seconds |", "|---|---:|",
              f"| `jit` + `lax.scan` (one call: trace, compile, run) | {train['jit']:.3f} |",
              f"| un-jitted Python loop of `jax.value_and_grad` | {train['loop']:.3f} |", "",
              f"The compiled scan is {train['loop'] / train['jit']:.1f}x faster.", "",
              "## Peak memory (Python + ffmpeg children, sampled every 50 ms)", "",
              "Computing the chapter and rendering its descent in every format, in a fresh "
              "process.", "", "| frames | peak MiB | seconds |", "|---:|---:|---:|"]
    for frames, result in sorted(r["memory"].items()):
        lines.append(f"| {frames} | {result['peak_mib']:.0f} | {result['seconds']:.1f} |")
    lines += ["", "## The command line (`generate.py build`, on a copy of the project)", "",
              "| build | seconds | arguments |", "|---|---:|---|"]
    names = {"cold": "cold", "noop": "nothing changed", "template": "after a template edit",
             "jobs1": "cold, `--jobs 1`", "jobs2": "cold, `--jobs 2`"}
    for key, result in r["builds"].items():
        state = f"{result['seconds']:.2f}" if result["ok"] else f"failed: {result['error']}"
        lines.append(f"| {names[key]} | {state} | `{result['args']}` |")
    if "jobs1" not in r["builds"]:
        lines.append("| `--jobs 1` / `--jobs 2` | not available | `build --help` has no "
                     "`--jobs` |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="web", help="draft or web (default: web)")
    parser.add_argument("--memory-frames", default="100,1000", metavar="SMALL,BIG",
                        help="the two frame counts compared for memory (default: 100,1000)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast check that everything runs: draft quality, 20 and 200 "
                             "frames for memory")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")),
                        help="where to write the report (default: benchmarks/RESULTS.md)")
    parser.add_argument("--render-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_child:
        quality_name, frames, folder = args.render_child
        render_frames_child(quality_name, int(frames), folder)
        return
    if args.quick:
        args.quality, args.memory_frames = "draft", "20,200"
    from gdanim.core.config import QUALITIES

    quality = QUALITIES[args.quality]
    counts = tuple(int(x) for x in args.memory_frames.split(","))
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    results = {"started": datetime.now(timezone.utc), "machine": machine()}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-") as tmp:
        folder = Path(tmp)
        say(f"rendering the penguins descent at {quality.name} quality")
        results["render"] = render_benchmarks(quality, folder, say)
        say("training")
        results["train"] = training_benchmarks(say)
        say(f"peak memory at {counts[0]} and {counts[1]} frames")
        results["memory"] = memory_benchmarks(quality.name, counts, folder, say)
        say("builds")
        results["builds"] = build_benchmarks(quality.name, folder, say)
    results["took"] = time.perf_counter() - started
    settings = " --quick" if args.quick else "".join(
        f" --{name.replace('_', '-')} {value}"
        for name, value, default in (("quality", args.quality, "web"),
                                     ("memory_frames", args.memory_frames, "100,1000"))
        if value != default)
    text = report(results, settings)
    Path(args.out).write_text(text)
    say(f"wrote {args.out}")
    print(text)


if __name__ == "__main__":
    main()

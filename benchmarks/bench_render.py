"""Render the 1-D descent animation two ways and print the speed-up of ours.

ours:  figure built once, static layers blitted, RGBA streamed into one ffmpeg process
naive: a full redraw and a PNG `savefig` per frame, then ffmpeg over the PNG files

    python benchmarks/bench_render.py [--quality draft|web]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gdanim.config import QUALITIES  # noqa: E402
from gdanim.scenarios import get  # noqa: E402


def ours(animation, quality, folder: Path) -> float:
    from gdanim import media

    started = time.perf_counter()
    media.render_animation(animation, "bench", folder, ("mp4",), quality)
    return time.perf_counter() - started


def naive(animation, quality, folder: Path) -> float:
    import imageio_ffmpeg

    started = time.perf_counter()
    scene = animation.make_scene(quality)
    for i in range(scene.n_frames):
        scene.update(i)
        scene.fig.savefig(folder / f"frame{i:05d}.png")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y",
                    "-framerate", str(quality.fps), "-i", str(folder / "frame%05d.png"),
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(folder / "naive.mp4")],
                   check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="web", choices=list(QUALITIES))
    quality = QUALITIES[parser.parse_args().quality]
    animation = get("descent-1d").run(quality).animations[0]
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        fast = ours(animation, quality, Path(a))
        slow = naive(animation, quality, Path(b))
    frames = len(animation.frames)
    print(f"descent-1d, {frames} frames at {quality.size[0]}x{quality.size[1]}")
    print(f"  ours  (blit + stream): {fast:6.2f} s  {frames / fast:6.1f} frames/s")
    print(f"  naive (redraw + png):  {slow:6.2f} s  {frames / slow:6.1f} frames/s")
    print(f"  speed-up: {slow / fast:.1f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

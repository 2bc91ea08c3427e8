"""The GIF budget: a slide GIF re-encoded from its MP4 until it fits."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from gdanim.core import text
from gdanim.core.errors import GdanimError
from gdanim.outputs.kit.slide import Slide

GIF_BUDGET = 8 * 1024 * 1024   # Google Slides takes GIFs (not local video); keep them light

# Each step costs more of the picture than the one before: fewer colours first (plots
# use few), then every other frame, then fewer pixels.
GIF_STEPS = ((128, 1, 1920), (64, 1, 1920), (64, 2, 1920), (64, 2, 1280), (48, 2, 960),
             (32, 3, 960), (32, 3, 640))


def shrink_gif(kit: Path, s: Slide, say: Callable[[str], None],
               budget: int = GIF_BUDGET) -> str:
    """Re-encode the slide GIF from its MP4 until it fits `budget` bytes. Returns a
    sentence saying what was done ("" if it already fitted)."""
    import imageio_ffmpeg

    from gdanim.figures.encode import atomic_path

    gif = kit / s.file("gif")
    size = gif.stat().st_size
    if size <= budget:
        return ""
    if not s.file("mp4"):
        return (f"The GIF is {text.file_size(size)}, over the {text.file_size(budget)} "
                f"budget; build with the mp4 format too to let the build shrink it.")
    fps = s.entry["fps"]
    for colours, every, width in GIF_STEPS:
        width = min(width, s.entry["width"])
        graph = (f"[0:v]select='not(mod(n\\,{every}))',setpts=N/({fps}/{every})/TB,"
                 f"scale={width}:-2:flags=lanczos,split[a][b];"
                 f"[a]palettegen=max_colors={colours}:stats_mode=diff[p];"
                 f"[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle")
        with atomic_path(gif) as tmp:
            result = subprocess.run(
                [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 "-i", str(kit / s.file("mp4")), "-filter_complex", graph,
                 "-r", f"{fps / every:g}", "-loop", "0", "-f", "gif", str(tmp)],
                capture_output=True, text=True)
            if result.returncode != 0:
                raise GdanimError(f"ffmpeg failed shrinking {gif.name}:\n{result.stderr}")
            new = tmp.stat().st_size
            if new > budget and (colours, every, width) != GIF_STEPS[-1]:
                continue
        done = [f"{colours} colours"]
        if every > 1:
            done.append(f"every {'other' if every == 2 else f'{every}rd'} frame "
                        f"({fps / every:g} fps)")
        if width < s.entry["width"]:
            done.append(f"{width} pixels wide")
        if new > budget:   # even the smallest step did not fit: say so plainly
            note = (f"The slide GIF is {text.file_size(new)}, over the "
                    f"{text.file_size(budget)} budget by {text.file_size(new - budget)}, "
                    f"even made with {', '.join(done)} (it was {text.file_size(size)}). "
                    f"Apps with a GIF size limit may refuse it; use the MP4 (full quality) "
                    f"where you can.")
            say(f"  gif    {s.id}: OVER BUDGET: {text.file_size(new)}, "
                f"{text.file_size(new - budget)} over {text.file_size(budget)} even with "
                f"{', '.join(done)}")
            return note
        note = (f"The slide GIF was {text.file_size(size)}, over the "
                f"{text.file_size(budget)} budget, so it was made with "
                f"{', '.join(done)}: now {text.file_size(new)}. The MP4 is full quality.")
        say(f"  gif    {s.id}: {text.file_size(size)} -> {text.file_size(new)} "
            f"({', '.join(done)})")
        return note
    return ""

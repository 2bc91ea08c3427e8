"""The opt-in `frames` format: an animation as numbered PNG files plus a LaTeX snippet
for the `animate` package (Beamer). `animate` reads `<basename><n>.png` for n from
`first` to `last`, zero-padded to as many digits as `first` has, so every file name
here has the same width as the last number."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from gdanim.core.errors import GdanimError


def folder_path(media_folder: str, name: str) -> str:
    """Site-relative folder of an animation's frame files (ends with a slash)."""
    return f"{media_folder}/{name}-frames/"


def snippet_path(media_folder: str, name: str) -> str:
    return f"{media_folder}/{name}-frames/{name}.tex"


def files(media_folder: str, name: str, count: int) -> dict[str, str]:
    """Every file the format writes, by a name for each: the snippet, then the frames."""
    folder = folder_path(media_folder, name)
    out = {"beamer": snippet_path(media_folder, name)}
    out.update({f"beamer frame {i}": folder + frame_name(name, i, count)
                for i in range(count)})
    return out


def digits(count: int) -> int:
    """Width of every frame number: that of the last one, `count - 1`."""
    return len(str(max(count - 1, 0)))


def frame_name(name: str, i: int, count: int) -> str:
    return f"{name}-{i:0{digits(count)}d}.png"


# The picture's height as a share of the frame's text height: with a frame title and
# the animate controls below the picture, 0.72 leaves room for both (a 16:9 picture at
# the full text width is too tall for a 4:3 or 16:9 frame with a title).
HEIGHT = "0.72\\textheight"


def snippet(name: str, count: int, fps: int, folder: str) -> str:
    """The `\\animategraphics` call for frames 0..count-1 in `folder`, a path relative
    to the main .tex file (the folder that holds `media/`), so that `\\input` of this
    snippet finds its frames from there: LaTeX reads every path in an \\input file
    relative to the main file's folder, not the snippet's."""
    width = digits(count)
    first, last = "0" * width, f"{count - 1:0{width}d}"
    return (f"% {count} frames at {fps} fps, named from the folder that holds media/.\n"
            f"% Needs \\usepackage{{animate}}; the animation plays in Adobe Acrobat Reader,\n"
            f"% Okular and PDF-XChange, not in macOS Preview or most browsers (they show\n"
            f"% the poster, here the last frame).\n"
            f"\\begin{{center}}\n"
            f"\\animategraphics[loop,controls,poster=last,width=\\linewidth,"
            f"height={HEIGHT},keepaspectratio]"
            f"{{{fps}}}{{{folder}{name}-}}{{{first}}}{{{last}}}\n"
            f"\\end{{center}}\n")


@contextmanager
def png_sequence(folder: Path, name: str, size: tuple[int, int], fps: int,
                 count: int, relative: str) -> Iterator[Callable[[bytes], None]]:
    """Yield `write(rgba_bytes)` for `count` frames; ffmpeg writes them as numbered
    PNGs into a temporary folder that replaces `folder` only if all went well, with
    `<name>.tex` (the snippet, naming the frames by `relative`, the folder's path from
    the site's root) beside them."""
    import imageio_ffmpeg

    width, height = size
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".part"))
    pattern = tmp / f"{name}-%0{digits(count)}d.png"
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-r", str(fps),
           "-i", "pipe:0", "-pix_fmt", "rgb24", "-start_number", "0", "-f", "image2",
           str(pattern)]
    try:
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=errors)
            try:
                yield lambda frame: proc.stdin.write(frame)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
            if proc.wait() != 0:
                errors.seek(0)
                raise GdanimError(f"ffmpeg failed writing the frames of {name} "
                                  f"(exit {proc.returncode}):\n"
                                  f"{errors.read().decode(errors='replace').strip()}")
        written = sorted(tmp.glob(f"{name}-*.png"))
        if len(written) != count:
            raise GdanimError(f"{name}: expected {count} frame files, ffmpeg wrote "
                              f"{len(written)}")
        (tmp / f"{name}.tex").write_text(snippet(name, count, fps, relative),
                                         encoding="utf-8")
        for path in [tmp, *tmp.iterdir()]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

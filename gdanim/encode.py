"""Encode streamed RGBA frames with ffmpeg: one process per output file, written
atomically (temp file, then rename). A failing ffmpeg raises with its stderr."""
from __future__ import annotations

import os
import subprocess
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

import imageio_ffmpeg

from gdanim.errors import GdanimError


class FfmpegError(GdanimError):
    pass


# Arguments after the raw-video input, per output format. H.264 in yuv420p is what
# QuickTime, PowerPoint and every browser play; +faststart lets it begin before it loads.
OUTPUT_ARGS = {
    "mp4": ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4"],
    # One palette for the whole clip, then dither against it; only changed rectangles
    # are re-encoded, which keeps plot GIFs small.
    "gif": ["-filter_complex",
            "[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];"
            "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle",
            "-loop", "0", "-f", "gif"],
}


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; move it into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the site is public
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def ffmpeg_writer(path: Path, fmt: str, size: tuple[int, int],
                  fps: int) -> Iterator[Callable[[bytes], None]]:
    """Yield `write(rgba_bytes)`; on exit close ffmpeg's input and check it succeeded."""
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"frame size must be even for H.264, got {width}x{height}")
    with atomic_path(path) as tmp, tempfile.TemporaryFile() as errors:
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
               "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
               "-r", str(fps), "-i", "pipe:0", *OUTPUT_ARGS[fmt], str(tmp)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=errors)

        def write(frame: bytes) -> None:
            try:
                proc.stdin.write(frame)
            except BrokenPipeError:
                pass  # ffmpeg died; its exit code and stderr are reported below

        try:
            yield write
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            if proc.stdin and not proc.stdin.closed:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
        if proc.wait() != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise FfmpegError(f"ffmpeg failed writing {path.name} (exit {proc.returncode}):"
                              f"\n{message}")


def write_png(path: Path, frame: bytes, size: tuple[int, int]) -> None:
    """Save one RGBA frame as an opaque PNG."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.frombuffer("RGBA", size, frame, "raw", "RGBA", 0, 1).convert("RGB").save(
            tmp, format="PNG", optimize=True)


@contextmanager
def media_writers(paths: dict[str, Path], size: tuple[int, int], fps: int,
                  poster_frame: int) -> Iterator[Callable[[int, bytes], None]]:
    """One sink for every requested format: `write(i, frame)` feeds each video
    encoder and keeps frame `poster_frame` for the poster PNG."""
    with ExitStack() as stack:
        videos = [stack.enter_context(ffmpeg_writer(path, fmt, size, fps))
                  for fmt, path in paths.items() if fmt in OUTPUT_ARGS]
        poster: list[bytes] = []

        def write(i: int, frame: bytes) -> None:
            for video in videos:
                video(frame)
            if i == poster_frame and "poster" in paths:
                poster.append(bytes(frame))

        yield write
    if "poster" in paths:
        if not poster:
            raise ValueError(f"poster frame {poster_frame} was never rendered")
        write_png(paths["poster"], poster[0], size)


def probe(path: Path) -> dict:
    """Decode a media file fully: frame count, size, codec and pixel format."""
    import re

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    result = subprocess.run([exe, "-hide_banner", "-i", str(path), "-map", "0:v:0",
                             "-f", "null", "-"], capture_output=True, text=True)
    if result.returncode != 0:
        raise FfmpegError(f"cannot decode {path}:\n{result.stderr}")
    stream = re.search(r"Stream #0:0.*?Video: (\w+).*?, (\w+)[(,].*?(\d{2,5})x(\d{2,5})",
                       result.stderr)
    frames = re.findall(r"frame=\s*(\d+)", result.stderr)
    if not stream or not frames:
        raise FfmpegError(f"unexpected ffmpeg output for {path}:\n{result.stderr}")
    return {"codec": stream.group(1), "pix_fmt": stream.group(2),
            "width": int(stream.group(3)), "height": int(stream.group(4)),
            "frames": int(frames[-1])}

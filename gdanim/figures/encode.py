"""Encode streamed RGBA frames with ffmpeg, every frame piped once.

One ffmpeg process reads the frames and writes the MP4 and, for a GIF, the palette
(`palettegen`, which keeps only colour counts) plus a lossless QuickTime-RLE copy of the
clip (small for plots: only changed rows are stored). A second, short ffmpeg pass maps
that copy onto the palette (`paletteuse`). Nothing holds every frame, so memory stays
flat in the number of frames, and the GIF is the same as a one-pass
`palettegen`/`paletteuse` over the same frames would make.

Every output goes to a temporary file, is decoded and its frames counted, and only then
moves into place. Each ffmpeg runs in its own process group under a watchdog; a missing,
broken, crashed or hung ffmpeg raises FfmpegError saying what happened and what to do.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from gdanim.core.errors import GdanimError, disk_of


class FfmpegError(GdanimError):
    """ffmpeg is missing or broken, failed, or wrote a file that does not check out."""


TIMEOUT_ENV = "GDANIM_FFMPEG_TIMEOUT"
DEFAULT_TIMEOUT = 120.0   # seconds without progress; a frame takes well under one

# H.264 in yuv420p is what QuickTime, PowerPoint and every browser play; +faststart lets
# it begin before it has loaded.
MP4_ARGS = ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4"]
# One palette for the whole clip, weighted to what changes between frames; only changed
# rectangles are re-encoded, which keeps plot GIFs small.
PALETTEGEN = "palettegen=stats_mode=diff"
PALETTEUSE = "paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle"
GIF_ARGS = ["-loop", "0", "-f", "gif"]
# Lossless and quick; argb keeps every bit of the rgba frames.
LOSSLESS_ARGS = ["-c:v", "qtrle", "-pix_fmt", "argb", "-f", "mov"]
VIDEO_FORMATS = ("mp4", "gif")


# --- finding and running ffmpeg ------------------------------------------------------

def ffmpeg_exe() -> str:
    """The ffmpeg to run: $IMAGEIO_FFMPEG_EXE if set, else imageio-ffmpeg's own."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise FfmpegError(f"no ffmpeg found ({error}). Reinstall imageio-ffmpeg "
                          f"(python -m pip install --force-reinstall imageio-ffmpeg), which "
                          f"brings its own ffmpeg") from None


def _fix() -> str:
    """What a user can do about a broken ffmpeg, depending on where it came from."""
    if os.environ.get("IMAGEIO_FFMPEG_EXE"):
        return ("IMAGEIO_FFMPEG_EXE chooses this ffmpeg: point it at a working ffmpeg, or "
                "unset it to use the one that comes with imageio-ffmpeg")
    return ("reinstall imageio-ffmpeg (python -m pip install --force-reinstall "
            "imageio-ffmpeg), or set IMAGEIO_FFMPEG_EXE to a working ffmpeg")


def timeout() -> float:
    """Seconds ffmpeg may go without progress before it is stopped ($GDANIM_FFMPEG_TIMEOUT)."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise FfmpegError(f"{TIMEOUT_ENV} must be a number of seconds above 0, got {raw!r}")
    return value


class Ffmpeg:
    """One running ffmpeg in its own process group, stderr kept for messages.

    A watchdog thread kills it when it makes no progress for `timeout()` seconds while we
    wait on it (writing a frame, or waiting for it to finish). Progress is any line of
    its `-progress` report or any frame it takes from us. Use as a context manager: an
    exception in the body (an error, Ctrl-C, SIGTERM turned into SystemExit) kills it.
    """

    def __init__(self, args: list[str], what: str, feed: bool = False,
                 loglevel: str = "error"):
        self.what = what
        self.args = args
        self.exe = ffmpeg_exe()
        self.limit = timeout()
        self.hung = False
        self.progress: dict[str, str] = {}    # the last value of each -progress key
        self._errors = tempfile.TemporaryFile()
        self._waiting_since: float | None = None
        self._finished = threading.Event()
        cmd = [self.exe, "-hide_banner", "-loglevel", loglevel, "-nostats",
               "-progress", "pipe:1", "-y", *([] if feed else ["-nostdin"]), *args]
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=self._errors, start_new_session=True)
        except OSError as error:
            self._errors.close()
            raise self._cannot_start(error) from None
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _cannot_start(self, error: OSError) -> FfmpegError:
        if isinstance(error, FileNotFoundError):
            return FfmpegError(f"ffmpeg is missing: there is no program at {self.exe}. "
                               f"{_fix()}")
        if isinstance(error, PermissionError):
            return FfmpegError(f"ffmpeg at {self.exe} cannot be run (it is not "
                               f"executable). Make it executable (chmod +x), or {_fix()}")
        return FfmpegError(f"ffmpeg at {self.exe} cannot be run ({error.strerror}). "
                           f"{_fix()}")

    def __enter__(self) -> "Ffmpeg":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None or self.proc.returncode is None:
            self.kill()
        self._finished.set()
        self._errors.close()

    def _read_progress(self) -> None:
        for line in self.proc.stdout:
            key, _, value = line.decode(errors="replace").strip().partition("=")
            self.progress[key] = value
            if self._waiting_since is not None:
                self._waiting_since = time.monotonic()

    def _watch(self) -> None:
        while not self._finished.wait(min(1.0, self.limit / 4)):
            since = self._waiting_since
            if since is not None and time.monotonic() - since > self.limit:
                self.hung = True
                self._signal_group()
                return

    def _signal_group(self) -> None:
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def kill(self) -> None:
        """Stop ffmpeg and anything it started, and reap it."""
        self._signal_group()
        self.proc.wait()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass

    def write(self, frame) -> None:
        """Hand ffmpeg one frame; raise FfmpegError at once if it has stopped."""
        self._waiting_since = time.monotonic()
        try:
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.kill()
            raise self.error(early=True) from None
        finally:
            self._waiting_since = None

    def finish(self) -> None:
        """Close ffmpeg's input, wait for it to end and raise FfmpegError unless it
        ended well."""
        self._waiting_since = time.monotonic()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        self.proc.wait()
        self._reader.join()         # its last progress lines are in
        self._waiting_since = None
        self._finished.set()
        if self.proc.returncode != 0:
            raise self.error()

    def stderr(self, tail: int | None = 12) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return "\n".join(lines[-tail:] if tail else lines)   # the end says what went wrong

    def error(self, early: bool = False) -> FfmpegError:
        """The FfmpegError that describes how this ffmpeg ended."""
        code, said = self.proc.returncode, self.stderr()
        words = f"\nffmpeg said:\n{said}" if said else ""
        if self.hung:
            return FfmpegError(
                f"ffmpeg made no progress for {self.limit:g} s while {self.what} and was "
                f"stopped. If the machine is only very busy, allow it more time with "
                f"{TIMEOUT_ENV}=600 (seconds); otherwise {_fix()}{words}")
        if "No space left on device" in said:
            output = next((a for a in reversed(self.args) if os.sep in a), None)
            return FfmpegError(f"the disk is full while {self.what}; free some space on "
                               f"the disk{disk_of(output)} and build again")
        if re.search(r"Unknown encoder 'libx264'|Encoder \S*libx264\S* not found", said):
            return FfmpegError(
                f"the ffmpeg at {self.exe} has no H.264 encoder (libx264), which MP4 "
                f"output needs. Use an ffmpeg built with libx264: {_fix()}; or leave MP4 "
                f"out (--formats gif,poster)")
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            return FfmpegError(f"ffmpeg crashed (signal {name}) while {self.what}. Try "
                               f"again; if it keeps crashing, {_fix()}{words}")
        if code == 0 and early:
            return FfmpegError(f"ffmpeg stopped reading frames part-way while {self.what}, "
                               f"yet reported success: {_fix()}{words}")
        return FfmpegError(f"ffmpeg failed (exit {code}) while {self.what}{words}\n"
                           f"If ffmpeg itself is broken, {_fix()}")


def run(args: list[str], what: str, loglevel: str = "error") -> tuple[dict[str, str], str]:
    """Run ffmpeg to the end under the watchdog; return its last progress report and
    its stderr."""
    with Ffmpeg(args, what, loglevel=loglevel) as ffmpeg:
        ffmpeg.finish()
        return ffmpeg.progress, ffmpeg.stderr(tail=None)


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """While ffmpeg runs, turn SIGTERM/SIGHUP into SystemExit(128 + signal) so cleanup
    code runs and kills it, unless someone (the command line) already handles them.
    Only the main thread can set handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    installed = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) == signal.SIG_DFL:
            installed[sig] = signal.signal(sig, _exit_on_signal)
    try:
        yield
    finally:
        for sig, previous in installed.items():
            signal.signal(sig, previous)


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


# --- files ---------------------------------------------------------------------------

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


def write_png(path: Path, frame: bytes, size: tuple[int, int]) -> None:
    """Save one RGBA frame as an opaque PNG."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.frombuffer("RGBA", size, frame, "raw", "RGBA", 0, 1).convert("RGB").save(
            tmp, format="PNG", optimize=True)


def encode_args(size: tuple[int, int], fps: int, outputs: dict[str, Path]) -> list[str]:
    """Arguments for the one pass over the raw frames. `outputs` maps "mp4", "palette"
    and "lossless" to the files to write (any subset, at least one)."""
    width, height = size
    args = ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
            "-r", str(fps), "-i", "pipe:0"]
    per_output = {"mp4": MP4_ARGS, "palette": ["-frames:v", "1", "-update", "1",
                                                "-c:v", "png", "-f", "image2"],
                  "lossless": LOSSLESS_ARGS}
    names = [name for name in per_output if name in outputs]
    branches = [f"[v{k}]" for k in range(len(names))]
    graph = f"[0:v]split={len(names)}{''.join(branches)}"
    if "palette" in names:
        k = names.index("palette")
        graph += f";{branches[k]}{PALETTEGEN}[pal]"
        branches[k] = "[pal]"
    args += ["-filter_complex", graph]
    for name, branch in zip(names, branches):
        args += ["-map", branch, *per_output[name], str(outputs[name])]
    return args


def gif_args(lossless: Path, palette: Path, gif: Path) -> list[str]:
    """Arguments for the second pass: the lossless copy, dithered onto the palette."""
    return ["-i", str(lossless), "-i", str(palette), "-filter_complex",
            f"[0:v][1:v]{PALETTEUSE}", *GIF_ARGS, str(gif)]


def check_output(path: Path, fmt: str, frames: int, shown_as: str) -> None:
    """Raise FfmpegError unless `path` is non-empty, decodes, and has `frames` frames
    (and for MP4: H.264 in yuv420p)."""
    if not path.is_file() or path.stat().st_size == 0:
        raise FfmpegError(f"ffmpeg reported success but wrote nothing to {shown_as}, so it "
                          f"is probably not a working ffmpeg: {_fix()}")
    info = probe(path)
    if info["frames"] != frames:
        raise FfmpegError(f"{shown_as} has {info['frames']} frames after encoding, not "
                          f"{frames}: ffmpeg wrote an incomplete file. Build again; if it "
                          f"happens again, {_fix()}")
    if fmt == "mp4" and (info["codec"], info["pix_fmt"]) != ("h264", "yuv420p"):
        raise FfmpegError(f"{shown_as} is {info['codec']}/{info['pix_fmt']}, not "
                          f"h264/yuv420p, so slides and browsers may not play it: {_fix()}")


def _shown(path: Path) -> str:
    """A file as messages name it: its folder (the chapter) and its name."""
    return f"{path.parent.name}/{path.name}"


@contextmanager
def media_writers(paths: dict[str, Path], size: tuple[int, int], fps: int,
                  poster_frame: int) -> Iterator[Callable[[int, bytes], None]]:
    """One sink for every requested format ("mp4", "gif", "poster" -> path):
    `write(i, frame)` pipes the frame once to ffmpeg and keeps frame `poster_frame` for
    the poster PNG. On a clean exit each file is checked, then moved into place; on
    error none is, and ffmpeg is stopped."""
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"frame size must be even for H.264, got {width}x{height}")
    videos = {fmt: Path(paths[fmt]) for fmt in VIDEO_FORMATS if fmt in paths}
    poster: list[bytes] = []
    written = 0
    with ExitStack() as stack:
        stack.enter_context(_stopped_by_signals())
        final = {fmt: stack.enter_context(atomic_path(path)) for fmt, path in videos.items()}
        outputs = {}
        if "mp4" in final:
            outputs["mp4"] = final["mp4"]
        if "gif" in final:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(
                dir=videos["gif"].parent, prefix=f".{videos['gif'].name}.")))
            outputs.update(palette=work / "palette.png", lossless=work / "frames.mov")
        names = " and ".join(map(_shown, videos.values()))
        ffmpeg = (stack.enter_context(Ffmpeg(encode_args(size, fps, outputs),
                                             f"encoding {names}", feed=True))
                  if outputs else None)

        def write(i: int, frame) -> None:
            nonlocal written
            if ffmpeg:
                ffmpeg.write(frame)
            written += 1
            if i == poster_frame and "poster" in paths:
                poster.append(bytes(frame))

        yield write
        if ffmpeg:
            ffmpeg.finish()
        if "gif" in final:
            run(gif_args(outputs["lossless"], outputs["palette"], final["gif"]),
                f"making {_shown(videos['gif'])} from its palette")
        for fmt, tmp in final.items():
            check_output(tmp, fmt, written, _shown(videos[fmt]))
    if "poster" in paths:
        if not poster:
            raise ValueError(f"poster frame {poster_frame} was never rendered")
        write_png(Path(paths["poster"]), poster[0], size)


def probe(path: Path) -> dict:
    """Decode a media file fully: frame count, size, codec and pixel format."""
    progress, said = run(["-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
                         f"checking {path.name}", loglevel="info")
    stream = re.search(r"Stream #0:0.*?Video: (\w+).*?, (\w+)[(,].*?(\d{2,5})x(\d{2,5})",
                       said)
    frames = progress.get("frame", "")
    if not stream or not frames.isdigit():
        raise FfmpegError(f"cannot read {path.name} back with ffmpeg: {_fix()}\n{said}")
    return {"codec": stream.group(1), "pix_fmt": stream.group(2),
            "width": int(stream.group(3)), "height": int(stream.group(4)),
            "frames": int(frames)}

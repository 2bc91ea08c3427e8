"""The ffmpeg wrapper: every frame piped once; files checked before they appear; a
missing, broken, crashing or hung ffmpeg is a clear FfmpegError, never a hang."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from gdanim.figures import encode
from gdanim.core.errors import GdanimError

SIZE = (64, 48)


def plot_frames(n: int, size=SIZE) -> list[bytes]:
    """White frames with thin coloured lines that move, like a plot's moving artists."""
    width, height = size
    frames = []
    for i in range(n):
        image = np.full((height, width, 4), 255, dtype=np.uint8)
        image[(5 + i) % height, :, :3] = (213, 94, 0)        # vermilion, 1 px
        image[:, (7 + 2 * i) % width, :3] = (0, 114, 178)    # blue, 1 px
        image[10:14, 10 + i % 20: 14 + i % 20, :3] = (0, 158, 115)
        frames.append(image.tobytes())
    return frames


def encode_all(folder: Path, frames: list[bytes], poster: int = 1,
               formats=("mp4", "gif", "poster")) -> dict[str, Path]:
    names = {"mp4": "a.mp4", "gif": "a.gif", "poster": "a.png"}
    paths = {fmt: folder / names[fmt] for fmt in formats}
    with encode.media_writers(paths, SIZE, 10, poster_frame=poster) as write:
        for i, frame in enumerate(frames):
            write(i, frame)
    return paths


def decoded(path: Path) -> bytes:
    """Every frame of a video as raw RGB, as a player would show them."""
    return subprocess.run([encode.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f",
                           "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True,
                          check=True).stdout


def test_writers_make_every_format(tmp_path):
    paths = encode_all(tmp_path, plot_frames(4), poster=2)
    mp4, gif = encode.probe(paths["mp4"]), encode.probe(paths["gif"])
    assert (mp4["codec"], mp4["pix_fmt"], mp4["frames"]) == ("h264", "yuv420p", 4)
    assert (gif["codec"], gif["frames"], gif["width"]) == ("gif", 4, SIZE[0])
    assert encode.probe(paths["poster"])["width"] == SIZE[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif", "a.mp4", "a.png"]


def test_mp4_starts_before_it_has_loaded(tmp_path):
    data = encode_all(tmp_path, plot_frames(3), formats=("mp4",))["mp4"].read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")   # +faststart: index first


def test_gif_is_what_one_pass_palettegen_paletteuse_makes(tmp_path):
    """Two passes, without holding the frames, lose nothing against the one-pass
    filter graph that holds them all."""
    frames = plot_frames(12)
    gif = encode_all(tmp_path, frames, formats=("gif",))["gif"]
    one_pass = tmp_path / "one_pass.gif"
    subprocess.run([encode.ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt",
                    "rgba", "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", "10", "-i", "pipe:0",
                    "-filter_complex", f"[0:v]split[a][b];[a]{encode.PALETTEGEN}[p];"
                    f"[b][p]{encode.PALETTEUSE}", *encode.GIF_ARGS, str(one_pass)],
                   input=b"".join(frames), check=True)
    assert gif.read_bytes() == one_pass.read_bytes()


def test_two_renders_are_identical(tmp_path):
    frames = plot_frames(10)
    first = encode_all(tmp_path / "1", frames)
    second = encode_all(tmp_path / "2", frames)
    assert first["gif"].read_bytes() == second["gif"].read_bytes()
    assert first["poster"].read_bytes() == second["poster"].read_bytes()
    assert decoded(first["mp4"]) == decoded(second["mp4"])


def test_each_frame_is_piped_once(tmp_path, monkeypatch):
    writes = []
    original = encode.Ffmpeg.write
    monkeypatch.setattr(encode.Ffmpeg, "write",
                        lambda self, frame: (writes.append(1), original(self, frame)))
    encode_all(tmp_path, plot_frames(5))
    assert len(writes) == 5


def test_odd_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="even"):
        with encode.media_writers({"mp4": tmp_path / "x.mp4"}, (15, 16), 10, 0):
            pass


def test_ffmpeg_failure_raises_with_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr(encode, "MP4_ARGS", ["-c:v", "no_such_codec", "-f", "mp4"])
    with pytest.raises(encode.FfmpegError, match="no_such_codec"):
        encode_all(tmp_path, plot_frames(2))
    assert list(tmp_path.iterdir()) == []


def test_an_error_while_rendering_stops_ffmpeg_and_writes_nothing(tmp_path, monkeypatch):
    started = []
    original = encode.Ffmpeg.__init__
    monkeypatch.setattr(encode.Ffmpeg, "__init__", lambda self, *a, **k: (
        original(self, *a, **k), started.append(self))[0])
    with pytest.raises(RuntimeError, match="drawing failed"):
        with encode.media_writers({"mp4": tmp_path / "a.mp4", "gif": tmp_path / "a.gif"},
                                  SIZE, 10, 0) as write:
            write(0, plot_frames(1)[0])
            raise RuntimeError("drawing failed")
    assert started and all(f.proc.returncode is not None for f in started)
    assert list(tmp_path.iterdir()) == []


def test_a_short_file_is_caught_by_its_frame_count(tmp_path):
    short = encode_all(tmp_path, plot_frames(2), formats=("mp4",))["mp4"]
    with pytest.raises(encode.FfmpegError, match="a.mp4 has 2 frames after encoding, not 3"):
        encode.check_output(short, "mp4", 3, "a.mp4")


# --- fake ffmpegs (imageio-ffmpeg runs whatever IMAGEIO_FFMPEG_EXE names) ------------

FAKES = {
    "exits-0-without-writing": "cat > /dev/null\nexit 0\n",
    "crashes-mid-stream": "head -c 20000 > /dev/null\necho 'Segmentation fault' >&2\n"
                          "kill -SEGV $$\n",
    "fails": "cat > /dev/null\necho 'Conversion failed!' >&2\nexit 1\n",
    "has-no-libx264": "echo \"[vost#0:0 @ 0x5] Unknown encoder 'libx264'\" >&2\n"
                      "echo 'Error opening output files: Encoder not found' >&2\nexit 8\n",
    "finds-the-disk-full": "cat > /dev/null\n"
                           "echo 'Error writing trailer: No space left on device' >&2\nexit 1\n",
    "hangs": "sleep 60 &\necho $! > \"$(dirname \"$0\")/child.pid\"\nwait\n",
    "hangs-after-the-last-frame": "cat > /dev/null\nsleep 60\n",
}
EXPECTED = {
    "exits-0-without-writing": r"reported success but wrote nothing to \w+/a.mp4",
    "crashes-mid-stream": r"ffmpeg crashed \(signal SIGSEGV\) while encoding \w+/a.mp4 and "
                          r"\w+/a.gif(.|\n)*Segmentation fault",
    "fails": r"ffmpeg failed \(exit 1\)(.|\n)*Conversion failed!",
    "has-no-libx264": r"has no H.264 encoder \(libx264\)(.|\n)*--formats gif,poster",
    "finds-the-disk-full": r"the disk is full while encoding \w+/a.mp4 and \w+/a.gif; free "
                           r"some space",
    "hangs": r"made no progress for 1 s while encoding \w+/a.mp4 and \w+/a.gif and was "
             r"stopped(.|\n)*GDANIM_FFMPEG_TIMEOUT",
    "hangs-after-the-last-frame": r"made no progress for 1 s while encoding \w+/a.mp4 and "
                                  r"\w+/a.gif",
    "missing": "ffmpeg is missing: there is no program at .*nowhere/ffmpeg",
    "not-executable": r"cannot be run \(it is not executable\)(.|\n)*chmod \+x",
}


def fake_ffmpeg(folder: Path, kind: str) -> Path:
    if kind == "missing":
        return folder / "nowhere" / "ffmpeg"
    exe = folder / "ffmpeg"
    exe.write_text("#!/bin/sh\n" + FAKES.get(kind, "exit 0\n"))
    exe.chmod(0o644 if kind == "not-executable" else 0o755)
    return exe


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_a_broken_ffmpeg_is_a_clear_error(tmp_path, monkeypatch, kind):
    tools, out = tmp_path / "tools", tmp_path / "out"
    tools.mkdir()
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake_ffmpeg(tools, kind)))
    monkeypatch.setenv(encode.TIMEOUT_ENV, "1")
    started = time.monotonic()
    with pytest.raises(encode.FfmpegError, match=EXPECTED[kind]) as caught:
        encode_all(out, plot_frames(60))
    assert time.monotonic() - started < 20
    assert isinstance(caught.value, GdanimError)
    if kind != "finds-the-disk-full":    # the fix names the setting that chose ffmpeg
        assert "IMAGEIO_FFMPEG_EXE" in str(caught.value)
    assert not out.exists() or list(out.iterdir()) == []
    if kind == "hangs":   # the watchdog took ffmpeg's own children down with it
        child = int((tools / "child.pid").read_text())
        assert _gone(child)


def _gone(pid: int, within: float = 5.0) -> bool:
    """Whether process `pid` has ended (or is a zombie) within `within` seconds: a
    killed process takes a moment to disappear."""
    deadline = time.monotonic() + within
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.mark.parametrize("value", ["soon", "0", "-5"])
def test_a_bad_timeout_setting_is_named(tmp_path, monkeypatch, value):
    monkeypatch.setenv(encode.TIMEOUT_ENV, value)
    with pytest.raises(encode.FfmpegError, match=f"GDANIM_FFMPEG_TIMEOUT must be a number "
                                                 f"of seconds above 0, got '{value}'"):
        encode_all(tmp_path, plot_frames(2))


def test_sigterm_while_encoding_leaves_no_ffmpeg_behind(tmp_path):
    """Killed politely mid-render (SIGTERM), the build exits 143 and takes ffmpeg (and
    anything ffmpeg started) with it."""
    tools = tmp_path / "tools"
    tools.mkdir()
    exe = tools / "ffmpeg"
    exe.write_text("#!/bin/sh\necho $$ > \"$(dirname \"$0\")/ffmpeg.pid\"\n"
                   "sleep 60 &\necho $! > \"$(dirname \"$0\")/child.pid\"\n"
                   "cat > /dev/null\nwait\n")
    exe.chmod(0o755)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from pathlib import Path
        from gdanim.figures import encode
        out = Path({str(tmp_path / 'out')!r})
        with encode.media_writers({{"mp4": out / "a.mp4"}}, (16, 16), 10, 0) as write:
            print("encoding", flush=True)
            i = 0
            while True:
                write(i, bytes(16 * 16 * 4))
                i += 1
    """)
    env = {**os.environ, "IMAGEIO_FFMPEG_EXE": str(exe)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "encoding"
    deadline = time.monotonic() + 10
    while not (tools / "child.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 143, proc.stderr.read()
    for name in ("ffmpeg.pid", "child.pid"):
        pid = int((tools / name).read_text())
        assert _gone(pid), name
    assert not (tmp_path / "out" / "a.mp4").exists()


@pytest.mark.parametrize("kind", ["exits-0-without-writing", "hangs"])
def test_a_build_with_a_broken_ffmpeg_says_so_and_keeps_the_previous_site(
        built_site, tmp_path, monkeypatch, kind):
    import shutil

    from tests.conftest import run_cli

    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake_ffmpeg(tools, kind)))
    monkeypatch.setenv(encode.TIMEOUT_ENV, "1")
    result = run_cli("build", "--out", str(site), "--quality", "draft", "--only",
                     "grid-search", "--fresh", "--jobs", "1", "--quiet")
    assert result.exit_code == 1, result.output
    assert "Error: ffmpeg" in result.output and "Traceback" not in result.output
    expected = EXPECTED[kind].replace(r"\w+/a.mp4", "grid-search/sweep.mp4")
    assert re.search(expected.replace(r"\w+/a.gif", "grid-search/sweep.gif"), result.output)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "tools"]

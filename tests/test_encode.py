"""The ffmpeg wrapper: errors carry ffmpeg's own words; partial files never appear."""
import pytest

from gdanim import encode


def test_ffmpeg_failure_raises_with_stderr(tmp_path, monkeypatch):
    monkeypatch.setitem(encode.OUTPUT_ARGS, "mp4", ["-c:v", "no_such_codec", "-f", "mp4"])
    target = tmp_path / "clip.mp4"
    with pytest.raises(encode.FfmpegError, match="no_such_codec"):
        with encode.ffmpeg_writer(target, "mp4", (16, 16), 10) as write:
            write(bytes(16 * 16 * 4))
    assert list(tmp_path.iterdir()) == []


def test_odd_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="even"):
        with encode.ffmpeg_writer(tmp_path / "x.mp4", "mp4", (15, 16), 10):
            pass


def test_writers_make_every_format(tmp_path):
    paths = {"mp4": tmp_path / "a.mp4", "gif": tmp_path / "a.gif", "poster": tmp_path / "a.png"}
    with encode.media_writers(paths, (32, 24), 5, poster_frame=2) as write:
        for i in range(4):
            write(i, bytes([i * 60, 0, 0, 255]) * (32 * 24))
    assert probe_frames(paths["mp4"]) == 4 and probe_frames(paths["gif"]) == 4
    assert encode.probe(paths["poster"])["width"] == 32


def probe_frames(path):
    return encode.probe(path)["frames"]

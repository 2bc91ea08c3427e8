"""Nothing lost, nothing confusing, for the commands besides `build`: `init`, `slides`
and `serve` (the build's own catalogue is tests/test_faults.py). Each bad input ends in
one plain message and an exit code, with no traceback; the teacher's files, the previous
site and its slides kit stay byte-identical, and nothing is left beside them."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_faults import snapshot

ROOT = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, str]:
    """snapshot() plus the empty folders and links: everything a run could leave."""
    found = snapshot(folder)
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            found[rel] = "link -> " + os.readlink(p)
        elif p.is_dir() and not any(p.iterdir()):
            found[rel] = "empty folder"
    return found


def clean(result) -> str:
    """The output of a refused run, checked to be a message and not a crash."""
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.output


# --- init ------------------------------------------------------------------------------

def _data_file(tmp: Path) -> str:
    (tmp / "course").mkdir()
    (tmp / "course" / "data").write_text("my notes, not a folder")
    return str(tmp / "course")


def _toml_there(tmp: Path) -> str:
    (tmp / "course").mkdir()
    (tmp / "course" / "gdanim.toml").write_text("[site]\ntitle = 'mine'\n")
    return str(tmp / "course")


def _csv_there(tmp: Path) -> str:
    (tmp / "course" / "data").mkdir(parents=True)
    (tmp / "course" / "data" / "faithful.csv").write_text("a,b\n1,2\n")
    return str(tmp / "course")


def _dangling_link(tmp: Path) -> str:
    (tmp / "course").mkdir()
    (tmp / "course" / "geyser.md").symlink_to(tmp / "nowhere.md")
    return str(tmp / "course")


def _a_file(tmp: Path) -> str:
    (tmp / "course").write_text("a file")
    return str(tmp / "course")


def _under_a_file(tmp: Path) -> str:
    (tmp / "notes.txt").write_text("a file")
    return str(tmp / "notes.txt" / "course")


# (name, FOLDER or a callable given tmp_path, message). Every one exits 2.
INIT_CATALOGUE = [
    ("a file named data", _data_file, "is a file, and the starter puts a folder of that name"),
    ("gdanim.toml there", _toml_there, "gdanim.toml' already exists"),
    ("the CSV there", _csv_there, "faithful.csv' already exists"),
    ("a dangling link", _dangling_link, "geyser.md' already exists"),
    ("FOLDER is a file", _a_file, "course' is a file, not a folder"),
    ("under a file", _under_a_file, "notes.txt' is a file, not a folder"),
    ("empty name", "", "'folder': no folder given"),
    ("blank name", "   ", "'folder': no folder given"),
    ("name over 255 bytes", lambda tmp: str(tmp / ("é" * 130)), "file names must stay under"),
    ("path over 4096 bytes", lambda tmp: str(tmp / "/".join(["d" * 200] * 25)),
     "the path is too long"),
    ("under /proc", "/proc/course", "is inside a system folder"),
    ("under /sys", "/sys/kernel/course", "is inside a system folder"),
]


@pytest.mark.parametrize("name,given,message", INIT_CATALOGUE,
                         ids=[c[0] for c in INIT_CATALOGUE])
def test_init_refuses_cleanly_and_writes_nothing(tmp_path, name, given, message):
    folder = given(tmp_path) if callable(given) else given
    before = tree(tmp_path)
    result = run_cli("init", folder)
    output = clean(result)
    assert result.exit_code == 2, output
    assert message in output, output
    assert "--out" not in output          # init's argument is FOLDER
    assert "init" in output or "no folder given" in output
    assert tree(tmp_path) == before


def test_init_names_every_clash_at_once(tmp_path):
    course = Path(_data_file(tmp_path))
    (course / "geyser.md").write_text("my prose")
    output = clean(run_cli("init", str(course)))
    assert "data' is a file" in output and "geyser.md' already exists" in output


@pytest.fixture
def read_only_mount(tmp_path):
    """A tmpfs mounted read-only (root only), holding an empty folder."""
    point = tmp_path / "ro"
    point.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "none", str(point)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a file system")
    (point / "empty").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.mark.parametrize("where", ["empty", "new/course"])
def test_init_on_a_read_only_file_system_gives_advice_for_init(read_only_mount, where):
    result = run_cli("init", str(read_only_mount / where))
    output = clean(result)
    assert result.exit_code == 2, output
    assert "read-only file system" in output and "python -m gdanim init" in output
    assert "--out" not in output
    assert sorted(p.name for p in read_only_mount.iterdir()) == ["empty"]


def test_init_into_a_folder_it_cannot_write_as_another_user():
    """As root every folder can be written: run init as `nobody` instead."""
    import tempfile

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run init as another user")
    tmp_path = Path(tempfile.mkdtemp(prefix="gdanim-init-"))   # pytest's is private
    tmp_path.chmod(0o755)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             sys.executable, "-m", "gdanim", "init", str(locked / "course")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "permission denied" in result.stderr and "python -m gdanim init" in result.stderr
    assert "Traceback" not in result.stderr and "--out" not in result.stderr
    assert list(locked.iterdir()) == []
    shutil.rmtree(tmp_path)


def test_init_half_way_failure_removes_what_it_wrote(tmp_path, monkeypatch):
    """The disk fills after the first file: the files and folders made are removed."""
    from gdanim import starter

    real = shutil.copyfileobj
    calls = []

    def fill_up(source, target, *args):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", target.name)
        return real(source, target, *args)

    monkeypatch.setattr(starter.shutil, "copyfileobj", fill_up)
    result = run_cli("init", str(tmp_path / "course"))
    output = clean(result)
    assert result.exit_code == 1 and "the disk is full" in output, output
    assert "nothing was written" in output
    assert list(tmp_path.iterdir()) == [] and len(calls) == 2


def test_two_inits_into_one_folder_never_mix(tmp_path):
    """Run at once, into one folder: one writes the starter, the other refuses; every
    file is whole."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    course = tmp_path / "course"
    runs = [subprocess.Popen([sys.executable, "-m", "gdanim", "init", str(course)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in runs]
    for p in runs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2, 2, 2], results
    assert all("Traceback" not in err for _, err in results)
    from gdanim.starter import starter_dir

    assert snapshot(course) == snapshot(starter_dir())


# --- slides ----------------------------------------------------------------------------

@pytest.fixture
def kit_site(site_with_kit, tmp_path) -> Path:
    """A copy of a site with its slides kit (tests/conftest.py), to break."""
    copy = tmp_path / "site"
    shutil.copytree(site_with_kit, copy, symlinks=True)
    return copy


def _toml(text: str):
    def make(tmp: Path) -> list[str]:
        (tmp / "my.toml").write_text(text, encoding="utf-8")
        return ["--config", str(tmp / "my.toml")]
    return make


# (name, arguments (or a callable given tmp_path), message). Every one exits 2.
SLIDES_CATALOGUE = [
    ("posters only", ["--formats", "poster"], "'formats': the slides kit needs mp4"),
    ("gif only", ["--formats", "gif"], "'formats': the slides kit needs mp4"),
    ("frames and posters", ["--formats", "frames,poster"], "'formats': the slides kit needs mp4"),
    ("no format", ["--formats", ""], "'formats': no format given"),
    ("unknown format", ["--formats", "mp4,webm"], "'formats': unknown format 'webm'"),
    ("unknown chapter", ["--only", "nope"], "'only': unknown scenario 'nope'"),
    ("both at once", ["--only", "nope", "--formats", "poster"], "'formats': the slides kit"),
    ("zero jobs", ["--jobs", "0"], "Invalid value for '--jobs'"),
    ("no such config", lambda tmp: ["--config", str(tmp / "none.toml")], "no such file"),
    ("config not TOML", _toml("[site\n"), "not valid TOML"),
    ("config chapter unknown", _toml('[site]\nchapters = ["nope"]\n'),
     "'site.chapters': unknown chapter 'nope'"),
    ("config chapter not selected", _toml('[site]\nchapters = ["slopes"]\n') ,
     "'only': unknown scenario 'grid-search'"),
]


@pytest.mark.parametrize("name,given,message", SLIDES_CATALOGUE,
                         ids=[c[0] for c in SLIDES_CATALOGUE])
def test_slides_refuses_cleanly_and_keeps_the_kit(kit_site, tmp_path, name, given, message):
    extra = given(tmp_path) if callable(given) else given
    before = tree(tmp_path)
    result = run_cli("slides", "--out", str(kit_site), "--only", "grid-search", *extra)
    output = clean(result)
    assert result.exit_code == 2, output
    assert message in output, output
    assert tree(tmp_path) == before


@pytest.mark.parametrize("out", [
    lambda tmp: str(tmp / "notes.txt" / "site"),      # under a file
    lambda tmp: "/proc/site",
    lambda tmp: str(tmp / ("n" * 300)),
])
def test_slides_refuses_a_bad_out(tmp_path, out):
    (tmp_path / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    result = run_cli("slides", "--out", out(tmp_path), "--only", "grid-search")
    output = clean(result)
    assert result.exit_code == 2 and "'out':" in output, output
    assert tree(tmp_path) == before


def test_slides_failing_while_writing_the_kit_keeps_the_previous_kit(kit_site, tmp_path,
                                                                     monkeypatch):
    """The deck cannot be written (any failure after the media are made): the previous
    kit and site stay byte-identical and no staging folder is left."""
    from gdanim.outputs.kit import writer as slides

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device", "gdanim.pptx")

    monkeypatch.setattr(slides, "write_pptx", broken)
    before = tree(tmp_path)
    result = run_cli("slides", "--out", str(kit_site), "--only", "grid-search",
                     "--formats", "mp4,poster", "--quiet")
    output = clean(result)
    assert result.exit_code == 1 and "disk is full" in output, output
    assert tree(tmp_path) == before


def test_slides_into_a_new_folder_that_fails_leaves_no_folder(tmp_path, monkeypatch):
    from gdanim.outputs.kit import writer as slides

    monkeypatch.setattr(slides, "write_pptx", lambda *a, **k: (_ for _ in ()).throw(
        OSError(5, "Input/output error", "gdanim.pptx")))
    result = run_cli("slides", "--out", str(tmp_path / "a" / "b" / "site"), "--only",
                     "grid-search", "--formats", "mp4", "--quiet")
    output = clean(result)
    assert result.exit_code == 1, output
    assert list(tmp_path.iterdir()) == []


def test_slides_interrupted_keeps_the_previous_kit(kit_site, tmp_path):
    """SIGINT while the slide animations render (--fresh): exit 130, the previous kit and
    site byte-identical, no staging folder, no ffmpeg left running."""
    before = tree(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "gdanim", "slides", "--out", str(kit_site),
                             "--only", "grid-search", "--fresh", "--jobs", "1"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if list(kit_site.glob("*slides-staging-*-staging-*/media/*/*")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert tree(tmp_path) == before


def test_debris_of_a_killed_slides_run_is_removed(kit_site, tmp_path):
    """SIGKILL leaves the staging copy and the build's staging beside it: the next run
    removes both, and the kit is whole."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    debris = [kit_site / f".slides-staging-{dead.pid}-abc",
              kit_site / f"..slides-staging-{dead.pid}-abc-staging-{dead.pid}-def",
              kit_site / f".slides-old-{dead.pid}-ghi"]
    for folder in debris:
        (folder / "media").mkdir(parents=True)
        (folder / "media" / "half.mp4").write_bytes(b"\0" * 10)
    result = run_cli("slides", "--out", str(kit_site), "--only", "grid-search",
                     "--formats", "mp4")
    output = clean(result)
    assert result.exit_code == 0, output
    assert "left half-made by an interrupted run" in output
    assert not [f for f in debris if f.exists()]
    assert sorted(p.name for p in kit_site.iterdir() if p.name.startswith(".")) == []


def test_two_slides_runs_at_once_leave_one_whole_kit(kit_site):
    """Three `slides` into one folder at once: they take turns (one_run_at_a_time), so
    every one finishes; the kit left is whole (every file its manifest names, a deck
    that opens) and nothing is left beside it. (Unlocked, one run's relinking of the
    site moved the others' half-made kits away while they wrote in them.)"""
    import json

    from pptx import Presentation

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-m", "gdanim", "slides", "--out", str(kit_site),
                              "--only", "grid-search", "--formats", "mp4,poster", "--quiet"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in runs]
    for code, err in results:
        assert "Traceback" not in err, err
        assert code == 0, err
    kit = kit_site / "slides"
    manifest = json.loads((kit / "manifest.json").read_text())
    assert {a["scenario"] for a in manifest["animations"]} == {"grid-search"}
    for a in manifest["animations"]:
        for path in a["files"].values():
            assert (kit / path).exists(), path
    assert len(Presentation(str(kit / "gdanim.pptx")).slides) == len(manifest["animations"]) + 2
    assert json.loads((kit / "kit.json").read_text())["animations"]
    assert sorted(p.name for p in kit_site.iterdir() if p.name.startswith(".")) == []


def test_slides_runs_into_one_folder_take_turns(tmp_path):
    """The second run into the same kit waits for the first, and says it is waiting."""
    import threading
    import time

    from gdanim.engine.kit_staging import one_run_at_a_time

    kit, said, order = tmp_path / "site" / "slides", [], []

    def second():
        with one_run_at_a_time(kit, said.append):
            order.append("second")

    with one_run_at_a_time(kit, said.append):
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)
        order.append("first done")
    other.join(timeout=10)
    assert order == ["first done", "second"]
    assert said == [f"waiting for another `slides` run into {kit.parent} to finish"]


# --- serve -----------------------------------------------------------------------------

# (name, arguments, message): refused before building or serving anything; exit 2.
SERVE_CATALOGUE = [
    ("port out of range", ["--port", "70000"], "Invalid value for '--port'"),
    ("negative port", ["--port", "-1"], "Invalid value for '--port'"),
    ("port not a number", ["--port", "http"], "'http' is not a valid integer"),
    ("base path with a space", ["--base-path", "my site"], "is not a plain URL path"),
    ("base path with a query", ["--base-path", "/a?b/"], "is not a plain URL path"),
    ("unknown chapter", ["--only", "nope"], "'only': unknown scenario 'nope'"),
    ("unknown quality", ["--quality", "best"], "'quality': unknown quality 'best'"),
    ("out under a file", ["--out", "notes.txt/preview"], "'out':"),
    ("out in /proc", ["--out", "/proc/preview"], "'out':"),
    ("no such config", ["--config", "none.toml"], "no such file"),
]


@pytest.mark.parametrize("name,args,message", SERVE_CATALOGUE,
                         ids=[c[0] for c in SERVE_CATALOGUE])
def test_serve_refuses_bad_options_before_starting(tmp_path, monkeypatch, name, args,
                                                   message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    result = run_cli("serve", "--port", "0", *args)
    output = clean(result)
    assert result.exit_code == 2, output
    assert message in output, output
    assert "Serving" not in output
    assert tree(tmp_path) == before


def test_serve_takes_the_next_port_when_its_port_is_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "gdanim", "serve", "--port", str(port),
                                 "--only", "guess-and-check", "--out",
                                 str(tmp_path / "preview")], cwd=tmp_path,
                                env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stderr.readline()
                lines.append(line)
                if not line or line.startswith("Serving"):
                    break
        finally:
            proc.send_signal(signal.SIGINT)
            rest = proc.communicate(timeout=60)[1]
    said = "".join(lines)
    assert f"Port {port} is in use" in said, said + rest
    serving = next(line for line in lines if line.startswith("Serving"))
    assert f"http://127.0.0.1:{port}/" not in serving
    assert "http://127.0.0.1:" in serving
    assert "Traceback" not in said + rest


def test_open_free_server_says_which_port(tmp_path):
    from gdanim.serve import PORT_TRIES, open_free_server

    said = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = open_free_server(tmp_path, "/x/", port, None, said.append)
        try:
            got = server.server_address[1]
            assert port < got <= port + PORT_TRIES
            assert said == [f"Port {port} is in use (another `serve`, or another program); "
                            f"using port {got} instead."]
        finally:
            server.server_close()

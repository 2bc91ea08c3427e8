"""Nothing lost, nothing confusing: every bad input or broken tool ends in one plain
message and an exit code, with no traceback, and the previous site byte-identical.

The catalogue is one table of bad inputs. The faults that need a running build
(signals, a killed build's debris, a gh-pages checkout, a broken template, a wheel
install) have a test each."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """A real, small site (one chapter), built once; tests copy it."""
    out = tmp_path_factory.mktemp("good") / "site"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--only", "guess-and-check")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(good_site, tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(good_site, copy)
    return copy


def _file(tmp: Path) -> str:
    (tmp / "a-file").write_text("x")
    return str(tmp / "a-file" / "site")


def _plain_file(tmp: Path) -> str:
    (tmp / "plain").write_text("x")
    return str(tmp / "plain")


def _others(tmp: Path) -> str:
    (tmp / "docs").mkdir()
    (tmp / "docs" / "notes.txt").write_text("mine")
    return str(tmp / "docs")


def _manifest(text: bytes):
    def make(tmp: Path) -> str:
        (tmp / "old").mkdir()
        (tmp / "old" / "index.html").write_text("old")
        (tmp / "old" / "manifest.json").write_bytes(text)
        return str(tmp / "old")
    return make


def _mount_point(tmp: Path) -> str:
    """A fresh tmpfs mount when we may mount (root), else any writable mount point."""
    point = tmp / "mounted"
    point.mkdir()
    if os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "none",
                                             str(point)], capture_output=True).returncode == 0:
        import atexit

        atexit.register(subprocess.run, ["umount", "-l", str(point)], capture_output=True)
        return str(point)
    for line in Path("/proc/mounts").read_text().splitlines():
        found = line.split()[1].replace("\\040", " ")
        if found != "/" and not found.startswith(("/proc", "/sys", "/dev")) \
                and os.path.isdir(found) and os.access(found, os.W_OK):
            return found
    pytest.skip("no writable mount point on this machine")


# (name, --out or its arguments, exit code, message). A list is extra build arguments
# (--out is then a copy of a good site); a string or a callable (given tmp_path) is --out.
CATALOGUE = [
    ("unknown chapter", ["--only", "nope"], 2, "'only': unknown scenario 'nope'"),
    ("one bad chapter of three", ["--only", "slopes", "--only", "nop", "--only", "grid-search"],
     2, "'only': unknown scenario 'nop'"),
    ("unknown format", ["--formats", "mp4,webm"], 2, "'formats': unknown format 'webm'"),
    ("no format", ["--formats", ""], 2, "'formats': no format given"),
    ("only commas", ["--formats", ",,"], 2, "'formats': no format given"),
    ("format typo among good", ["--formats", "mp4,,gif,pster"], 2, "unknown format 'pster'"),
    ("unknown quality", ["--quality", "ultra"], 2, "'quality': unknown quality 'ultra'"),
    ("quality in capitals", ["--quality", "WEB"], 2, "'quality': unknown quality 'WEB'"),
    ("zero jobs", ["--jobs", "0"], 2, "Invalid value for '--jobs'"),
    ("negative jobs", ["--jobs", "-3"], 2, "Invalid value for '--jobs'"),
    ("jobs not a number", ["--jobs", "many"], 2, "'many' is not a valid integer"),
    ("unknown option", ["--colour", "red"], 2, "No such option '--colour'"),
    ("stray argument", ["site2"], 2, "Got unexpected extra argument"),
    ("--out missing its value", ["--out"], 2, "Option '--out' requires an argument"),
    ("empty --out", "", 2, "'out': no folder given"),
    ("current folder", ".", 2, "is the current folder"),
    ("root folder", "/", 2, "is the root folder"),
    ("home folder", str(Path.home()), 2, "is your home folder"),
    ("unexpanded tilde", "~", 2, "which the shell does not expand"),
    ("unexpanded tilde path", "~/gdanim-site", 2, "which the shell does not expand"),
    ("under /proc", "/proc/gdanim-site", 2, "inside a system folder (proc)"),
    ("under /sys", "/sys/gdanim-site", 2, "inside a system folder (sys)"),
    ("under a regular file", _file, 2, "which is a file, not a folder"),
    ("a regular file", _plain_file, 2, "exists and is not a folder"),
    ("name over 255 bytes", lambda tmp: str(tmp / ("n" * 300)), 2, "names must stay under"),
    ("path over 4096 bytes", lambda tmp: str(tmp / "/".join(["d" * 200] * 25)), 2,
     "keep it under"),
    ("folder of other files", _others, 2, "holds files that gdanim did not write"),
    ("manifest not JSON", _manifest(b"{not json"), 2, "is not valid JSON"),
    ("manifest not UTF-8", _manifest(b"\xff\xfe{}"), 2, "is not UTF-8"),
    ("manifest file entry without hash",
     _manifest(json.dumps({"generator": "gdanim", "files": {"index.html": {"size": 3}},
                            "build": {"jobs": {}, "chapters": {}}}).encode()),
     2, "lacks a size or sha256"),
    ("manifest file entry outside the site",
     _manifest(json.dumps({"generator": "gdanim",
                            "files": {"../x": {"size": 1, "sha256": "0"}},
                            "build": {"jobs": {}, "chapters": {}}}).encode()),
     2, "not a path inside the site"),
    ("manifest job without outputs",
     _manifest(json.dumps({"generator": "gdanim", "files": {},
                            "build": {"jobs": {"pages": {"key": "k"}}, "chapters": {}}}).encode()),
     2, "need a key and a list of outputs"),
    ("mount point", _mount_point, 2, "is a mount point"),
    ("several problems at once", ["--only", "x", "--formats", "avi", "--quality", "best"], 2,
     "'quality': unknown quality 'best'"),
    ("several problems, one of them --out", ["--formats", "avi", "--out", "/proc/x"], 2,
     "'out':"),
]


@pytest.mark.parametrize("name,given,code,message", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_one_clear_message(site, tmp_path, name, given, code, message):
    before = snapshot(site)
    if isinstance(given, list):
        argv = ["build", "--quality", "draft", "--out", str(site), *given]
    else:
        out = given(tmp_path) if callable(given) else given
        argv = ["build", "--quality", "draft", "--out", out]
    result = run_cli(*argv)
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(site) == before


def test_catalogue_is_big_enough():
    assert len(CATALOGUE) >= 30


def test_bad_out_is_refused_before_computing(tmp_path):
    (tmp_path / "file").write_text("x")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "generate.py", "build", "--out",
                             str(tmp_path / "file" / "site")], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "'out':" in result.stderr
    assert "computed" not in result.stderr and "Traceback" not in result.stderr
    assert time.perf_counter() - started < 20


def test_gh_pages_checkout_keeps_its_own_files(site):
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "CNAME").write_text("gd.example.org\n")
    (site / ".nojekyll").write_text("")
    (site / "media" / "my-photo.jpg").write_bytes(b"\xff\xd8 not really")
    (site / "notes").mkdir()
    (site / "notes" / "plan.md").write_text("week 3")
    mine = {k: v for k, v in snapshot(site).items()
            if k.startswith((".git", "CNAME", ".nojekyll", "notes", "media/my-photo"))}
    result = run_cli("build", "--out", str(site), "--quality", "draft", "--quiet",
                     "--only", "guess-and-check", "--only", "grid-search")
    assert result.exit_code == 0, result.output
    after = snapshot(site)
    assert {k: after.get(k) for k in mine} == mine
    assert (site / "grid-search.html").is_file()
    manifest = json.loads((site / "manifest.json").read_text())
    assert not set(mine) & set(manifest["files"])   # never claimed as gdanim's


def test_a_fresh_gh_pages_checkout_is_accepted(tmp_path):
    out = tmp_path / "pages"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "config").write_text("[core]\n")
    (out / "CNAME").write_text("gd.example.org\n")
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--only", "guess-and-check")
    assert result.exit_code == 0, result.output
    assert (out / ".git" / "config").read_text() == "[core]\n"
    assert (out / "CNAME").read_text() == "gd.example.org\n" and (out / "index.html").is_file()


def test_a_new_file_clashing_with_a_user_file_is_refused(site):
    (site / "about-me.html").write_text("mine")
    before = snapshot(site)
    from gdanim.engine import outdir

    staging = site.parent / "staging"
    shutil.copytree(site, staging)
    ours = set(json.loads((site / "manifest.json").read_text())["files"]) | {"manifest.json"}
    with pytest.raises(Exception, match="not written by gdanim"):
        outdir.swap(staging, site, ours)
    assert snapshot(site) == before


def _build_in_background(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "generate.py", "build", "--out", str(out),
                             "--quality", "draft", "--fresh", "--only", "grid-search",
                             "--only", "descent-1d", *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_staging(out: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        staging = list(out.parent.glob(f".{out.name}-staging-*/media/*/*"))
        if staging or proc.poll() is not None:
            return
        time.sleep(0.1)


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                         (signal.SIGINT, 130)])
def test_signal_mid_build_cleans_up(site, signum, code):
    before = snapshot(site)
    proc = _build_in_background(site, "--jobs", "1")
    _wait_for_staging(site, proc)
    assert proc.poll() is None, proc.communicate()
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "previous site is unchanged" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]
    assert snapshot(site) == before
    # No ffmpeg left behind by this build.
    time.sleep(0.5)
    leftovers = subprocess.run(["pgrep", "-f", str(site.parent)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


# A stop signal delivered at a chosen moment of a real build: the driver patches one step
# to send it to the build's whole process group (as a closing terminal sends SIGHUP), so
# each window is hit every time, not by timing luck.
SIGNAL_DRIVER = """
import os, signal, sys

def stop():
    os.killpg(0, int(os.environ["SIGNUM"]))

if __name__ == "__main__":   # not in the spawned workers
    from gdanim.engine import execute, outdir
    stage = os.environ["STAGE"]
    if stage == "in-a-finaliser":       # garbage collection runs a __del__ just then
        class Finaliser:
            def __del__(self):
                stop()
                len("Python runs the handler here, and drops what it raises")
        real_run = execute.run
        def run(*args):
            Finaliser()
            return real_run(*args)
        execute.run = run
    elif stage == "pool-start":         # between starting two workers
        import multiprocessing.process as process
        real_start, started = process.BaseProcess.start, []
        def start(self):
            real_start(self)
            started.append(self)
            if len(started) == 1:
                stop()
        process.BaseProcess.start = start
    elif stage == "rendering":          # a figure is done, the other is rendering
        real_run = execute.run
        def run(tasks, workers, on_done):
            return real_run(tasks, workers, lambda done: (stop(), on_done(done)))
        execute.run = run
    elif stage == "swap":               # the last moment before the new site goes in
        real_swap = outdir.swap
        def swap(*args):
            stop()
            return real_swap(*args)
        outdir.swap = swap
    from gdanim.cli import main
    main()
"""


@pytest.mark.parametrize("stage,signum", [
    ("in-a-finaliser", signal.SIGHUP), ("in-a-finaliser", signal.SIGINT),
    ("pool-start", signal.SIGHUP), ("rendering", signal.SIGHUP), ("swap", signal.SIGTERM)])
def test_a_signal_at_any_step_stops_the_build(site, tmp_path, stage, signum):
    before = snapshot(site)
    driver = tmp_path / "driver.py"
    driver.write_text(SIGNAL_DRIVER)
    env = {**os.environ, "STAGE": stage, "SIGNUM": str(int(signum)),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(driver), "build", "--out", str(site),
                             "--quality", "draft", "--fresh", "--jobs", "2", "--only",
                             "guess-and-check", "--only", "grid-search"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"the build hung after {signum.name} at {stage}: "
                             f"{proc.communicate()[1]}")
    assert proc.returncode == 128 + signum, stderr
    assert "previous site is unchanged" in stderr, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["driver.py", "site"]
    deadline = time.monotonic() + 10   # every worker (and helper process) is gone too
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"processes of the stopped build are still running after {signum.name}"
                    f" at {stage}")


def test_debris_of_a_killed_build_is_removed(site):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    debris = site.parent / f".site-staging-{dead.pid}-abc123"
    (debris / "media").mkdir(parents=True)
    (debris / "media" / "half.mp4").write_bytes(b"\0" * 10)
    old = site.parent / f".site-old-{dead.pid}-def456"
    old.mkdir()
    result = run_cli("build", "--out", str(site), "--quality", "draft",
                     "--only", "guess-and-check", "--fresh")
    assert result.exit_code == 0, result.output
    assert not debris.exists() and not old.exists()
    assert "left by an interrupted build" in result.output


def test_a_no_op_build_removes_what_a_killed_build_left(site):
    """SIGKILL gives a build no chance to clean up; the next build, even one with
    nothing to do, removes its staging folder (and keeps a live build's)."""
    before = snapshot(site)
    proc = _build_in_background(site, "--jobs", "1")
    _wait_for_staging(site, proc)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    debris = [p for p in site.parent.iterdir() if p.name != "site"]
    assert [p.name.startswith(".site-staging-") for p in debris] == [True]
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    busy = site.parent / f".site-staging-{alive.pid}-xyz789"   # a build still running
    busy.mkdir()
    try:
        result = run_cli("build", "--out", str(site), "--quality", "draft",
                         "--only", "guess-and-check")
    finally:
        alive.kill()
        alive.wait()
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    assert "removed 1 folder(s) left by an interrupted build" in result.output
    assert sorted(p.name for p in site.parent.iterdir()) == [busy.name, "site"]
    assert snapshot(site) == before


def _home_under_a_file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("x")
    return tmp / "a-file" / "home"


def _read_only_home(tmp: Path) -> Path:
    """A home folder on a read-only tmpfs (root may write anywhere else)."""
    home = tmp / "ro-home"
    home.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "none",
                                            str(home)], capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a read-only file system")
    (home / ".config").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
    return home


@pytest.mark.parametrize("home", [lambda t: t / "nowhere", _home_under_a_file, _read_only_home,
                                  lambda t: ""], ids=["missing", "under-a-file", "read-only",
                                                      "empty"])
def test_no_writable_home_means_a_temporary_cache(tmp_path, home):
    """No usable ~/.cache: one warning, a temporary chapter cache (which the render
    workers share), removed at the end; the site is built all the same."""
    home = home(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("GDANIM_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR")}
    env.update(HOME=str(home), TMPDIR=str(temp))
    try:
        result = subprocess.run([sys.executable, "generate.py", "build", "--out",
                                 str(tmp_path / "site"), "--quality", "draft", "--jobs", "2",
                                 "--only", "guess-and-check", "--only", "grid-search"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        if os.path.ismount(home):
            subprocess.run(["umount", "-l", str(home)], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Matplotlib" not in result.stderr, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line.lower()]
    assert len(warnings) == 1 and "temporary" in warnings[0], result.stderr
    assert (tmp_path / "site" / "grid-search.html").is_file()
    assert (tmp_path / "site" / "media" / "grid-search").is_dir()
    assert not list(temp.iterdir())                   # the temporary cache is gone
    if str(home) and not str(home).startswith(str(tmp_path / "a-file")):
        assert not (Path(home) / ".cache").exists()   # nobody's home folder made or filled


def test_template_error_names_file_and_line(tmp_path):
    project = tmp_path / "project"
    for name in ("gdanim", "templates"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "generate.py", project)
    env = {**os.environ, "GDANIM_CACHE_DIR": str(tmp_path / "cache")}
    index = project / "templates" / "index.html"
    original = index.read_text()
    for broken, expect in (("{% if %}", "index.html, line "), ("{{ no_such_thing.x }}",
                                                               "index.html, line ")):
        index.write_text(original.replace("{% block content %}",
                                          "{% block content %}\n" + broken, 1))
        result = subprocess.run([sys.executable, "generate.py", "build", "--quality", "draft",
                                 "--only", "guess-and-check"], cwd=project, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 1, result.stderr
        assert "template error in" in result.stderr and expect in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not (project / "site").exists()
    debug = subprocess.run([sys.executable, "generate.py", "--debug", "build", "--quality",
                            "draft", "--only", "guess-and-check"], cwd=project, env=env,
                           capture_output=True, text=True, timeout=300)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_wheel_install_builds_a_site(tmp_path):
    """`pip install .` (not -e) must carry the templates: build a wheel from the tracked
    files, install it apart from the checkout, and build a chapter with it."""
    source = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(wheels), str(source)], capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stderr
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), *map(str, wheels.glob("*.whl"))], check=True, timeout=600)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "GDANIM_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run([sys.executable, "-m", "gdanim", "build", "--quality", "draft",
                             "--only", "guess-and-check", "--quiet"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (work / "site" / "index.html").is_file()
    assert (work / "site" / "static" / "style.css").is_file()
    where = subprocess.run([sys.executable, "-c", "import gdanim; print(gdanim.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(target))


@pytest.fixture
def small_mount(tmp_path):
    """A 3 MB tmpfs (root only): room for the pages, not for the media."""
    point = tmp_path / "small"
    point.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "none", str(point)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small file system")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_disk_full_is_a_plain_message(small_mount):
    (small_mount / "filler").write_bytes(b"\0" * (3 * 1024 * 1024 - 200 * 1024))
    result = subprocess.run([sys.executable, "generate.py", "build", "--out",
                             str(small_mount / "site"), "--quality", "draft", "--jobs", "1",
                             "--only", "guess-and-check", "--only", "grid-search"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    assert "disk is full" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in small_mount.iterdir()) == ["filler"]


def test_read_only_out_is_refused_before_computing(small_mount):
    (small_mount / "site").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    result = run_cli("build", "--out", str(small_mount / "site"), "--quality", "draft")
    assert result.exit_code == 2 and "read-only file system" in result.output, result.output

"""Nothing lost, round four: the chapter cache and the output folder on a bad day (a
file where a folder should be, a read-only or full disk, a damaged or edited
manifest.json, a site built inside the templates), the preview stopped at any moment,
and labels that matplotlib would read as maths. Each fault ends in one plain message
(or one warning, for the cache, which is only a convenience), with no traceback, the
teacher's files untouched and nothing left beside them."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ("--only", "guess-and-check", "--only", "grid-search")   # a still and an animation


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes, and every empty folder."""
    found = {}
    for p in sorted(folder.rglob("*")):
        key = p.relative_to(folder).as_posix()
        if p.is_file():
            found[key] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir() and not any(p.iterdir()):
            found[key] = "empty folder"
    return found


def gdanim(*args: str, cache: Path | str, cwd: Path = ROOT, **env) -> subprocess.CompletedProcess:
    """`python -m gdanim ARGS` in a fresh process, with GDANIM_CACHE_DIR=`cache` and a
    TMPDIR of its own (so a temporary cache can be seen to go)."""
    environ = {**os.environ, "GDANIM_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "gdanim", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=600)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning" in line.lower()]


@pytest.fixture
def mount(tmp_path):
    """mount(size, read_only=False): a fresh tmpfs (root only), unmounted at the end."""
    made = []

    def make(size: str, fill: int = 0, read_only: bool = False, folders=()) -> Path:
        point = tmp_path / f"mount{len(made)}"
        point.mkdir()
        if os.geteuid() != 0 or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "none", str(point)],
                capture_output=True).returncode != 0:
            pytest.skip("needs root to mount a small file system")
        made.append(point)
        for folder in folders:
            (point / folder).mkdir(parents=True)
        if fill:
            (point / "filler").write_bytes(b"\0" * fill)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
        return point

    yield make
    for point in made:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


# --- the chapter cache -----------------------------------------------------------------

@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory) -> tuple[Path, Path]:
    """(a chapter cache holding both chapters, the site built with it)."""
    folder = tmp_path_factory.mktemp("filled")
    result = gdanim("build", "--out", str(folder / "site"), "--quality", "draft", "--quiet",
                    *CHAPTERS, cache=folder / "cache")
    assert result.returncode == 0, result.stderr
    return folder / "cache", folder / "site"


def _copy(filled, tmp: Path) -> Path:
    shutil.copytree(filled[0], tmp / "cache")
    return tmp / "cache"


def _a_file(filled, tmp: Path, mount) -> Path:
    (tmp / "cache").write_text("not a folder")
    return tmp / "cache"


def _chapters_a_file(filled, tmp: Path, mount) -> Path:
    (tmp / "cache").mkdir()
    (tmp / "cache" / "chapters").write_text("not a folder")
    return tmp / "cache"


def _folder_for_an_entry(filled, tmp: Path, mount) -> Path:
    cache = _copy(filled, tmp)
    entry = next((cache / "chapters").glob("grid-search-*.page.pickle"))
    entry.unlink()
    entry.mkdir()            # the page part is missing, so grid-search is computed again
    return cache


def _read_only(filled, tmp: Path, mount) -> Path:
    return mount("1m", read_only=True, folders=["chapters"])


def _full(filled, tmp: Path, mount) -> Path:
    return mount("64k", fill=60 * 1024)     # room to start a file, not to finish it


# (name, cache maker (filled cache, tmp_path, mount), words of the one warning)
CACHE_FAULTS = [
    ("a regular file", _a_file, "is a file, where the cache needs a folder"),
    ("chapters/ a regular file", _chapters_a_file, "is a file, where the cache keeps a folder"),
    ("a folder where an entry goes", _folder_for_an_entry,
     "a folder stands where the cache keeps a file"),
    ("read-only", _read_only, "read-only file system"),
    ("full disk", _full, "its disk is full"),
]


@pytest.mark.parametrize("name,make,words", CACHE_FAULTS, ids=[c[0] for c in CACHE_FAULTS])
def test_a_faulty_cache_is_one_warning_and_the_build_goes_on(filled_cache, tmp_path, mount,
                                                            name, make, words):
    cache = make(filled_cache, tmp_path, mount)
    before = tree(cache) if cache.is_dir() else cache.read_bytes()
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = gdanim("build", "--out", str(tmp_path / "site"), "--quality", "draft",
                    "--jobs", "2", *CHAPTERS, cache=cache, TMPDIR=str(temp))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    said = warnings(result.stderr)
    assert len(said) == 1, result.stderr
    assert f"GDANIM_CACHE_DIR={cache}" in said[0] and words in said[0], said[0]
    assert "temporary" in said[0]
    good = json.loads((filled_cache[1] / "manifest.json").read_text())
    built = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert built["numbers"] == good["numbers"]                 # the same chapters' results
    assert (tmp_path / "site" / "media" / "grid-search" / "sweep.mp4").is_file()
    if cache.is_dir():
        assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]
        if name != "full disk":      # (a full disk may hold the part written before it filled)
            assert tree(cache) == before
    else:
        assert cache.read_bytes() == before
    assert not list(temp.iterdir())                             # the temporary cache is gone


def test_an_entry_copied_over_another_chapters_is_remade(filled_cache, tmp_path):
    """guess-and-check's entries under grid-search's names: each entry proves whose it
    is, so grid-search is computed again (today: "'guesses' is undefined")."""
    cache = _copy(filled_cache, tmp_path)
    chapters = cache / "chapters"
    for part in ("page", "figures"):
        theirs = next(chapters.glob(f"guess-and-check-*.{part}.pickle"))
        shutil.copyfile(theirs, next(chapters.glob(f"grid-search-*.{part}.pickle")))
    result = gdanim("build", "--out", str(tmp_path / "site"), "--quality", "draft",
                    "--jobs", "2", *CHAPTERS, cache=cache)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "computed  grid-search" in result.stderr
    said = warnings(result.stderr)
    assert len(said) == 1 and "belong to another chapter" in said[0], result.stderr
    assert "computed  guess-and-check" not in result.stderr     # its own entry still serves
    good = json.loads((filled_cache[1] / "manifest.json").read_text())
    built = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert built["numbers"] == good["numbers"]
    again = gdanim("build", "--out", str(tmp_path / "other"), "--quality", "draft", "--quiet",
                   *CHAPTERS, cache=cache)
    assert again.returncode == 0 and not warnings(again.stderr), again.stderr


# --- the output folder: its manifest.json, and addresses -------------------------------

@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "site"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--only", "guess-and-check")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(good_site, tmp_path) -> Path:
    shutil.copytree(good_site, tmp_path / "site")
    return tmp_path / "site"


def clean(result) -> str:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.output


@pytest.mark.parametrize("damage", [
    b"[" * 200_000 + b"]" * 200_000,                        # RecursionError today
    b'{"generator": "gdanim", "files": {}, "build": {"jobs": {}, "chapters": {"a": 1}}}',
    b'{"generator": "gdanim", "files": {}, "build": {"jobs": {"pages": {"key": "k", '
    b'"outputs": [], "parts": 3}}, "chapters": {}}}',
], ids=["200,000 brackets", "chapter record not a table", "job parts not a table"])
def test_a_damaged_manifest_is_a_warning_and_no_manifest(site, tmp_path, damage):
    """Treated as no manifest: one warning naming it, then the rules for a folder
    without one (it holds files gdanim cannot call its own: refused, exit 2)."""
    (site / "manifest.json").write_bytes(damage)
    before = tree(tmp_path)
    result = run_cli("build", "--out", str(site), "--quality", "draft",
                     "--only", "guess-and-check")
    output = clean(result)
    assert result.exit_code == 2, output
    said = [line for line in output.splitlines() if line.startswith("warning:")]
    assert len(said) == 1 and "manifest.json" in said[0], output
    assert "holds files that gdanim did not write" in output
    assert tree(tmp_path) == before


@pytest.mark.parametrize("damage", [b"[" * 200_000 + b"]" * 200_000, b'{"generator": "gdanim"',
                                    b'{"generator": "gdanim", "pages": 3, "quality": "draft", '
                                    b'"formats": []}'])
def test_slides_takes_a_site_with_a_damaged_manifest_for_none(site, capsys, damage):
    """`slides` reads the site's manifest to link the kit from its pages: damaged, the
    site is left alone with a warning (the kit is still made)."""
    from gdanim.chapters import BUILT_IN, installed
    from gdanim.core.config import SiteInfo
    from gdanim.slides import site_to_relink

    (site / "manifest.json").write_bytes(damage)
    with installed(list(BUILT_IN.values())):
        assert site_to_relink(site, SiteInfo()) is None
    said = capsys.readouterr().err
    assert said.startswith("warning: ") and "manifest.json" in said and "not linked" in said


def test_slides_checks_what_it_reads_back_from_the_sites_manifest(site, tmp_path):
    """site_url edited to a javascript: address: refused naming manifest.json (not an
    option nobody gave), before anything is written."""
    path = site / "manifest.json"
    data = json.loads(path.read_text())
    data["site_url"] = "javascript:alert(1)//"
    data["quality"] = "ultra"
    path.write_text(json.dumps(data))
    before = tree(tmp_path)
    result = run_cli("slides", "--out", str(site), "--only", "grid-search", "--quiet")
    output = clean(result)
    assert result.exit_code == 2, output
    assert f"{path}: 'site_url': 'javascript:alert(1)//' is not an http or https address" \
        in output, output
    assert f"{path}: 'quality': unknown quality 'ultra'" in output, output
    assert "'site-url'" not in output
    assert tree(tmp_path) == before                  # no slides/, nothing beside


@pytest.mark.parametrize("how", ["--site-url", "gdanim.toml", "GDANIM_SITE_URL"])
@pytest.mark.parametrize("address", ['https://you.github.io/x/"><script>alert(1)</script>',
                                     "https://you.github.io/a b/",
                                     "https://x.org/<b>/", "https://x.org/%zz/"])
def test_an_address_with_markup_is_refused(site, tmp_path, monkeypatch, how, address):
    before = tree(tmp_path)
    args = ["build", "--out", str(site), "--quality", "draft", "--only", "guess-and-check"]
    if how == "--site-url":
        args += ["--site-url", address]
    elif how == "GDANIM_SITE_URL":
        monkeypatch.setenv("GDANIM_SITE_URL", address)
    else:
        toml = tmp_path / "gdanim.toml"
        toml.write_text(f"[site]\nsite_url = {json.dumps(address)}\n", encoding="utf-8")
        args += ["--config", str(toml)]
        before = tree(tmp_path)
    result = run_cli(*args)
    output = clean(result)
    assert result.exit_code == 2, output
    assert "site_url'" in output or "'site-url'" in output, output
    assert "cannot carry" in output or "starts no escape" in output, output
    assert tree(tmp_path) == before


# --- the preview server, stopped at any moment -----------------------------------------

# `serve` with a stop signal sent to its whole process group (as Ctrl-C in a terminal
# does) at a chosen moment: the driver patches one step to send it, once.
SERVE_DRIVER = """
import os, signal
from pathlib import Path

def stop():
    marker = Path(os.environ["MARKER"])
    if not marker.exists():
        marker.write_text("sent")
        os.killpg(0, int(os.environ["SIGNUM"]))

stage = os.environ["STAGE"]
if __name__ == "__mp_main__" and stage == "build-importing":
    stop()                           # the build process is importing, not yet building
elif __name__ == "__mp_main__" and stage == "building":
    from gdanim.engine import execute
    real_run = execute.run
    def run(*args):
        stop()                       # the staging folder is made, the figures not yet
        return real_run(*args)
    execute.run = run
elif __name__ == "__main__":
    if stage == "starting":          # options read, the server not yet open
        import gdanim.serve as serve
        real_open = serve.open_free_server
        def open_free_server(*args):
            stop()
            return real_open(*args)
        serve.open_free_server = open_free_server
    from gdanim.cli import main
    main()
"""


@pytest.mark.parametrize("stage", ["starting", "build-importing", "building", "watching"])
@pytest.mark.parametrize("signum", [2, 15, 1], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_serve_stopped_at_any_moment_says_one_line(tmp_path, stage, signum):
    import signal
    import time

    driver = tmp_path / "driver.py"
    driver.write_text(SERVE_DRIVER)
    env = {**os.environ, "STAGE": stage, "SIGNUM": str(signum),
           "MARKER": str(tmp_path / "marker"), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(driver), "serve", "--port", "0", "--only",
                             "guess-and-check", "--out", str(tmp_path / "preview")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        if stage == "watching":
            lines = []
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                line = proc.stderr.readline()
                lines.append(line)
                if not line or line.startswith("Watching"):
                    break
            os.killpg(proc.pid, signum)
            stderr = "".join(lines) + proc.communicate(timeout=120)[1]
        else:
            stderr = proc.communicate(timeout=240)[1]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"serve hung after signal {signum} at {stage}: "
                             f"{proc.communicate()[1]}")
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    said = [line for line in stderr.splitlines() if line.strip()]
    assert said[-1] == "Stopped." or said[-1].startswith(("Interrupted:", "Stopped by")), stderr
    if stage in ("building", "watching"):
        assert said[-1] == "Stopped." and not said[-2].startswith(("Interrupted", "Stopped"))
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left in (["driver.py", "marker"], ["driver.py", "marker", "preview"],
                     ["driver.py"], ["driver.py", "preview"]), left
    deadline = time.monotonic() + 10           # the build process is gone too
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"processes of the stopped serve are still running ({stage})")


# --- the output is never an input ------------------------------------------------------

@pytest.mark.parametrize("inside", ["site", "static/site", "chapters/site"])
def test_a_site_built_inside_the_templates_is_not_an_input(tmp_path, inside):
    """Built into templates/...: the next build has nothing to do, and the static files
    do not carry the site (today: every build rewrites the pages)."""
    from gdanim.outputs import webpages

    templates = tmp_path / "templates"
    shutil.copytree(webpages.TEMPLATES, templates)
    out = templates / inside
    for _ in range(2):
        first = gdanim("build", "--out", str(out), "--quality", "draft", "--only",
                       "guess-and-check", cache=tmp_path / "cache",
                       GDANIM_TEMPLATES=str(templates))
        assert first.returncode == 0, first.stderr
    assert "is up to date (nothing changed" in first.stderr, first.stderr
    shipped = {p.relative_to(webpages.TEMPLATES / "static").as_posix()
               for p in (webpages.TEMPLATES / "static").rglob("*")}
    copied = {p.relative_to(out / "static").as_posix() for p in (out / "static").rglob("*")}
    assert copied == shipped
    assert not [p for p in templates.rglob("*") if "-staging-" in p.name]


def test_serve_into_the_templates_rebuilds_once_per_edit(tmp_path):
    """The preview's own writes (its staging folder, the swap) are not edits."""
    import signal
    import threading
    import time

    from gdanim.outputs import webpages

    templates = tmp_path / "templates"
    shutil.copytree(webpages.TEMPLATES, templates)
    env = {**os.environ, "GDANIM_TEMPLATES": str(templates), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "gdanim", "serve", "--port", "0",
                             "--only", "guess-and-check", "--out", str(templates / "preview")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()

    def wait_for(text: str, count: int) -> None:
        deadline = time.monotonic() + 240
        while sum(text in line for line in list(lines)) < count:
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            time.sleep(0.2)

    try:
        wait_for("Watching for changes", 1)
        page = templates / "index.html"
        page.write_text(page.read_text() + "\n{# an edit #}\n")
        wait_for("Built in", 2)
        time.sleep(6)          # (watchfiles reports what it saw within a few 100 ms)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    said = "".join(lines)
    assert said.count("Changed:") == 1 and said.count("Built in") == 2, said


# --- labels are text --------------------------------------------------------------------

def test_a_label_matplotlib_would_read_as_broken_maths_is_drawn_as_text(tmp_path):
    """x_label with `$...$` that mathtext cannot parse (today: ParseFatalException):
    the figures draw it, dollar signs and all; the page shows it as written."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "data.csv").write_text("hours,score\n" + "".join(
        f"{i},{2 * i + (i % 3) * 0.5}\n" for i in range(1, 30)))
    label = r"wait $\notacommand{x}$ and $\frac{1}{$"
    (course / "gdanim.toml").write_text(
        '[[chapter]]\nslug = "study"\ntitle = "Study"\ncsv = "data.csv"\nx = "hours $"\n'
        'y = "score"\n'.replace('x = "hours $"', 'x = "hours"')
        + f"x_label = {json.dumps(label)}\n", encoding="utf-8")
    result = gdanim("build", "--out", str(tmp_path / "site"), "--quality", "draft",
                    "--formats", "poster", "--only", "study", "--jobs", "1",
                    cache=tmp_path / "cache", cwd=course)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ParseFatal" not in result.stderr
    page = (tmp_path / "site" / "study.html").read_text(encoding="utf-8")
    assert r"wait $\notacommand{x}$" in page                      # as written, escaped HTML-wise
    assert list((tmp_path / "site" / "media" / "study").glob("*.png"))


# --- a full disk, named -----------------------------------------------------------------

def test_a_full_disk_is_named(mount):
    """Out of space while writing the site: the message says which disk (its mount
    point and what is left), and nothing is left on it."""
    small = mount("3m", fill=3 * 1024 * 1024 - 200 * 1024)
    result = subprocess.run([sys.executable, "-m", "gdanim", "build", "--out",
                             str(small / "site"), "--quality", "draft", "--jobs", "1",
                             *CHAPTERS], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert "the disk is full while" in result.stderr, result.stderr
    assert f"free some space on the disk holding {small} (" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in small.iterdir()) == ["filler"]


def test_a_copy_that_fills_the_disk_is_a_plain_message(tmp_path):
    """shutil.copytree gathers each file's failure into one shutil.Error, as text (the
    static files, today a traceback): the first one is told plainly, with its file."""
    from gdanim.cli import describe

    target = str(tmp_path / "static" / "style.css")
    error = shutil.Error([("templates/static/style.css", target,
                           f"[Errno 28] No space left on device: '{target}'")])
    said = describe(error)
    assert said is not None and f"the disk holding " in said and "is full" in said, said
    assert target in said

"""Bad input gets one clear message, exit code 2, and the previous site survives."""
import pytest

from gdanim.engine import pipeline as build_module
from tests.conftest import run_cli


@pytest.fixture
def old_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    (site / "manifest.json").write_text('{"generator": "gdanim"}')
    return site


@pytest.mark.parametrize("args,message", [
    (["--only", "nope"], "'only': unknown scenario 'nope' (choose from: guess-and-check"),
    (["--formats", "mp4,webm"], "'formats': unknown format 'webm' (choose from: mp4, gif, poster, frames)"),
    (["--quality", "ultra"], "'quality': unknown quality 'ultra' (choose from: draft, web, slides)"),
])
def test_bad_input_exits_2_naming_the_choices(old_site, args, message):
    result = run_cli("build", "--out", str(old_site), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert (old_site / "index.html").read_text() == "previous site"


def test_every_problem_is_reported_at_once(old_site):
    result = run_cli("build", "--out", str(old_site), "--only", "x", "--formats", "avi",
                     "--quality", "best")
    assert result.exit_code == 2
    for key in ("'only'", "'formats'", "'quality'"):
        assert key in result.output


def test_failed_build_leaves_previous_site_and_no_debris(old_site, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("ffmpeg fell over")

    monkeypatch.setattr("gdanim.figures.media.render_animation", explode)
    with pytest.raises(RuntimeError, match="fell over"):
        run_cli("build", "--out", str(old_site), "--quality", "draft", "--quiet",
                "--only", "grid-search")
    assert (old_site / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in old_site.parent.iterdir()) == ["site"]
    assert (old_site / "manifest.json").exists()


def test_list_shows_each_chapter_with_a_description():
    result = run_cli("list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("guess-and-check ")
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


def test_help_is_useful():
    result = run_cli("build", "--help")
    assert result.exit_code == 0
    assert "draft" in result.output and "web" in result.output
    for option in ("--out", "--only", "--formats", "--quality"):
        assert option in result.output


def test_a_folder_gdanim_did_not_write_is_never_replaced(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    result = run_cli("build", "--out", str(docs), "--quality", "draft")
    assert result.exit_code == 2
    assert "'out':" in result.output and "did not write" in result.output
    assert (docs / "notes.txt").read_text() == "mine"


def test_the_site_folder_is_readable_by_a_web_server(built_site):
    assert built_site.stat().st_mode & 0o755 == 0o755


def test_list_and_help_start_without_jax_or_matplotlib():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = ("import sys, runpy; sys.argv = ['generate.py', '{}'];\n"
             "try: runpy.run_path('generate.py', run_name='__main__')\n"
             "except SystemExit: pass\n"
             "heavy = [m for m in ('jax', 'matplotlib', 'optax') if m in sys.modules]\n"
             "print('HEAVY', heavy)")
    for command in ("list", "--help"):
        result = subprocess.run([sys.executable, "-c", probe.format(command)], cwd=root,
                                capture_output=True, text=True, check=True)
        assert "HEAVY []" in result.stdout, (command, result.stdout, result.stderr)

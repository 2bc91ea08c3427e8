"""gdanim.toml: every problem reported at once as `file: 'key': problem`, exit 2, no
traceback, and the previous site left byte for byte as it was."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from gdanim import settings
from gdanim.chapters import BUILT_IN, SCENARIOS
from tests.conftest import run_cli

GOOD_CSV = "hours,score\n1,2\n2,4.5\n3,5.5\n4,8\n"


def chapter(**keys) -> str:
    """A [[chapter]] table: a valid one, with `keys` replaced (None drops a key)."""
    table = {"slug": '"study"', "title": '"Study"', "csv": '"data.csv"', "x": '"hours"',
             "y": '"score"'}
    table.update(keys)
    return "[[chapter]]\n" + "".join(f"{k} = {v}\n" for k, v in table.items() if v is not None)


CASES = {
    "unknown key": ('[site]\ntitel = "Mine"\n', {},
                    "gdanim.toml: 'site.titel': unknown key (did you mean 'title'?)"),
    "unknown chapter key": (chapter(epoch="50"), {GOOD_CSV: "data.csv"},
                            "'chapter.study.epoch': unknown key (did you mean 'epochs'?)"),
    "wrong type": ('[chapters.descent-1d]\nlearning_rate = "fast"\n', {},
                   "'chapters.descent-1d.learning_rate': must be a number, not 'fast'"),
    "wrong type bool": (chapter(standardize='"yes"'), {GOOD_CSV: "data.csv"},
                        "'chapter.study.standardize': must be true or false, not text 'yes'"),
    "out of range": ("[chapters.descent-1d]\nepochs = 5\n", {},
                     "'chapters.descent-1d.epochs': 5 is out of range (from 10 to 20000)"),
    "out of range csv": (chapter(learning_rate="-0.1"), {GOOD_CSV: "data.csv"},
                         "'chapter.study.learning_rate': -0.1 is out of range"),
    "unknown built-in chapter": ("[chapters.descent-2d]\nepochs = 50\n", {},
                                 "'chapters.descent-2d': unknown chapter (did you mean "
                                 "'descent-1d'?)"),
    "unknown chapter in order": ('[site]\nchapters = ["slopes", "studdy"]\n' + chapter(),
                                 {GOOD_CSV: "data.csv"},
                                 "'site.chapters': unknown chapter 'studdy' (did you mean "
                                 "'study'?)"),
    "unknown optimizer": (chapter(optimizers='["gd", "adamw"]'), {GOOD_CSV: "data.csv"},
                          "'chapter.study.optimizers': unknown optimizer 'adamw' (did you "
                          "mean 'adam'?)"),
    "duplicate slug": (chapter() + chapter(), {GOOD_CSV: "data.csv"},
                       "'chapter.study.slug': 'study' is used by chapters 1 and 2"),
    "slug not URL-safe": (chapter(slug='"My chapter"'), {GOOD_CSV: "data.csv"},
                          "'My chapter' is not URL-safe"),
    "missing key": (chapter(x=None), {GOOD_CSV: "data.csv"},
                    "'chapter.study.x': missing"),
    "missing file": (chapter(csv='"nothere.csv"'), {},
                     "'chapter.study.csv': no file nothere.csv"),
    "missing column": (chapter(x='"hour"'), {GOOD_CSV: "data.csv"},
                       "'chapter.study.x': no column 'hour' in data.csv (did you mean "
                       "'hours'?) (its columns: 'hours', 'score')"),
    "not numbers": (chapter(), {"hours,score\n1,2\n2,n/a\n3,5\n4,abc\n5,7\n": "data.csv"},
                    "data.csv: column 'score', rows 3, 5: not a number ('n/a', 'abc')"),
    "too few rows": (chapter(), {"hours,score\n1,2\n2,\n3,5\n": "data.csv"},
                     "data.csv: only 2 usable rows after dropping 1 with an empty cell"),
    "constant column": (chapter(), {"hours,score\n2,1\n2,4\n2,5\n": "data.csv"},
                        "data.csv: column 'hours' has the same value (2) in every row"),
    "not finite": (chapter(), {"hours,score\n1,2\ninf,3\n3,5\n4,nan\n": "data.csv"},
                   "data.csv: column 'hours', row 3: not a finite number"),
    "not UTF-8": (chapter(), {"hours,score\n1,2\n2,3\n3,5\n# caf\xe9\n".encode("latin-1"): "data.csv"},
                  "data.csv: not UTF-8 text (byte 30, line 5)"),
    "prose names an unknown number": (chapter(prose='"p.md"'),
                                      {GOOD_CSV: "data.csv", "Slope {{ lstsq_slop }}.": "p.md"},
                                      "'chapter.study.prose': {{ lstsq_slop }} is not a number "
                                      "this chapter computes (did you mean 'lstsq_slope'?)"),
    "bad number format in prose": (chapter(prose='"p.md"'),
                                   {GOOD_CSV: "data.csv", "Slope {{ lstsq_slope:.2q }}.": "p.md"},
                                   "{{ lstsq_slope:.2q }}: '.2q' is not a number format"),
    "x and y the same": (chapter(y='"hours"'), {GOOD_CSV: "data.csv"},
                         "'chapter.study.y': is the same column as x ('hours')"),
    "bad site url": ('[site]\nsite_url = "github.io/me"\n', {},
                     "'site.site_url': 'github.io/me' is not an http(s) address"),
    "bad repository": ('[site]\nrepository = "github.com/me/course"\n', {},
                       "'site.repository': 'github.com/me/course' is not an http(s) address "
                       "like 'https://github.com/you/course'"),
    "not TOML": ("[site\ntitle = 1\n", {}, "gdanim.toml: not valid TOML"),
}


@pytest.fixture
def old_site(tmp_path):
    site = tmp_path / "site"
    (site / "media").mkdir(parents=True)
    (site / "index.html").write_text("previous site")
    (site / "media" / "clip.mp4").write_bytes(b"\x00\x01previous")
    (site / "manifest.json").write_text('{"generator": "gdanim"}')
    return site


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def write_config(folder, toml: str, files: dict) -> None:
    (folder / "gdanim.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    for content, name in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("toml,files,message", CASES.values(), ids=CASES.keys())
def test_a_bad_config_names_the_problem_exits_2_and_keeps_the_site(tmp_path, old_site, toml,
                                                                   files, message):
    before = snapshot(old_site)
    write_config(tmp_path, toml, files)
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out",
                     str(old_site), "--quality", "draft")
    assert result.exit_code == 2, result.output
    assert message.replace("gdanim.toml", str(tmp_path / "gdanim.toml")) in result.output
    assert "Traceback" not in result.output
    assert snapshot(old_site) == before
    assert list(SCENARIOS) == list(BUILT_IN)      # the registry is restored


def test_every_problem_is_reported_at_once(tmp_path, monkeypatch):
    write_config(tmp_path, '[site]\ntitel = "x"\n[chapters.slopes]\nepochs = 3\n'
                 + chapter(x='"hour"', optimizers='["adamw"]'), {GOOD_CSV: "data.csv"})
    monkeypatch.chdir(tmp_path)       # gdanim.toml is read from the current folder
    result = run_cli("build", "--out", "site", "--quality", "draft")
    assert result.exit_code == 2
    for key in ("'site.titel'", "'chapters.slopes'", "'chapter.study.x'",
                "'chapter.study.optimizers'"):
        assert f"gdanim.toml: {key}" in result.output
    assert not (tmp_path / "site").exists()


def test_paths_resolve_against_the_config_folder(tmp_path, monkeypatch):
    folder = tmp_path / "course"
    folder.mkdir()
    write_config(folder, chapter(), {GOOD_CSV: "data.csv"})
    monkeypatch.chdir(tmp_path)
    loaded = settings.load("course/gdanim.toml")
    assert [s.slug for s in loaded.scenarios][-1] == "study"


def test_site_chapters_choose_and_order(tmp_path):
    write_config(tmp_path, '[site]\nchapters = ["study", "slopes"]\n' + chapter(),
                 {GOOD_CSV: "data.csv"})
    loaded = settings.load(str(tmp_path / "gdanim.toml"))
    assert [s.slug for s in loaded.scenarios] == ["study", "slopes"]


def test_settings_reach_the_built_in_chapter(tmp_path):
    write_config(tmp_path, "[chapters.descent-1d]\nlearning_rate = 2e-5\nepochs = 300\n", {})
    loaded = settings.load(str(tmp_path / "gdanim.toml"))
    chosen = {s.slug: s for s in loaded.scenarios}["descent-1d"]
    assert chosen.values == {"learning_rate": 2e-5, "epochs": 300}
    assert BUILT_IN["descent-1d"].values == {}


def test_empty_cells_are_dropped_and_said(tmp_path):
    write_config(tmp_path, chapter(), {"hours,score\n1,2\n2,\n3,5\n4,8\n": "data.csv"})
    loaded = settings.load(str(tmp_path / "gdanim.toml"))
    assert any("dropped 1 of 4 rows" in note and "lines 3" in note for note in loaded.notes)


def test_a_learning_rate_above_the_threshold_is_allowed_and_said(tmp_path):
    write_config(tmp_path, chapter(learning_rate="1.5"), {GOOD_CSV: "data.csv"})
    loaded = settings.load(str(tmp_path / "gdanim.toml"))
    assert any("above the divergence threshold 1" in note for note in loaded.notes)


def test_list_settings_documents_every_setting_with_default_and_range():
    result = run_cli("list", "--settings")
    assert result.exit_code == 0
    for scenario in BUILT_IN.values():
        assert scenario.slug in result.output
        for s in scenario.options:
            assert f"{s.name}" in result.output and f"{s.low:g} to {s.high:g}" in result.output
    for key, _, _ in settings.CSV_KEYS_HELP:
        assert key in result.output


def test_a_built_in_learning_rate_changes_its_numbers_and_key_and_nothing_else(tmp_path):
    def build(name: str, toml: str) -> dict:
        (tmp_path / f"{name}.toml").write_text(toml)
        out = tmp_path / name
        result = run_cli("build", "--config", str(tmp_path / f"{name}.toml"), "--out",
                         str(out), "--quality", "draft", "--formats", "poster", "--quiet",
                         "--only", "descent-1d", "--only", "slopes")
        assert result.exit_code == 0, result.output
        return json.loads((out / "manifest.json").read_text())

    before = build("default", "[site]\n")
    after = build("changed", "[chapters.descent-1d]\nlearning_rate = 2e-5\n")
    assert after["numbers"]["descent-1d.learning_rate"] == 2e-5
    changed = {k for k in before["numbers"] if before["numbers"][k] != after["numbers"][k]}
    assert "descent-1d.final_loss" in changed
    assert all(k.startswith("descent-1d.") for k in changed)
    keys = [{(a["scenario"], a["name"]): a["key"] for a in m["animations"]}
            for m in (before, after)]
    assert keys[0][("descent-1d", "descent")] != keys[1][("descent-1d", "descent")]
    assert {k: v for k, v in keys[0].items() if k[0] != "descent-1d"} == \
        {k: v for k, v in keys[1].items() if k[0] != "descent-1d"}
    assert before["stills"] == after["stills"]


def test_the_readme_documents_every_built_in_setting():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for scenario in BUILT_IN.values():
        for s in scenario.options:
            assert (f"| `{scenario.slug}` | `{s.name}` | {s.default:g} | "
                    f"{s.low:g} to {s.high:g}") in readme

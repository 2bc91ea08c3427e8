"""A teacher's own files, and a colleague's shared gdanim.toml, fail as cleanly as the
build does: every bad config or CSV ends in one plain message and exit code 2, with no
traceback, the previous site and the teacher's files byte-identical, and nothing left
beside the output. A hostile config learns nothing: no file outside the config's folder
is read, nothing but a CSV's header is ever repeated, and only shortened.

The catalogue is one table (CATALOGUE) of bad inputs; the sweep of magnitudes runs the
same way, through the command line."""
from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import run_cli

SECRET = "gdanim-test-secret-7f3a"        # in the environment: never in any output
GOOD_CSV = "hours,score\n1,2\n2,4.5\n3,5.5\n4,8\n5,9.7\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as where they point) with the hash of its bytes;
    a pipe as 'fifo' (reading it would block)."""
    found = {}
    for p in sorted(folder.rglob("*")):
        key = p.relative_to(folder).as_posix()
        if p.is_symlink():
            found[key] = "-> " + os.readlink(p)
        elif p.is_fifo():
            found[key] = "fifo"
        elif p.is_file():
            found[key] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """A real, small site (one chapter), built once; tests copy it."""
    out = tmp_path_factory.mktemp("good") / "site"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--only", "guess-and-check")
    assert result.exit_code == 0, result.output
    return out


def chapter(**keys) -> str:
    """A [[chapter]] table: a valid one, with `keys` replaced (None drops a key)."""
    table = {"slug": '"study"', "title": '"Study"', "csv": '"data.csv"', "x": '"hours"',
             "y": '"score"'}
    table.update(keys)
    return "[[chapter]]\n" + "".join(f"{k} = {v}\n" for k, v in table.items() if v is not None)


def csv_of(x, y, header="hours,score") -> str:
    return header + "\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(x, y))


XS = np.array([1, 2, 3, 4, 5, 6.5, 7, 8.2])
YS = np.array([2.1, 3.9, 6.2, 8.1, 9.7, 13.0, 14.2, 16.5])


# Each maker writes the course folder (gdanim.toml and its files) and may return the
# --config argument (default: the folder's gdanim.toml).
def files(toml: str, **named):
    def make(course: Path):
        (course / "gdanim.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        for name, content in named.items():
            name = name.replace("__", ".")
            if isinstance(content, bytes):
                (course / name).write_bytes(content)
            else:
                (course / name).write_text(content, encoding="utf-8")
    return make


def raw_config(data: bytes, **named):
    def make(course: Path):
        files("", **named)(course)
        (course / "gdanim.toml").write_bytes(data)
    return make


def _environ_link(course: Path):
    files(chapter())(course)
    (course / "data.csv").symlink_to("/proc/self/environ")


def _environ_copy(course: Path):
    files(chapter(), data__csv=Path("/proc/self/environ").read_bytes())(course)


def _outside(course: Path):
    files(chapter(csv='"../elsewhere.csv"'))(course)


def _outside_absolute(course: Path):
    files(chapter(csv='"/etc/passwd"'))(course)


def _link_outside(course: Path):
    files(chapter())(course)
    (course.parent / "private").mkdir()
    (course.parent / "private" / "grades.csv").write_text(GOOD_CSV)
    (course / "data.csv").symlink_to(course.parent / "private" / "grades.csv")


def _link_loop(course: Path):
    files(chapter())(course)
    (course / "data.csv").symlink_to(course / "data.csv")


def _fifo(course: Path):
    files(chapter())(course)
    os.mkfifo(course / "data.csv")


def _fifo_prose(course: Path):
    files(chapter(prose='"p.md"'), data__csv=GOOD_CSV)(course)
    os.mkfifo(course / "p.md")


def _folder(course: Path):
    files(chapter())(course)
    (course / "data.csv").mkdir()


def _prose_folder(course: Path):
    files(chapter(prose='"p"'), data__csv=GOOD_CSV)(course)
    (course / "p").mkdir()


def _huge(course: Path):
    files(chapter())(course)
    with open(course / "data.csv", "wb") as file:      # sparse: quick to make
        file.write(b"hours,score\n")
        file.truncate(65 * 1024 * 1024)


def _config_fifo(course: Path) -> str:
    os.mkfifo(course / "gdanim.toml")
    return str(course / "gdanim.toml")


def _config_folder(course: Path) -> str:
    (course / "gdanim.toml").mkdir()
    return str(course / "gdanim.toml")


def _config_environ(course: Path) -> str:
    (course / "keep.txt").write_text("mine")
    return "/proc/self/environ"


def _config_device(course: Path) -> str:
    (course / "keep.txt").write_text("mine")
    return "/dev/zero"


def _many_chapters(course: Path):
    toml = "".join(chapter(slug=f'"c{i}"') for i in range(41))
    files(toml, data__csv=GOOD_CSV)(course)


def _deep(course: Path):
    files("a = " + "[\n" * 3000 + "]\n" * 3000)(course)


def _escape_header(course: Path):
    files(chapter(x='"hour"'), data__csv="\x1b[2J\x1b]0;pwned\x07hours,sc\u202eore\n1,2\n2,3\n3,5\n")(course)


def _wide_header(course: Path):
    header = ",".join(f"column_{i}_{'w' * 50}" for i in range(100_000))
    files(chapter(x='"hour"'), data__csv=header + "\n")(course)


def _one_long_line(course: Path):
    files(chapter(), data__csv=SECRET * 300_000)(course)


BIG = XS * 1e300
# (name, maker, exit code, message, text that must not appear in the output)
CATALOGUE = [
    # the CSV's values: the maths must not break (issue 17)
    ("values near 1e300", files(chapter(), data__csv=csv_of(XS * 1e300, YS * 1e300)), 2,
     "column 'hours' has values as large as 8.2e+300", None),
    ("values near 1e-300", files(chapter(), data__csv=csv_of(XS * 1e-300, YS)), 2,
     "column 'hours' has no value larger than 8.2e-300", None),
    ("one huge value among ordinary ones", files(chapter(), data__csv=csv_of(
        np.append(XS, 1e300), np.append(YS, 1))), 2, "divide it by 1e+300", None),
    ("squares overflow 32-bit floats unstandardized",
     files(chapter(standardize="false"), data__csv=csv_of(XS * 1e20, YS)), 2,
     "turn on standardize (the default), or rescale the column", None),
    ("squares underflow 32-bit floats unstandardized",
     files(chapter(standardize="false"), data__csv=csv_of(XS, YS * 1e-20)), 2,
     "column 'score' has no value larger than 1.65e-19", None),
    ("a column that barely varies", files(chapter(), data__csv=csv_of(
        1e6 + XS * 1e-6, YS)), 2, "column 'hours' barely varies", None),
    ("barely varies for 32-bit floats", files(chapter(standardize="false"),
                                             data__csv=csv_of(1000 + XS * 1e-5, YS)), 2,
     "turn on standardize (the default), or subtract a round number", None),
    ("all zeros", files(chapter(), data__csv=csv_of(XS, YS * 0)), 2,
     "column 'score' has the same value (0) in every row", None),
    ("column named twice", files(chapter(), data__csv="hours,score,hours\n1,2,9\n2,3,8\n"
                                                      "3,5,7\n"), 2,
     "column 'hours' appears 2 times in the header (columns 1, 3)", None),
    # what the CSV is
    ("CSV holding the environment, linked", _environ_link, 2,
     "'chapter.study.csv': 'data.csv' is outside the folder of gdanim.toml", SECRET),
    ("CSV the environment by its path", files(chapter(csv='"/proc/self/environ"')), 2,
     "'/proc/self/environ' is outside the folder of gdanim.toml", SECRET),
    ("CSV holding the environment, copied", _environ_copy, 2,
     "data.csv: holds NUL bytes", SECRET),
    ("CSV one line of 6 MB", _one_long_line, 2,
     "whose first line has no comma, semicolon or tab", SECRET),
    ("CSV outside the folder", _outside, 2, "'../elsewhere.csv' is outside the folder", None),
    ("CSV an absolute path outside", _outside_absolute, 2, "'/etc/passwd' is outside", "root:"),
    ("CSV a link to a file outside", _link_outside, 2, "is outside the folder", None),
    ("CSV a link to itself", _link_loop, 2, "'chapter.study.csv': 'data.csv' cannot be followed",
     None),
    ("CSV a named pipe", _fifo, 2, "data.csv is not a regular file", None),
    ("CSV a folder", _folder, 2, "data.csv is a folder, not a file", None),
    ("CSV over the size limit", _huge, 2, "data.csv is 65.0 MiB; the limit is 64 MiB", None),
    ("CSV is a PNG", files(chapter(), data__csv=b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), 2,
     "data.csv: holds NUL bytes (first at byte 9)", None),
    ("CSV in UTF-16", files(chapter(), data__csv=GOOD_CSV.encode("utf-16")), 2,
     "data.csv: saved as UTF-16 text", None),
    ("CSV in Latin-1", files(chapter(), data__csv="hours,score\n1,2\n2,3\n3,5\n# caf\xe9\n"
                                                 .encode("latin-1")), 2,
     "data.csv: not UTF-8 text", None),
    ("CSV empty", files(chapter(), data__csv=""), 2, "data.csv: the file is empty", None),
    ("CSV header only", files(chapter(), data__csv="hours,score\n"), 2,
     "only 0 usable rows", None),
    ("CSV with escape sequences in its header", _escape_header, 2,
     r"(its columns: '\x1b[2J\x1b]0;pwned\x07hours', 'sc\u202eore')", "\x1b"),
    ("CSV with 100,000 columns", _wide_header, 2, "and 99994 more)", "column_9999_"),
    ("CSV path with an escape sequence", files(chapter(csv='"\\u001b[2Jdata.csv"')), 2,
     "'chapter.study.csv': holds a control character (U+001B) at position 1", "\x1b"),
    ("CSV path with a NUL", files(chapter(csv='"data\\u0000.csv"')), 2,
     "holds a control character (U+0000)", None),
    # the prose file
    ("prose outside the folder", files(chapter(prose='"../../etc/hostname"'),
                                       data__csv=GOOD_CSV), 2,
     "'chapter.study.prose': '../../etc/hostname' is outside the folder", None),
    ("prose a named pipe", _fifo_prose, 2, "p.md is not a regular file", None),
    ("prose a folder", _prose_folder, 2, "'chapter.study.prose': p is a folder", None),
    ("prose binary", files(chapter(prose='"p.md"'), data__csv=GOOD_CSV, p__md=b"ab\0cd"), 2,
     "p.md holds NUL bytes", None),
    # gdanim.toml itself
    ("config a named pipe", _config_fifo, 2, "is not a regular file", None),
    ("config a folder", _config_folder, 2, "is a folder, not a settings file", None),
    ("config the environment", _config_environ, 2, "not valid TOML", SECRET),
    ("config a device", _config_device, 2, "is not a regular file", None),
    ("config in UTF-16", raw_config('[site]\ntitle = "x"\n'.encode("utf-16")), 2,
     "not UTF-8 text", None),
    ("config with a UTF-8 BOM and a bad key", raw_config(b'\xef\xbb\xbf[site]\ntitel = "x"\n'),
     2, "'site.titel': unknown key", None),
    ("config with a NUL byte", raw_config(b'[site]\ntitle = "a\0b"\n'), 2,
     "not valid TOML", None),
    ("config with a key twice", files('[site]\ntitle = "a"\ntitle = "b"\n'), 2,
     "not valid TOML: Cannot overwrite a value", None),
    ("config nested 3000 deep", _deep, 2, "nest hundreds of levels deep", None),
    ("config with a 5,000-character line", files("# " + "x" * 5000 + "\n"), 2,
     "line 1 is 5,002 characters long; at most 2,000", None),
    ("config over 128 KiB", files(("# a comment line\n" * 9000)), 2,
     "the limit is 0.125 MiB", None),
    ("41 CSV chapters", _many_chapters, 2, "41 [[chapter]] tables; a site takes at most 40",
     None),
    ("title with a control character", files(chapter(title='"Study\\u0007"'),
                                            data__csv=GOOD_CSV), 2,
     "'chapter.study.title': holds a control character (U+0007) at position 6", None),
    ("title with a line break", files(chapter(title='"Study\\nmore"'), data__csv=GOOD_CSV),
     2, "(U+000A, a line break)", None),
    ("title that reads backwards", files(chapter(title='"Study \\u202eevil"'),
                                        data__csv=GOOD_CSV), 2, "(U+202E)", None),
    ("title of 1,500 characters", files(chapter(title='"' + "t" * 1500 + '"'),
                                       data__csv=GOOD_CSV), 2,
     "'chapter.study.title': is 1,500 characters long; at most 200", None),
    ("slug of 1,000 characters", files(chapter(slug='"' + "s" * 1000 + '"'),
                                      data__csv=GOOD_CSV), 2,
     "'chapter[1].slug': is 1,000 characters long; at most 60", None),
    ("site title with an escape", files('[site]\ntitle = "\\u001b]0;x\\u0007"\n'), 2,
     "'site.title': holds a control character (U+001B)", "\x1b"),
    ("learning rate nan", files(chapter(learning_rate="nan"), data__csv=GOOD_CSV), 2,
     "'chapter.study.learning_rate': nan is out of range", None),
    ("learning rate inf", files(chapter(learning_rate="inf"), data__csv=GOOD_CSV), 2,
     "inf is out of range", None),
    ("epochs 10**18", files(chapter(epochs="1000000000000000000"), data__csv=GOOD_CSV), 2,
     "is out of range (from 10 to 20000)", None),
    ("an unknown key 1,500 characters long", files(f'{"k" * 1500} = 1\n'), 2,
     "unknown key", "k" * 200),
]


@pytest.mark.parametrize("name,make,code,message,hidden", CATALOGUE,
                         ids=[c[0] for c in CATALOGUE])
def test_bad_data_or_settings_is_one_clear_message(good_site, tmp_path, monkeypatch, name,
                                                   make, code, message, hidden):
    monkeypatch.setenv("GDANIM_TEST_TOKEN", SECRET)
    site = tmp_path / "site"
    shutil.copytree(good_site, site)
    course = tmp_path / "course"
    course.mkdir()
    config = make(course) or str(course / "gdanim.toml")
    before, mine = snapshot(site), snapshot(course)
    outside = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("build", "--config", config, "--out", str(site), "--quality", "draft",
                     "--formats", "poster")
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    if hidden:
        assert hidden not in result.output
    assert len(result.output) < 3000, "a message is a few lines, not a file"
    assert snapshot(site) == before
    assert snapshot(course) == mine
    assert sorted(p.name for p in tmp_path.iterdir()) == outside


def test_catalogue_is_big_enough():
    assert len(CATALOGUE) >= 50


# -- a sweep of magnitudes ---------------------------------------------------------------
# Each column is the ordinary data times a scale: tiny, huge, negative, zero, or mixed
# (one far-off value among ordinary ones). Through the command line, every case is either
# refused with a message that says what to do, or accepted; an accepted one computes the
# same least-squares line as NumPy's polyfit on the scaled data, with finite numbers.
SCALES = [1e-300, 1e-120, -1e-99, 1e-16, 1e-8, 1.0, -1e8, 1e14, 1e16, 1e99, 1e120, 1e300,
          0.0, "mixed"]
ADVICE = ("rescale the column", "turn on standardize", "subtract a round number",
          "same value")


def scaled(base: np.ndarray, scale) -> np.ndarray:
    if scale == "mixed":
        return np.append(base, 1e250)
    return base * scale


def sweep_cases():
    for standardize in (True, False):
        for sx in SCALES:
            yield sx, 1.0, standardize
        for sy in SCALES:
            if sy != 1.0:
                yield 1.0, sy, standardize
        for both in (1e-99, 1e99, 1e300, -1e-300):
            yield both, both, standardize


@pytest.mark.parametrize("sx,sy,standardize", list(sweep_cases()),
                         ids=[f"x{a}-y{b}-{'z' if s else 'raw'}" for a, b, s in sweep_cases()])
def test_a_sweep_of_magnitudes_is_fitted_right_or_refused_with_advice(tmp_path, sx, sy,
                                                                      standardize):
    from gdanim import settings
    from gdanim.chapters.csv.chapter import chapter_numbers, compute

    x, y = scaled(XS, sx), scaled(YS, sy)
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    files(chapter(standardize=str(standardize).lower(), epochs="20"),
          data__csv=csv_of(x, y))(tmp_path)
    result = run_cli("list", "--config", str(tmp_path / "gdanim.toml"))
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "data.csv: column" in result.output, result.output
        assert any(advice in result.output for advice in ADVICE), result.output
        return
    assert result.exit_code == 0, result.output
    scenario = settings.load(str(tmp_path / "gdanim.toml")).scenarios[-1]
    spec, columns = scenario.compute.keywords["spec"], scenario.compute.keywords["columns"]
    numbers = chapter_numbers(compute(spec, columns))
    slope, intercept = np.polyfit(x, y, 1)
    assert numbers["lstsq_slope_original"] == pytest.approx(slope, rel=1e-6)
    assert numbers["lstsq_intercept_original"] == pytest.approx(intercept, rel=1e-6,
                                                                abs=1e-9 * np.abs(y).max())
    bad = {k: v for k, v in numbers.items() if isinstance(v, float) and not np.isfinite(v)}
    assert not bad


@pytest.mark.parametrize("scale,standardize", [(1e99, True), (-1e-99, True), (1e14, False)])
def test_the_extremes_accepted_build_a_site(tmp_path, scale, standardize):
    files(chapter(standardize=str(standardize).lower(), epochs="20"),
          data__csv=csv_of(XS * scale, YS))(tmp_path)
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out",
                     str(tmp_path / "site"), "--quality", "draft", "--formats", "poster",
                     "--only", "study", "--quiet")
    assert result.exit_code == 0, result.output
    import json

    numbers = json.loads((tmp_path / "site" / "manifest.json").read_text())["numbers"]
    assert numbers["study.lstsq_slope_original"] == pytest.approx(
        np.polyfit(XS * scale, YS, 1)[0], rel=1e-6)
    page = (tmp_path / "site" / "study.html").read_text()
    assert "nan" not in page.lower().split("<body", 1)[1].replace("nanosecond", "")


def test_a_hostile_title_and_summary_show_as_text_everywhere(tmp_path):
    """A title and summary full of markup reach the pages' <title>, their description and
    link-preview tags, the index, the sitemap and the notebook as text: no element, no
    attribute, no Markdown gets through."""
    import html
    import json
    import xml.etree.ElementTree as ET
    from html.parser import HTMLParser

    import nbformat
    from markdown_it import MarkdownIt

    title = '</title><script>alert("t")</script> & \'q\' *b* [l](javascript:x)'
    summary = '"><img src=x onerror=alert(1)> <script>alert("s")</script>'
    files('[site]\ntitle = "Course <b>bold</b>"\nsite_url = "https://example.org/c/"\n'
          + chapter(title=json.dumps(title), summary=json.dumps(summary), epochs="20"),
          data__csv=GOOD_CSV)(tmp_path)
    out = tmp_path / "site"
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out", str(out),
                     "--quality", "draft", "--formats", "poster", "--quiet")
    assert result.exit_code == 0, result.output

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.scripts, self.title, self.meta = [], [], "", {}
            self._in = None

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self._in = tag
            attrs = dict(attrs)
            if tag == "meta":
                self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
            if any(k.startswith("on") for k in attrs):
                raise AssertionError(f"an event attribute on <{tag}>: {attrs}")

        def handle_endtag(self, tag):
            self._in = None

        def handle_data(self, data):
            if self._in == "script":
                self.scripts.append(data)
            if self._in == "title":
                self.title += data

    for path in out.glob("*.html"):
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        assert not any("alert" in s for s in page.scripts), path.name
        if path.name == "study.html":
            assert page.title.startswith(title)
            assert page.meta["og:title"] == title
    assert summary in html.unescape((out / "index.html").read_text(encoding="utf-8"))
    sitemap = ET.parse(out / "sitemap.xml")
    assert any(el.text and el.text.endswith("study.html") for el in sitemap.iter())
    notebook = nbformat.read(str(out / "lesson.ipynb"), as_version=4)
    heading = next(c["source"].split("\n", 1)[0] for c in notebook["cells"]
                   if c["cell_type"] == "markdown" and "alert" in c["source"])
    rendered = MarkdownIt("commonmark").render(heading)
    assert "<script" not in rendered and "<a " not in rendered and "<em>" not in rendered
    assert title in html.unescape(rendered)


def test_values_past_the_checks_fail_the_build_plainly(good_site, tmp_path, monkeypatch):
    """Were the checks of number_problems ever too lax, the build would still end in
    one plain message (exit 1) and keep the previous site."""
    import gdanim.maths.csv_columns as csv_columns

    monkeypatch.setattr(csv_columns, "number_problems", lambda *args: [])
    site = tmp_path / "site"
    shutil.copytree(good_site, site)
    course = tmp_path / "course"
    course.mkdir()
    files(chapter(epochs="20"), data__csv=csv_of(XS * 1e300, YS * 1e300))(course)
    before = snapshot(site)
    result = run_cli("build", "--config", str(course / "gdanim.toml"), "--out", str(site),
                     "--quality", "draft", "--formats", "poster", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "study: the fit on data.csv could not be computed" in result.output
    assert "Traceback" not in result.output
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "site"]


@pytest.mark.parametrize("x,y", [
    (np.arange(1.0, 21.0), np.arange(1.0, 21.0)),                       # a perfect fit
    (np.r_[np.full(100_000, 3.0), 1000.0], np.r_[np.full(100_000, 4.0), -500.0]),  # one far row
], ids=["y-equals-x", "one-far-row"])
def test_data_a_descent_can_start_on_builds_its_explorer(tmp_path, x, y):
    """Data the descent runs on but whose explorer runs blow far past float32 (a spread of
    1e300 between two roundings) or whose surface is almost flat builds, with an explorer
    and checks that are plain JSON."""
    import json

    files(chapter(), data__csv=csv_of(x, y))(tmp_path)
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out",
                     str(tmp_path / "site"), "--quality", "draft", "--formats", "poster",
                     "--only", "study", "--quiet")
    assert result.exit_code == 0, result.output
    checks = json.loads((tmp_path / "site" / "checks" / "study.json").read_text(),
                        parse_constant=lambda c: pytest.fail(f"{c} in the checks"))
    assert checks and 'class="explorer-data"' in (tmp_path / "site" / "study.html").read_text()

"""One number per fact: what the page, the deck's notes, the handout and the frame table
(the player's readout) say about each run comes from the manifest through one
formatting path (gdanim/core/text.py), so the same run reads the same everywhere."""
import html
import json
import re
import shutil
import subprocess

import pytest

from gdanim.core import text
from gdanim.maths import verdicts
from gdanim.outputs.kit import notes as kit_notes
from gdanim.outputs.kit.slide import Slide


def words(markup: str) -> str:
    markup = re.sub(r"<script.*?</script>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def handout(built_site) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(built_site / "handout.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_number_format_is_one_function():
    assert text.number(10291.3) == "10,291" and text.number(2.0361e10) == "2.036e+10"
    assert text.number(0.6525474) == "0.65255" and text.number(1468) == "1,468"
    assert verdicts.number(2.0361e10) == text.number(2.0361e10)
    assert text.parameter(4.4573799e-08, [4.4573799e-08, 0.589]) == \
        "about 0 (4.5e\u221208, rounding noise)"
    assert text.parameter(0.0, [0.0, 2.0]) == "0" and text.parameter(2.54, [2.54]) == "2.54"


def test_each_learning_rate_run_reads_the_same_in_every_output(built_site, manifest, handout):
    """Every run's loss at the end (its true loss, diverged or not): the page's table,
    the caption, the readout's last frame, the deck's notes and the handout agree."""
    n = manifest["numbers"]
    page = words((built_site / "learning-rates.html").read_text(encoding="utf-8"))
    for a in (a for a in manifest["animations"] if a["scenario"] == "learning-rates"):
        tag = "belt" if a["name"] == "belt" else "penguin"
        table = json.loads((built_site / a["files"]["frames"]).read_text())
        note = kit_notes.talking_points(built_site, Slide(a, "Choosing a learning rate")).text()
        for i, regime in enumerate(("too_small", "about_right", "zigzags", "diverges")):
            shown = text.number(n[f"learning-rates.{tag}_{regime}_final_loss"])
            assert verdicts.number(table["frames"][-1]["loss"][i]) == shown, (tag, regime)
            for where, said in (("page", page), ("caption", a["alt"]), ("notes", note),
                                ("handout", handout)):
                assert shown in said, f"{tag} {regime}: {shown} not in the {where}"
        gone = n[f"learning-rates.{tag}_diverges_left_plot_at"]
        assert f"off the plot from epoch {gone}" in note
        assert f"left the plot at epoch {gone}" in page


def test_the_races_read_the_same_on_the_page_in_captions_and_notes(built_site, manifest):
    """Each raced run's rate and arrival, as the table, the caption and the deck's notes
    give them."""
    n = manifest["numbers"]
    page = words((built_site / "optimizers.html").read_text(encoding="utf-8"))
    for a in (a for a in manifest["animations"] if a["scenario"] == "optimizers"
              and a["name"] in ("race", "valley")):
        tag = "bowl" if a["name"] == "race" else "valley"
        for key in ("gd", "momentum", "rmsprop", "adam"):
            k = f"optimizers.{tag}_{key}"
            assert text.rate(n[f"{k}_rate"]) in page
            at = n[f"{k}_arrived"]
            if at is not None:
                # One stay: "from epoch N"; a run that hovers names every stay,
                # the last "again from N".
                stay = ("from epoch " if n[f"{k}_arrival_kind"] == "arrives"
                        else "again from ") + text.count(at)
                assert stay in a["alt"], (tag, key, stay)
                assert text.count(at) in page


def test_a_noise_value_is_said_as_noise_everywhere(built_site, manifest, handout):
    """The penguins' intercept is 0 in exact arithmetic: page, notes and handout say
    "about 0 (…, rounding noise)", never a float32 leftover as if it meant something."""
    n = manifest["numbers"]
    said = text.about_zero(n["penguins-2d.final_intercept"], text.NOISE)
    assert said.startswith("about 0 (")
    page = words((built_site / "penguins-2d.html").read_text(encoding="utf-8"))
    assert said in page and said in handout
    for a in (a for a in manifest["animations"] if a["scenario"] == "penguins-2d"):
        note = kit_notes.talking_points(built_site, Slide(a, "Penguins")).text()
        assert "rounding noise" in note


def test_the_players_readout_gives_a_diverged_runs_true_loss(built_site, manifest,
                                                             open_context):
    """In Chromium: the learning-rates player opens on its last frame, where the
    diverged run is off the plot; its readout says so and gives the true loss, as the
    page's table does (not the value frozen where it left the plot)."""
    n = manifest["numbers"]
    page = open_context().new_page()
    page.goto((built_site / "learning-rates.html").resolve().as_uri())
    readout = page.locator("#learning-rates-belt .player-readout")
    readout.scroll_into_view_if_needed()
    page.wait_for_function("r => r.textContent.includes(' of ')", arg=readout.element_handle())
    said = " ".join(readout.inner_text().split())
    assert text.number(n["learning-rates.belt_diverges_final_loss"]) in said, said
    assert f"off the plot from epoch {n['learning-rates.belt_diverges_left_plot_at']}" in said
    assert text.number(n["learning-rates.belt_about_right_final_loss"]) in said, said

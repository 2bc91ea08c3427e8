"""The review's findings in chapters 3-6 stay fixed: what the figures say, the words a
beginner meets first, and small claims the page makes about the data."""
import html
import re

import numpy as np

from gdanim.core.config import QUALITIES


def page_text(built_site, slug: str) -> str:
    page = (built_site / f"{slug}.html").read_text(encoding="utf-8")
    page = re.sub(r"<(script|pre)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def figure_texts(fig) -> str:
    return " ".join([t.get_text() for ax in fig.axes for t in ax.texts]
                    + [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center")])


def test_chapter_3_figures_say_gradient_not_slope():
    from gdanim.chapters import get

    chapter = get("slopes").run(QUALITIES["draft"])
    still = figure_texts(chapter.stills[0].make_figure(QUALITIES["draft"]))
    scene = chapter.animations[0].make_scene(QUALITIES["draft"])
    scene.update(0)
    words = still + " " + figure_texts(scene.fig) + " " + " ".join(
        t.get_text() for t in scene.fig.texts)
    assert "gradient" in words and "slope" not in words.lower()


def test_log_axes_are_explained_where_they_first_appear(built_site):
    from gdanim.chapters import get

    text = page_text(built_site, "descent-1d")
    assert "logarithmic axes" in text and "ten times" in text
    chapter = get("descent-1d").run(QUALITIES["draft"])
    scene = chapter.animations[0].make_scene(QUALITIES["draft"])
    logs = [ax for ax in scene.fig.axes if ax.get_xscale() == "log"]
    assert logs and all("log" in ax.get_title(loc="left") for ax in logs)


def test_eigenvalue_is_explained_in_words_before_it_is_used(built_site):
    text = page_text(built_site, "learning-rates")
    first = text.index("eigenvalue")
    assert "steepest" in text[first - 300: first] and "direction" in text[first - 300: first]
    assert "zig-zags across the valley floor" not in text


def test_learning_rate_panels_fit_their_own_runs():
    """No shared axes: the 'too small' run's panel is much narrower than the diverging
    run's, so its path is not shrunk to a few pixels."""
    from gdanim.chapters import get

    chapter = get("learning-rates").run(QUALITIES["draft"])
    penguins = [a for a in chapter.animations if a.name == "penguins"][0]
    fig = penguins.make_scene(QUALITIES["draft"]).fig
    spans = [np.ptp(ax.get_xlim()) for ax in fig.axes[:4]]
    assert spans[0] < 0.5 * spans[3]


def test_the_column_of_ones_is_not_used_before_it_is_introduced(built_site):
    assert "coming up below" not in page_text(built_site, "vectors")


def test_the_starting_line_is_lighter_than_every_bird(manifest):
    from gdanim.maths.data import load_penguins

    n = {k.split(".", 1)[1]: v for k, v in manifest["numbers"].items()
         if k.startswith("vectors.")}
    assert n["lightest_grams"] == load_penguins().mass_g.min()
    assert n["start_grams"] < n["lightest_grams"]


def test_one_letter_per_thing_on_the_optimizers_page(built_site):
    """m is the multiplier (chapters 3-4); on the optimizers page v is only momentum's
    velocity and s only the average squared gradient (RMSProp's and Adam's)."""
    page = (built_site / "optimizers.html").read_text(encoding="utf-8")
    maths = " ".join(re.findall(r"<math\b.*?</math>", page, flags=re.S))
    assert "<mi>m</mi>" not in maths
    adam = page[page.index("<dt>Adam</dt>"): page.index("</dl>")]
    assert "<mi>v</mi>" not in adam and "<mi>s</mi>" in adam and "<mi>a</mi>" in adam

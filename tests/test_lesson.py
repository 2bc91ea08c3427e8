"""The lesson code a page shows really runs and prints the page's numbers; the notebook
holds the same code in reading order, is valid, and runs to the same numbers."""
from __future__ import annotations

import contextlib
import html
import io
import re
import runpy

import numpy as np
import pytest

from gdanim.outputs.listings import lesson_path
from gdanim.chapters import SCENARIOS

# For each chapter: variable in its lesson script -> manifest number(s) it must equal.
CHECKS = {
    "guess-and-check": {"mse_1_5": "mse_at_1_5", "mse_1_7": "mse_at_1_7"},
    "grid-search": {"best_multiplier": "best_multiplier", "best_mse": "best_mse"},
    "slopes": {"loss_1_7": "loss_at_1_7", "gradient_1_7": "slope_at_1_7",
               "gradient_3_5": "slope_at_3_5"},
    "descent-1d": {"multiplier": "final_multiplier", "final_loss": "final_loss"},
    "vectors": {"start_loss": "start_loss", "prediction": "check_prediction"},
    "penguins-2d": {"start_loss": "start_loss", "params": ("final_intercept", "final_slope"),
                    "final_loss": "final_loss", "best": ("lstsq_intercept", "lstsq_slope")},
    "learning-rates": {"threshold": "belt_threshold"},
    "optimizers": {"condition_number": "valley_condition_number",
                   "gd_loss": "valley_gd_final_loss",
                   "momentum_loss": "valley_momentum_final_loss",
                   "rmsprop_loss": "valley_rmsprop_final_loss",
                   "adam_loss": "valley_adam_final_loss",
                   "bowl_losses": ("bowl_gd_final_loss", "bowl_momentum_final_loss",
                                   "bowl_rmsprop_final_loss", "bowl_adam_final_loss")},
    "mini-batches": {},
    "bumpy": {"minus_minimum": ("start_A_final",), "plus_minimum": ("start_B_final",),
              "constant_median": "schedule_constant_late_median_loss",
              "decaying_median": "schedule_decaying_late_median_loss"},
}
# float32 arithmetic in a different order (eager loop vs compiled scan): relative 1e-4,
# and absolute 1e-6 for values that are zero up to rounding.
RTOL, ATOL = 1e-4, 1e-6


def check_namespace(slug: str, namespace: dict, numbers: dict) -> None:
    for variable, keys in CHECKS[slug].items():
        keys = keys if isinstance(keys, tuple) else (keys,)
        expected = np.ravel([numbers[f"{slug}.{k}"] for k in keys])
        got = np.ravel(np.asarray(namespace[variable], dtype=float))
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL,
                                   err_msg=f"{slug}: {variable}")
    if slug == "learning-rates":
        check_learning_rates(namespace["final_losses"], numbers)
    if slug == "optimizers":
        check_arrivals(namespace, numbers)
    if slug == "mini-batches":
        check_mini_batches(namespace, numbers)


def check_arrivals(namespace: dict, numbers: dict) -> None:
    """The lesson's loop finds every arrival epoch in the page's tables, within the
    slack the page states of the range its checks found (float32 rounds in another
    order than the scan; where rounding decides, the range is wide)."""
    from gdanim.chapters.optimizers.chapter import OPTIMIZERS
    from gdanim.maths.verdicts import close

    for race in ("bowl", "valley"):
        for key, got in zip(OPTIMIZERS, namespace[f"{race}_arrived"]):
            n = f"optimizers.{race}_{key}"
            want, low, high = (numbers[f"{n}_arrived"], numbers[f"{n}_arrived_low"],
                               numbers[f"{n}_arrived_high"])
            if want is None:
                assert got is None, f"{race} {key}: page never, lesson {got}"
                continue
            inside = got is not None and low is not None and low <= got <= high
            assert inside or close(want, got) or not numbers[f"{n}_settled"], \
                f"{race} {key}: page {want} ({low} to {high}), lesson {got}"


def check_mini_batches(namespace: dict, numbers: dict) -> None:
    """The lesson's loop runs each side at the page's best rate and finds the page's
    arrival steps (2 steps or 1%: its float32 rounds in another order)."""
    from gdanim.chapters.mini_batches.chapter import RATES, agrees

    assert namespace["rates"][16] == pytest.approx(numbers["mini-batches.gd_rate"])
    assert namespace["rates"][3] == pytest.approx(numbers["mini-batches.epochs_rate"])
    for variable, key in (("full_batch", "gd_at"), ("mini_batch", "epochs_at")):
        want, got = numbers[f"mini-batches.{key}"], namespace[variable]
        assert agrees(want, got), f"mini-batches {variable}: page {want}, lesson {got}"
    assert len(RATES) == len(namespace["rates"])


def check_learning_rates(final_losses: dict, numbers: dict) -> None:
    """Each rate the page lists is run; a converging run ends at the page's loss, a
    diverging one (frozen on the page where it left the plot) runs away."""
    for regime in ("too_small", "about_right", "zigzags", "diverges"):
        rate = numbers[f"learning-rates.belt_{regime}_rate"]
        assert rate in final_losses, f"the lesson does not run learning rate {rate}"
        loss = float(final_losses[rate])
        if numbers[f"learning-rates.belt_{regime}_diverged_at"] is None:
            np.testing.assert_allclose(loss, numbers[f"learning-rates.belt_{regime}_final_loss"],
                                       rtol=RTOL)
        else:
            assert loss > 1e3 * numbers["learning-rates.belt_too_small_final_loss"]


def run_quietly(code_or_path, namespace=None) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        if namespace is None:
            return runpy.run_path(str(code_or_path), run_name="__main__")
        exec(compile(code_or_path, "<cell>", "exec"), namespace)
        return namespace


def test_every_chapter_has_a_lesson_script_and_checks():
    slugs = list(SCENARIOS)
    assert set(CHECKS) == set(slugs)
    for slug in slugs:
        assert lesson_path(slug).is_file()


@pytest.mark.parametrize("slug", list(CHECKS))
def test_lesson_script_reproduces_the_page_numbers(slug, manifest):
    check_namespace(slug, run_quietly(lesson_path(slug)), manifest["numbers"])


@pytest.mark.parametrize("slug", list(CHECKS))
def test_page_shows_its_whole_lesson_script(slug, built_site):
    page = (built_site / f"{slug}.html").read_text(encoding="utf-8")
    found = re.search(r'<figure class="listing lesson" data-lesson="([^"]+)">.*?'
                      r'<pre[^>]*><code>(.*?)</code></pre>', page, re.S)
    assert found and found.group(1) == slug
    shown = html.unescape(re.sub(r"<[^>]+>", "", found.group(2)))
    assert shown.strip() == lesson_path(slug).read_text(encoding="utf-8").strip()
    assert 'href="lesson.ipynb"' in page
    # No site-internal machinery on a lesson page any more.
    for internal in ("functools.partial", "GradientTransformation", "lax.scan"):
        assert internal not in shown


def test_notebook_is_valid_and_runs_to_the_manifest_numbers(built_site, manifest):
    import nbformat

    notebook = nbformat.read(str(built_site / "lesson.ipynb"), as_version=4)
    nbformat.validate(notebook)
    from gdanim.outputs.notebook import has_lesson

    install, *code = [c for c in notebook.cells if c.cell_type == "code"]
    assert install.source.startswith("%pip install")   # ready for Colab or a bare Jupyter
    # Each chapter's lesson, and after it the explorer's sweep where it has one.
    scripts = [name for p in manifest["pages"]
               for name in (p["slug"], p["slug"] + "-sweep") if has_lesson(name)]
    assert len(code) == len(scripts)
    namespace: dict = {"__name__": "__main__"}
    for name, cell in zip(scripts, code):
        assert cell.source.strip() == lesson_path(name).read_text(encoding="utf-8").strip()
        run_quietly(cell.source, namespace)
        if name in CHECKS:
            check_namespace(name, namespace, manifest["numbers"])
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="lesson.ipynb"' in index


def test_notebook_is_the_same_every_time_it_is_built():
    import nbformat

    from gdanim.outputs.notebook import build

    pages = [{"slug": slug, "title": slug, "href": f"{slug}.html"} for slug in CHECKS]
    assert nbformat.writes(build(pages)) == nbformat.writes(build(pages))
    # A chapter from the user's own CSV has no lesson script and is left out.
    own = build(pages + [{"slug": "my-data", "title": "Mine", "href": "my-data.html"}])
    assert len(own.cells) == len(build(pages).cells)

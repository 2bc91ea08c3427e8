"""The explorers in Chromium, served under a sub-path and opened from disk (file://):
keyboard control, links that reproduce a view, and readouts that print the build's
numbers (checked against a NumPy recomputation), never NaN or Infinity."""
from __future__ import annotations

import re
import urllib.parse

import numpy as np
import pytest

from tests.test_browser import DESKTOP, PHONE, Visit, browser, open_context, site_url  # noqa: F401
from tests.conftest import site_with_kit  # noqa: F401
from tests.test_explorer import PAGES, explorer_data, numpy_descent, problem_of

NUMBER = r"−?[\d,]*\.?\d+(?:e[−+]?\d+)?"


def value(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def readout(page) -> str:
    return page.locator(".explorer-readout").inner_text()


def parsed(text: str, names: list[str]) -> tuple[int, list[float], float]:
    epoch = int(re.search(r"Epoch ([\d,]+)", text).group(1).replace(",", ""))
    params = [value(re.search(rf"{name} ({NUMBER})", text).group(1)) for name in names]
    loss = value(re.search(rf"loss ({NUMBER})", text).group(1))
    return epoch, params, loss


@pytest.fixture(params=["served", "file"])
def where(request, site_url, built_site):
    """A page's address: served under the sub-path, or opened from disk."""
    if request.param == "served":
        return lambda page: site_url + page
    return lambda page: (built_site / page).as_uri()


@pytest.mark.parametrize("page_name", PAGES)
def test_the_keyboard_moves_the_rate_and_the_readout_follows(open_context, where, page_name):
    visit = Visit(open_context(), where(page_name))
    page = visit.page
    slider = page.locator("#explore-rate")
    slider.scroll_into_view_if_needed()
    before = readout(page)
    assert "Epoch" in before and ("converges" in before or "creeps" in before)
    slider.focus()
    page.keyboard.press("ArrowRight")
    after = readout(page)
    assert after != before
    assert page.locator("#explore-rate-value").inner_text() in after
    assert "lr=" in page.evaluate("location.hash")
    for _ in range(40):        # far past the threshold: the run diverges, and says so
        page.keyboard.press("ArrowRight")
    last = readout(page)
    assert "diverges at epoch" in last and "past the threshold" in page.locator(
        "#explore-rate-value").inner_text()
    epoch = page.locator("#explore-epoch")
    epoch.focus()
    page.keyboard.press("Home")
    for _ in range(int(epoch.get_attribute("max")) + 1):   # every epoch of a blow-up
        text = readout(page)
        assert "NaN" not in text and "Infinity" not in text and "undefined" not in text
        page.keyboard.press("ArrowRight")
    assert visit.problems == []


@pytest.mark.parametrize("page_name", PAGES)
def test_a_link_sets_every_control_and_the_numbers_are_the_builds(open_context, built_site,
                                                                  where, page_name):
    d = explorer_data(built_site, page_name)
    X, y = problem_of(page_name)
    own = d["own"]["start"]
    picks = [(d["own"]["rate"], own, len(d["epochs"]) - 1),
             (d["threshold_index"] - 2, (own + 1) % len(d["starts"]), 12),
             (len(d["rates"]) - 1, own, 6)]
    context = open_context()
    for i, j, k in picks:
        rate, start, epoch = d["rates"][i], d["starts"][j], d["epochs"][k]
        link = f"#lr={rate!r}&start={','.join(repr(v) for v in start)}&epoch={epoch}"
        visit = Visit(context, where(page_name) + link)
        page = visit.page
        assert int(page.locator("#explore-rate").input_value()) == i
        assert int(page.locator("#explore-epoch").input_value()) == k
        shown = [float(v) for v in page.locator("input[data-param]").evaluate_all(
            "els => els.map(e => e.value)")]
        assert shown == pytest.approx(start, rel=1e-5)
        text = readout(page)
        got_epoch, params, loss = parsed(text, d["params"])
        assert got_epoch == epoch
        ref_p, ref_l = numpy_descent(X, y, start, rate, epoch)
        assert params == pytest.approx(list(ref_p[epoch]), rel=2e-3, abs=1e-4), text
        assert loss == pytest.approx(float(ref_l[epoch]), rel=2e-3), text
        assert d["says"][i][j] in text
        assert page.locator(".explorer-snap").inner_text() == ""
        assert visit.problems == []
        visit.page.close()


def test_between_grid_values_the_explorer_says_what_it_shows(open_context, site_url, built_site):
    d = explorer_data(built_site, "penguins-2d.html")
    visit = Visit(open_context(), site_url + "penguins-2d.html#lr=0.3&start=2,0.5&epoch=15")
    note = visit.page.locator(".explorer-snap").inner_text()
    assert "nearest 0.3" in note and "nearest 2,0.5" in note
    rate = d["rates"][int(visit.page.locator("#explore-rate").input_value())]
    assert min(d["rates"], key=lambda r: abs(np.log(r / 0.3))) == rate


def test_a_click_on_the_contour_places_the_start(open_context, site_url, built_site):
    d = explorer_data(built_site, "penguins-2d.html")
    visit = Visit(open_context(), site_url + "penguins-2d.html")
    page = visit.page
    panel = page.locator('.explorer-panel[data-panel="landscape"]')
    panel.scroll_into_view_if_needed()
    box = panel.bounding_box()
    target = max(range(len(d["starts"])), key=lambda s: d["starts"][s][0] + d["starts"][s][1])
    b, m = d["starts"][target]
    p = d["panels"]["landscape"]
    (x0, x1), (y0, y1), r = p["xlim"], p["ylim"], p["rect"]
    fx = r[0] + r[2] * (b - x0) / (x1 - x0)
    fy = 1 - (r[1] + r[3] * (m - y0) / (y1 - y0))
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    shown = [float(v) for v in page.locator("input[data-param]").evaluate_all(
        "els => els.map(e => e.value)")]
    assert shown == pytest.approx([b, m], rel=1e-5)
    assert urllib.parse.unquote(page.evaluate("location.hash")).count(",") == 1


def test_answering_a_question_reveals_it_and_sets_the_explorer(open_context, site_url, built_site):
    d = explorer_data(built_site, "descent-1d.html")
    q = d["questions"][0]
    visit = Visit(open_context(viewport=PHONE), site_url + "descent-1d.html")
    page = visit.page
    details = page.locator(f'details[data-question="{q["id"]}"]')
    details.locator("summary").click()
    assert not page.locator(f'details[data-question="{q["id"]}"] .answer').is_visible()
    details.get_by_role("button", name=q["choices"][q["right"]]).click()
    assert page.locator(f'details[data-question="{q["id"]}"] .answer').is_visible()
    assert int(page.locator("#explore-rate").input_value()) == q["set"]["rate"]
    assert d["says"][q["set"]["rate"]][q["set"]["start"]] in readout(page)


def test_nothing_moves_by_itself_and_play_is_the_readers(open_context, site_url):
    visit = Visit(open_context(reduced_motion="no-preference"), site_url + "descent-1d.html")
    page = visit.page
    start = page.locator("#explore-epoch").input_value()
    page.wait_for_timeout(600)
    assert page.locator("#explore-epoch").input_value() == start
    page.locator("[data-action=reset]").click()
    page.locator("[data-action=play]").click()
    page.wait_for_timeout(700)
    page.locator("[data-action=play]").click()         # pause
    moved = int(page.locator("#explore-epoch").input_value())
    assert 0 < moved
    assert page.locator(".explorer-readout").get_attribute("aria-busy") == "false"


def test_the_explorer_fits_a_phone(open_context, site_url):
    visit = Visit(open_context(viewport=PHONE), site_url + "penguins-2d.html")
    page = visit.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    for selector in ("#explore-rate", "#explore-epoch", "[data-action=play]",
                     "[data-action=step]", "[data-action=reset]", "input[data-param]"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, selector
    panel = page.locator('.explorer-panel[data-panel="landscape"] img').bounding_box()
    assert panel["width"] >= 300        # full width, not a thumbnail


def test_the_presenter_view_has_a_try_it_live_slide_whose_keys_stay_its_own(
        site_with_kit, open_context):
    """After a chapter's last animation, the presenter view shows its explorer (from the
    site the kit sits in): keys pressed in it move the explorer, not the slides; Esc
    gives them back to the presenter view."""
    kit = site_with_kit / "slides"
    context = open_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((kit / "index.html").as_uri() + "#descent-1d-explore")
    slide = page.locator('section.slide[data-slide="descent-1d-explore"]')
    assert slide.is_visible()
    frame = page.frame_locator('section.slide[data-slide="descent-1d-explore"] iframe')
    rate = frame.locator("#explore-rate")
    rate.wait_for()
    assert not frame.locator(".site-header").is_visible()    # the explorer alone
    readout = frame.locator(".explorer-readout")
    before = readout.inner_text()
    rate.focus()
    page.keyboard.press("ArrowRight")
    assert readout.inner_text() != before
    assert slide.is_visible()                                  # the slide did not move
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowLeft")                           # the presenter's again
    assert not slide.is_visible()
    assert page.evaluate("location.hash") == "#descent-1d-descent"
    assert errors == []


def test_the_optimizer_and_beta_come_from_the_link(open_context, site_url, built_site):
    from tests.test_explorer import explorer_data

    d = explorer_data(built_site, "optimizers.html")
    k = next(i for i, v in enumerate(d["variants"]) if v["optimizer"] == "momentum"
             and v["beta"] == 0.99)
    i = d["own"]["rate"]
    visit = Visit(open_context(), site_url + f"optimizers.html#lr={d['rates'][i]!r}"
                  f"&epoch={d['epochs'][-1]}&optimizer=momentum&beta=0.99")
    page = visit.page
    assert page.locator("#explore-optimizer").input_value() == "momentum"
    assert page.locator("#explore-beta").input_value() == "0.99"
    text = readout(page)
    assert d["variants"][k]["says"][i][0] in text
    page.locator("#explore-optimizer").select_option("adam")
    assert "optimizer=adam" in page.evaluate("location.hash")
    adam = next(v for v in d["variants"] if v["optimizer"] == "adam")
    assert adam["says"][i][0] in readout(page)
    assert visit.problems == []

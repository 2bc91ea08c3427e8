"""The page's engine (templates/static/engine.js) against the lesson's JAX code: in
Chromium, served and from file://, on every explorer, for the lesson's settings and the
seeded random ones the build ran in JAX (checks/<slug>.json): every kept epoch's
parameters and loss agree within the tolerance the page states, the verdicts agree, and
a diverging run leaves at the same epoch (±1). And verdicts.py, given the engine's own
runs, says exactly what the engine says."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from gdanim.chapters.explorers import ROUNDING, TOLERANCE, _relative
from gdanim.maths import verdicts

PAGES = ("descent-1d", "learning-rates", "penguins-2d", "optimizers", "bumpy")

RUN_ALL = """([problem, settings]) => settings.map(s => {
  const r = window.GDEngine.run(problem, s);
  return {params: r.params, loss: r.loss,
          verdict: {kind: r.verdict.kind, epoch: r.verdict.epoch, text: r.verdict.text}};
})"""


def engine_runs(page, problem: dict, settings: list[dict]) -> list[dict]:
    page.wait_for_function("() => window.GDEngine && typeof window.GDEngine.run === 'function'")
    return page.evaluate(RUN_ALL, [problem, settings])


def compare(slug: str, checks: dict, page) -> dict:
    """Every run of one explorer: returns what was measured (for the report)."""
    strict_max, strict_epochs, rounding_epochs = 0.0, 0, 0
    for name, surface in checks["surfaces"].items():
        problem, runs = surface["problem"], surface["runs"]
        got = engine_runs(page, problem, [r["setting"] for r in runs])
        for run, mine in zip(runs, got):
            where = f"{slug} {name} {run['setting']}"
            keep = np.asarray(run["kept"])
            p_jax = np.array([[np.nan if v is None else v for v in row] for row in run["params"]])
            l_jax = np.array([np.nan if v is None else v for v in run["loss"]], dtype=float)
            p_me = np.array(mine["params"], dtype=float)[keep]
            l_me = np.array(mine["loss"], dtype=float)[keep]
            # None in the fixture stands for a value float32 could not hold (inf or NaN)
            l_jax = np.where(np.isnan(l_jax) & ~np.isfinite(l_me), l_me, l_jax)
            p_jax = np.where(np.isnan(p_jax) & ~np.isfinite(p_me), p_me, p_jax)
            deviation = _relative(p_jax, l_jax, p_me, l_me, problem)
            # How far one float32 rounding moved JAX's own run, by this epoch (the most yet)
            rounding = np.maximum.accumulate(
                np.array([np.inf if v is None else v for v in run["rounding"]]))
            allowed = TOLERANCE + ROUNDING * rounding
            strict = rounding <= TOLERANCE      # epochs one rounding does not decide
            both_finite = np.isfinite(l_jax) == np.isfinite(l_me)
            # where rounding decides, one run may overflow an epoch before the other
            checked = both_finite | strict
            if run["verdict"]["kind"] == "diverges":   # blowing up: checked until it left
                checked &= keep <= run["verdict"]["epoch"]
            bad = np.flatnonzero((deviation > allowed) & checked)
            assert len(bad) == 0, (f"{where}: epoch {keep[bad[0]]}: off by "
                                   f"{deviation[bad[0]]:.3g}, allowed {allowed[bad[0]]:.3g}")
            assert both_finite[strict & checked].all(), f"{where}: overflow at different epochs"
            if (strict & checked).any():
                strict_max = max(strict_max, float(deviation[strict & checked].max()))
            strict_epochs += int(strict.sum())
            rounding_epochs += int((~strict).sum())
            jax_v, kind = run["verdict"], mine["verdict"]["kind"]
            decided = set(run["twin_verdicts"]) == {jax_v["kind"]}
            assert kind == jax_v["kind"] or (not decided and kind in run["twin_verdicts"]), \
                f"{where}: the page says {kind}, JAX {jax_v['kind']} (twins {run['twin_verdicts']})"
            if kind == "diverges" and jax_v["kind"] == "diverges":
                assert abs(mine["verdict"]["epoch"] - jax_v["epoch"]) <= 1, where
    return {"strict_max": strict_max, "strict_epochs": strict_epochs,
            "rounding_epochs": rounding_epochs}


def explorer_page(open_context, url: str):
    page = open_context().new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


@pytest.fixture(scope="module")
def site(request) -> Path:
    """The draft build, or a site already built (GDANIM_ENGINE_SITE, for a quick rerun)."""
    if os.environ.get("GDANIM_ENGINE_SITE"):
        return Path(os.environ["GDANIM_ENGINE_SITE"])
    return request.getfixturevalue("built_site")


@pytest.fixture(scope="module")
def site_url(site):
    import threading

    from gdanim.serve import open_server

    server = open_server(site, "/", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("served", [True, False], ids=["served", "file"])
@pytest.mark.parametrize("slug", PAGES)
def test_the_page_engine_runs_the_lessons_jax_code(site, site_url, open_context,
                                                    slug, served):
    checks = json.loads((site / "checks" / f"{slug}.json").read_text())
    assert all(s["tolerance"] == TOLERANCE for s in checks["surfaces"].values())
    runs = [r for s in checks["surfaces"].values() for r in s["runs"]]
    assert sum(r["setting"]["origin"] == "random" for r in runs) >= 20
    assert any(r["verdict"]["kind"] == "diverges" for r in runs)
    url = (site_url if served else (site.resolve().as_uri() + "/")) + f"{slug}.html"
    page, errors = explorer_page(open_context, url)
    measured = compare(slug, checks, page)
    # most kept epochs are ones that rounding does not decide
    assert measured["strict_epochs"] >= measured["rounding_epochs"] / 2, measured
    assert not errors
    html = (site / f"{slug}.html").read_text(encoding="utf-8")
    assert f"within {TOLERANCE:g} (relative)" in html      # the page says what was checked


@pytest.mark.parametrize("slug", PAGES)
def test_verdicts_py_says_what_the_engine_says(site, site_url, open_context, slug):
    checks = json.loads((site / "checks" / f"{slug}.json").read_text())
    page, _ = explorer_page(open_context, site_url + f"{slug}.html")
    for surface in checks["surfaces"].values():
        problem = surface["problem"]
        settings = [r["setting"] for r in surface["runs"]]
        for s, mine in zip(settings, engine_runs(page, problem, settings)):
            params = np.array(mine["params"], dtype=float)
            loss = np.array(mine["loss"], dtype=float)
            v = verdicts.verdict(loss, params, problem["best"], problem["best_loss"])
            assert (v.kind, v.epoch, v.text(problem["answer"])) == (
                mine["verdict"]["kind"], mine["verdict"]["epoch"], mine["verdict"]["text"]), s


if __name__ == "__main__":      # the figures for the report: python tests/test_engine.py SITE
    import sys

    from playwright.sync_api import sync_playwright

    folder = Path(sys.argv[1])
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = chromium.new_page()
        for slug in PAGES:
            page.goto((folder.resolve().as_uri() + "/") + f"{slug}.html")
            print(slug, compare(slug, json.loads((folder / "checks" / f"{slug}.json").read_text()),
                                page))
        chromium.close()

"""'Your turn' on every chapter page, in Chromium from file://: a wrong answer is told it
is wrong and why; the build's answer (from the manifest) is accepted; hint and solution
open by keyboard; explorer tasks are judged from the explorer's published state; axe-core
finds nothing at 1280 and 390 px. The same for a teacher's CSV chapter. And the
lecturer's guide: linked from the index, every link inside the site, its plans' times
add up."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from gdanim.core.exercises import Exercise, Exercises, Mistake, problems
from tests.conftest import DESKTOP
from tests.test_browser import PHONE, axe, axe_violations  # noqa: F401  (the axe fixture)
from tests.test_csv_chapter import course  # noqa: F401  (the CSV chapter's build)

# The build's answer to each number exercise, from the manifest's numbers (`n`, keyed
# without the chapter prefix), worked out here independently of the exercise modules.
ANSWERS = {
    ("guess-and-check", "first-error"): lambda n: n["errors_at_2_0"][0],
    ("guess-and-check", "mse"): lambda n: n["mse_at_2_0"],
    ("grid-search", "spacing"): lambda n: (n["stop"] - n["start"]) / (n["candidates"] - 1),
    ("grid-search", "pick"): lambda n: n["best_multiplier"],
    ("grid-search", "worst-case"): lambda n: n["spacing"] / 2,
    ("slopes", "slope-1-7"): lambda n: n["slope_by_hand_at_1_7"],
    ("slopes", "bottom"): lambda n: n["bottom"],
    ("descent-1d", "first-step"): lambda n: n["start"] + n["first_step"],
    ("vectors", "dot"): lambda n: n["check_prediction"],
    ("vectors", "flat-start"): lambda n: n["start_loss"],
    ("penguins-2d", "grams"): lambda n: round(n["grams_at_zero_mm"])
    + 50 * round(n["grams_per_mm"], 1),
    ("penguins-2d", "halve"): lambda n: next(k for k in range(1, 10**6)
                                             if round(n["shrink_per_epoch"], 4) ** k <= 0.5),
    ("learning-rates", "threshold"): lambda n: n["belt_threshold"],
    ("learning-rates", "headroom"): lambda n: n["threshold_over_lesson_rate"],
    ("mini-batches", "epoch-rows"): lambda n: n["rows_per_epoch"],
    ("mini-batches", "epoch-steps"): lambda n: n["budget"] * n["batches_per_epoch"],
    ("optimizers", "momentum-speed"): lambda n: 1 / (1 - n["momentum_beta"]),
    ("optimizers", "adam-first-step"): lambda n: n["bowl_adam_rate"],
    ("bumpy", "saddle-loss"): lambda n: n["saddle_loss"],
    ("fixture", "predict"): lambda n: n["lstsq_intercept_original"]
    + n["lstsq_slope_original"] * n["x_max"],
    ("fixture", "fraction"): lambda n: n["learning_rate"] / n["threshold"],
}
# Pages whose explorer tasks must not be solved by the view the page opens with.
# Explorer checks name values, never grid positions (so any explorer that publishes its
# state can be judged): no check may use rate_index or start_index.
EXPLORER_PAGES = {"descent-1d", "penguins-2d", "learning-rates", "optimizers", "bumpy",
                  "fixture"}


def numbers(manifest: dict, slug: str) -> dict:
    prefix = slug + "."
    return {k[len(prefix):]: v for k, v in manifest["numbers"].items() if k.startswith(prefix)}


def open_page(context, path: Path):
    """`path` opened from disk, with every console error and script error noted."""
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page


def exercises_on(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('li.exercise')].map(li => ({
        id: li.dataset.exercise, kind: li.dataset.kind,
        data: JSON.parse(li.querySelector('script.exercise-data').textContent)}))""")


def check(page, exercise_id: str, typed: str | None = None) -> tuple[str, str]:
    """Type `typed` (number exercises), press Check; (feedback class, feedback text)."""
    li = page.locator(f"li#exercise-{exercise_id}")
    if typed is not None:
        li.locator("input").fill(typed)
    li.locator("form.check button").click()
    feedback = li.locator(".feedback")
    return feedback.get_attribute("class"), feedback.text_content()


def explorer_state(page) -> dict:
    return page.evaluate("""() => { const s = document.querySelector('section.explorer');
        const out = {}; for (const a of s.attributes) if (a.name.startsWith('data-state-'))
        out[a.name.slice(11).replace(/-/g, '_')] = a.value; return out; }""")


def holds(check: dict, state: dict) -> bool:
    """The task's condition, judged in Python from the published state."""
    raw = state[check["key"]]
    if "in" in check and raw not in [str(v) for v in check["in"]]:
        return False
    if "min" in check or "max" in check:
        if raw == "":
            return False
        for i, v in enumerate(float(x) for x in raw.split(",")):
            lo, hi = (b[i] if isinstance(b, list) else b
                      for b in (check.get("min"), check.get("max")))
            if lo is not None and v < lo or hi is not None and v > hi:
                return False
    return True


def state_is_the_builds(page, state: dict) -> None:
    """The published state is the build's own run: the explorer's problem run in JAX
    (float32, as the lesson runs it) at the published setting and judged by the build's
    rules gives the same verdict, the same arrival and end (within the page's slack)."""
    from gdanim.chapters.explorer_tasks import _judged
    from gdanim.maths.verdicts import close

    x = json.loads(page.locator("script.explorer-data").text_content())
    where = next((s for s in x.get("surfaces", []) if s["name"] == state["surface"]), x)
    opt = state["optimizer"] or "gd"
    setting = {"optimizer": opt, "lr": float(state["rate"]),
               "beta1": float(state["beta"]) if state["beta"] else None,
               "beta2": float(state["beta2"]) if state["beta2"] else None,
               "start": [float(v) for v in state["start"].split(",")],
               "epochs": int(where.get("epochs", x["epochs"]))}
    build = _judged(where["problem"], [setting])[0]
    assert state["verdict"] == build["verdict"], (state, build)
    assert state["says"].startswith(build["verdict"]), state["says"]
    for key, mine in (("arrived_at", "arrived"), ("diverged_at", "diverged")):
        got = int(state[key]) if state[key] != "" else -1
        assert (got == -1) == (build[mine] == -1) and \
            (got == -1 or close(got, build[mine])), (key, state, build)
    if build["verdict"] != "diverges" and None not in build["final"]:
        final = [float(v) for v in state["final"].split(",")]
        scale = max(1.0, *map(abs, build["final"]))
        np.testing.assert_allclose(final, build["final"], rtol=1e-3, atol=1e-4 * scale)


def do_every_exercise(page, slug: str, n: dict) -> None:
    """Every exercise on `page` as a learner would: wrong, named slips, right, hint and
    solution by keyboard, and the explorer tasks from the explorer's state."""
    items = exercises_on(page)
    assert 2 <= len(items) <= 4, f"{slug}: {len(items)} exercises"
    for item in items:
        eid, data = item["id"], item["data"]
        li = page.locator(f"li#exercise-{eid}")
        for kind in ("hint", "solution"):       # closed, then opened by the keyboard
            summary = li.locator(f"details.{kind} > summary")
            assert li.locator(f"details.{kind}").evaluate("d => !d.open")
            summary.focus()
            page.keyboard.press("Enter")
            assert li.locator(f"details.{kind}").evaluate("d => d.open"), f"{slug}/{eid} {kind}"
            assert li.locator(f"details.{kind}").inner_text().strip()
        if data["kind"] == "number":
            answer = ANSWERS[(slug, eid)](n)
            tol = data["tolerance"]
            assert abs(data["answer"] - answer) <= 1e-9 * max(1.0, abs(answer)), (slug, eid)
            wrong = answer + 37 * tol + 0.5 * (abs(answer) + 1)
            cls, text = check(page, eid, repr(wrong))
            assert "wrong" in cls and text.startswith("Not yet") and len(text.split()) > 8, text
            for m in data["mistakes"]:
                cls, text = check(page, eid, repr(m["value"]))
                assert "wrong" in cls and text == "Not quite. " + m["why"], (slug, eid, text)
            cls, text = check(page, eid, "twelve")
            assert "wrong" in cls and "Not a number" in text
            cls, text = check(page, eid, repr(answer))
            assert "right" in cls and text == "Right: " + data["right"], (slug, eid, text)
            shown = li.locator("details.solution strong").text_content()
            typed = re.sub(r"^Answer: ([^ ]+).*$", r"\1", shown).rstrip(".")
            cls, text = check(page, eid, typed)     # the solution's rounded answer, as typed
            assert "right" in cls, (slug, eid, typed, text)
        else:
            assert not {c["key"] for c in data["checks"]} & {"rate_index", "start_index"}
            state = explorer_state(page)
            state_is_the_builds(page, state)
            expected = all(holds(c, state) for c in data["checks"])
            cls, text = check(page, eid)
            assert ("right" in cls) == expected, (slug, eid, state, text)
            if slug in EXPLORER_PAGES:
                assert not expected, f"{slug}/{eid}: solved by the view the page opens with"
                failing = next(c for c in data["checks"] if not holds(c, state))
                assert text.endswith(failing["why"]) and state["says"] in text, text
            # The worked solution's run, by its link; the explorer tells of its new state.
            detail = li.locator("a.show-run").evaluate("""a => new Promise(done => {
                document.addEventListener('gdanim:explorer-state', e => done(e.detail),
                                          {once: true});
                setTimeout(() => done(null), 3000);
                a.click(); })""")
            assert detail is not None, f"{slug}/{eid}: no gdanim:explorer-state event"
            state = explorer_state(page)
            state_is_the_builds(page, state)
            assert state["verdict"] == detail["verdict"] and \
                float(state["rate"]) == detail["rate"]
            assert all(holds(c, state) for c in data["checks"]), (slug, eid, state)
            cls, text = check(page, eid)
            assert "right" in cls and text.startswith("Right.") and data["right"] in text, text
            page.locator("section.explorer [data-action=reset]").click()


def test_every_chapter_exercise_from_disk(built_site, manifest, open_context):
    context = open_context(viewport=PHONE)
    for p in manifest["pages"]:
        page = open_page(context, built_site / p["href"])
        assert page.locator("#your-turn").count() == 1, p["href"]
        do_every_exercise(page, p["slug"], numbers(manifest, p["slug"]))
        assert not page.problems, (p["href"], page.problems)
        page.close()


def test_the_csv_chapter_has_exercises_of_the_same_kinds(course, open_context):
    folder = course[0]
    manifest = json.loads((folder / "site" / "manifest.json").read_text())
    page = open_page(open_context(viewport=PHONE), folder / "site" / "fixture.html")
    kinds = {e["kind"] for e in exercises_on(page)}
    assert kinds == {"number", "explorer"}, kinds
    do_every_exercise(page, "fixture", numbers(manifest, "fixture"))
    assert not page.problems, page.problems


def test_answers_stay_in_the_browser(built_site, open_context):
    """A typed answer comes back after a reload (localStorage), and checking sends no
    request."""
    context = open_context()
    page = open_page(context, built_site / "slopes.html")
    page.wait_for_timeout(300)       # the browser's own late fetch of the icon
    requests = []
    page.on("request", lambda r: None if r.url.endswith("favicon.svg") else requests.append(r.url))
    check(page, "bottom", "2.5")
    assert not requests, requests
    page.reload()
    assert page.locator("li#exercise-bottom input").input_value() == "2.5"


def test_without_javascript_hint_and_solution_still_open(built_site, open_context):
    page = open_context(java_script_enabled=False).new_page()
    page.goto((built_site / "guess-and-check.html").resolve().as_uri())
    assert page.locator("li.exercise form.check").first.is_hidden()
    summary = page.locator("li.exercise details.solution > summary").first
    summary.click()
    assert "Answer:" in page.locator("li.exercise details.solution").first.inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_axe_finds_nothing_in_your_turn_answered_and_open(built_site, manifest, course, axe,
                                                         open_context, viewport):
    context = open_context(viewport=viewport)
    paths = [built_site / p["href"] for p in manifest["pages"]]
    paths += [built_site / "teach.html", course[0] / "site" / "fixture.html"]
    found = []
    for path in paths:
        page = open_page(context, path)
        for item in exercises_on(page):
            if item["kind"] == "number":
                check(page, item["id"], "1")
            else:
                check(page, item["id"])
        page.evaluate("document.querySelectorAll('#your-turn details').forEach(d => d.open = true)")
        found += [f"{path.name}: {v}" for v in axe_violations(axe, page)]
        page.close()
    assert not found, "\n".join(found)


# --- the lecturer's guide --------------------------------------------------------------

def test_the_guide_is_linked_from_the_index_and_links_only_inside_the_site(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="teach.html"' in index
    guide = (built_site / "teach.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"]+)"', guide):
        if href.startswith(("http", "#")):
            continue
        name, _, anchor = href.partition("#")
        target = built_site / name
        assert target.is_file(), href
        if anchor and name.endswith(".html"):
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), href


def test_the_guide_states_objectives_plans_and_misconceptions(built_site, manifest):
    from gdanim.outputs import lecture

    guide = (built_site / "teach.html").read_text(encoding="utf-8")
    for p in manifest["pages"]:
        assert f'<a href="{p["href"]}">' in guide, p["href"]
    for plan in (lecture.FIFTY, lecture.SESSION_ONE, lecture.SESSION_TWO):
        assert sum(b.minutes for b in plan) == 50
    times = re.findall(r'<span class="minutes">(\d+)–(\d+) min</span>', guide)
    plans, last = [], None
    for start, end in times:
        if start == "0":
            plans.append([])
        plans[-1].append((int(start), int(end)))
    assert len(plans) == 3 and all(p[-1][1] == 50 for p in plans), plans
    assert all(a[1] == b[0] for p in plans for a, b in zip(p, p[1:]))
    for words in ("step length", "low loss means the right parameters", "Adam is always best"):
        assert words in guide
    n = numbers(manifest, "optimizers")
    assert f"epoch {n['bowl_adam_arrived']}" in guide


def test_every_chapters_exercises_are_well_formed(built_site, manifest):
    for p in manifest["pages"]:
        html = (built_site / p["href"]).read_text(encoding="utf-8")
        ids = re.findall(r'<li class="exercise" id="exercise-([^"]+)"', html)
        assert 2 <= len(ids) <= 4 and len(set(ids)) == len(ids), (p["href"], ids)
    assert problems(Exercises("", ())) == ["0 exercises (want two to four)"]
    slip = Exercise("a", "t", "task", "hint", ("step",), "why", answer=1.0, tolerance=0.1,
                    mistakes=(Mistake(1.05, "too close"),))
    assert problems(Exercises("", (slip, slip))) == [
        "repeated ids: ['a', 'a']", "a: the mistake 1.05 is within the tolerance",
        "a: the mistake 1.05 is within the tolerance"]

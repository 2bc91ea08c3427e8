"""The glossary and the "How we checked" page: every term the brief lists has an entry,
each entry is linked from the chapter that defines it, nothing is used in a chapter
before the chapter that defines it, and every chapter links both pages."""
from __future__ import annotations

import html
import re

import pytest

from gdanim.outputs import glossary

REQUIRED = ("variance", "correlation", "tangent", "jit", "vmap", "lax-scan", "optax",
            "eigenvalue", "newtons-method", "learning-rate", "epoch", "gradient", "loss",
            "mse", "z-score", "mini-batch", "momentum", "threshold", "curvature",
            "condition-number")
# What a term looks like in the prose, to find the first chapter that uses it.
WORDS = {"variance": r"\bvariance", "correlation": r"\bcorrelation", "tangent": r"\btangent",
         "vmap": r"\bvmap\b", "lax-scan": r"lax\.scan", "optax": r"\boptax\b",
         "eigenvalue": r"\beigenvalue", "newtons-method": r"Newton", "z-score": r"z-scor",
         "mini-batch": r"\bmini-batch", "momentum": r"\bmomentum\b",
         "threshold": r"\bthreshold\b", "curvature": r"\bcurvature",
         "condition-number": r"condition number", "learning-rate": r"learning rate",
         "epoch": r"\bepoch", "mse": r"mean squared error|\bMSE\b"}


def prose(path) -> str:
    """The chapter's own text: <main> without code listings, formulas and scripts (inline
    <code> is prose: "optax" and "vmap" are used there)."""
    page = path.read_text(encoding="utf-8")
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r"<(script|pre|math)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_every_required_term_has_an_entry():
    assert set(REQUIRED) <= set(glossary.BY_ID)
    assert len(glossary.BY_ID) == len(glossary.TERMS)


def test_an_unknown_term_stops_the_build():
    with pytest.raises(KeyError, match="no such entry"):
        glossary.link("varience")
    assert 'href="glossary.html#variance"' in glossary.link("variance")


def test_the_glossary_page_has_every_entry_and_links_back(built_site, manifest):
    page = (built_site / "glossary.html").read_text(encoding="utf-8")
    hrefs = {p["slug"]: p["href"] for p in manifest["pages"]}
    for t in glossary.TERMS:
        assert f'id="{t.id}"' in page
        assert f'href="{hrefs[t.chapter]}' in page, t.id


def test_each_term_is_linked_where_it_is_first_used(built_site, manifest):
    """The first chapter (in reading order) whose text uses a term links its entry,
    and that is the chapter the glossary names: nothing is used before it is defined."""
    pages = [p["href"] for p in manifest["pages"]]
    for t in glossary.TERMS:
        own = next(p["href"] for p in manifest["pages"] if p["slug"] == t.chapter)
        assert f'href="glossary.html#{t.id}"' in (built_site / own).read_text(), t.id
        if t.id in WORDS:
            first = next((h for h in pages
                          if re.search(WORDS[t.id], prose(built_site / h), flags=re.I)), None)
            assert first is not None, f"{t.id}: no page uses it"
            assert first == own, f"{t.id}: used in {first} before {own} defines it"


def test_every_page_links_the_glossary_and_how_we_checked(built_site, manifest):
    for name in ["index.html", *(p["href"] for p in manifest["pages"])]:
        text = (built_site / name).read_text(encoding="utf-8")
        assert 'href="glossary.html"' in text and 'href="how-we-checked.html"' in text, name


def test_how_we_checked_carries_the_builds_audit(built_site, manifest):
    page = (built_site / "how-we-checked.html").read_text(encoding="utf-8")
    numbers = {p["slug"]: p for p in manifest["pages"]}
    assert 'id="optimizers"' in page and 'id="mini-batches"' in page
    assert "Checked in 64-bit" not in (built_site / "optimizers.html").read_text()
    assert 'href="how-we-checked.html#optimizers"' in (built_site / "optimizers.html").read_text()
    assert "mini-batches" in numbers and "optimizers" in numbers

"""Code listings: named functions read from disk, highlighted, coloured legibly."""
from __future__ import annotations

import inspect
import re

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Whitespace

from gdanim.outputs import listings

from gdanim.maths import losses, train


def test_find_reads_a_function_as_it_is_on_disk():
    snippet = listings.find("gdanim.maths.train:descend")
    assert snippet.text == inspect.getsource(train.descend)
    assert snippet.path == "gdanim/maths/train.py"
    lines, first = inspect.getsourcelines(train.descend)
    assert (snippet.first_line, snippet.last_line) == (first, first + len(lines) - 1)


def test_find_reaches_methods_and_dedents_them():
    snippet = listings.find("gdanim.core.values:Trajectory.epochs")
    assert snippet.text.startswith("@property\ndef epochs(self)")


@pytest.mark.parametrize("ref, message", [
    ("gdanim.maths.losses", "package.module:function"),
    ("gdanim.nosuchmodule:f", "no Python module"),
    ("gdanim.maths.losses:nosuchfunction", "no function or class 'nosuchfunction'"),
    ("gdanim.core.values:Trajectory.nosuch", "'nosuch'"),
])
def test_a_bad_reference_says_what_is_wrong(ref, message):
    with pytest.raises(listings.ListingError, match=re.escape(message)):
        listings.find(ref)


def test_source_renders_a_captioned_highlighted_listing_per_reference():
    html = listings.source("gdanim.maths.losses:belt_mse", "gdanim.maths.train:gradient_descent")
    assert html.count('<figure class="listing"') == 2
    assert 'data-source="gdanim.maths.losses:belt_mse"' in html
    assert "<code>gdanim/maths/losses.py</code>, lines" in html
    assert '<span class="k">def</span>' in html
    plain = re.sub(r"<[^>]+>", "", html.split("</figure>")[0].split("<pre")[1].split(">", 1)[1])
    assert plain.replace("&quot;", '"').replace("&gt;", ">") == inspect.getsource(losses.belt_mse)


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, bl = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                    for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("name", [listings.LIGHT_STYLE, listings.DARK_STYLE])
def test_code_colours_meet_wcag_aa_on_their_background(name):
    style = get_style_by_name(name)
    weak = {str(token): s["color"] for token, s in style
            if s["color"] and token not in Whitespace
            and contrast("#" + s["color"], style.background_color) < 4.5}
    assert not weak, f"{name}: under 4.5:1 on {style.background_color}: {weak}"


def test_stylesheet_keeps_light_and_dark_apart():
    css = listings.stylesheet()
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    assert "@media not all and (prefers-color-scheme: dark)" in light
    assert ".listing pre .k" in light and ".listing pre .k" in dark
    assert "/*" not in css.split("*/", 1)[1]  # Pygments' per-rule notes are dropped

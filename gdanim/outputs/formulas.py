"""Formulas for the pages: TeX in, MathML out, converted once at build time so that
browsers draw them natively (no script, nothing fetched from elsewhere)."""
from __future__ import annotations

import re
from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup

# latex2mathml passes a command it does not know through as literal text
# (`\foo` becomes <mi>\foo</mi>); a backslash left inside any element means a typo.
_UNCONVERTED = re.compile(r">[^<]*\\[A-Za-z]+")


class FormulaError(ValueError):
    """A formula that latex2mathml could not turn into MathML; names the TeX."""


@lru_cache(maxsize=None)
def _mathml(tex: str, display: bool) -> str:
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own bare exception types
        raise FormulaError(f"cannot convert formula {tex!r}: "
                           f"{type(error).__name__} {error}".rstrip()) from error
    leftover = _UNCONVERTED.search(mathml)
    if leftover:
        raise FormulaError(f"formula {tex!r} uses a TeX command latex2mathml does not "
                           f"know: {leftover.group(0)[1:]!r}")
    return mathml


def math(tex: str, display: bool = False) -> Markup:
    """TeX -> a <math> element, inline or (display=True) as its own centred block.

    In templates, write TeX with backslashes as a filter block, because Jinja string
    literals treat backslashes as escapes (and have no r"" prefix):

        {% filter math %}\\eta = {{ n.learning_rate | tex }}{% endfilter %}
        {% filter math(display=True) %}\\frac{1}{n} \\sum_i e_i^2{% endfilter %}

    Plain ones can be called: {{ math("x_i") }}. Inside the block, leave a space
    between a TeX brace and a Jinja expression: m_{ {{- k -}} }."""
    mathml = _mathml(str(tex).strip(), bool(display))
    if display:
        # It may scroll sideways on a phone: a keyboard must be able to reach it.
        return Markup(f'<div class="formula" role="group" tabindex="0" aria-label="Formula">'
                      f'{mathml}</div>')
    return Markup(mathml)


def tex_number(value: float, spec: str = "g") -> str:
    """A number as TeX, for building formulas from computed values:
    1e-05 -> 10^{-5}, 2.5e-07 -> 2.5 \\times 10^{-7}, 0.01 -> 0.01."""
    text = format(value, spec)
    mantissa, marker, exponent = text.partition("e")
    if not marker:
        return text
    power = f"10^{{{int(exponent)}}}"
    if abs(float(mantissa)) == 1:
        return f"-{power}" if mantissa.startswith("-") else power
    return f"{mantissa} \\times {power}"

"""Numbers as readers see them: the one formatting path for pages, captions, deck
notes, the presenter view, the handout, the notebook and the Quarto deck.

`number` is the format every output uses for a value it reports (a loss, a parameter,
a learning rate); `count` for whole numbers (epochs, steps, rows). A value that rounding
decides (float32 noise around 0) is said as such by `about_zero`."""
from __future__ import annotations

import math


def minus(text: str) -> str:
    """A typographic minus sign instead of the hyphen Python prints."""
    return text.replace("-", "\u2212")


def fmt(value, spec: str = "") -> str:
    """A number as the pages print it (`{{ x | fmt('.4f') }}`): a Python format spec, with
    a true minus sign."""
    return minus(format(value, spec))


def decimal(value: float) -> str:
    """A decimal without an exponent: 1.3e-05 -> 0.000013."""
    return minus(f"{float(value):.12f}".rstrip("0").rstrip("."))


def rate_decimal(value: float) -> str:
    """A learning rate as the explorer's box, exercises, notes and handout write it:
    three significant figures, no exponent (0.000013, 0.464)."""
    return decimal(float(f"{float(value):.3g}"))


def file_size(size: int) -> str:
    """Bytes as a reader reads them: 812 kB, 1.4 MB (decimal units, as file browsers)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def duration(seconds: float) -> str:
    """8.5 s; 1 min 12 s."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {round(seconds % 60)} s"


def for_matplotlib(text: str) -> str:
    """A teacher's text (a label, a column name) as matplotlib should draw it: as text,
    never as maths. Matplotlib reads what lies between two `$` as mathtext (and stops
    on a formula it cannot parse), so each `$` is escaped and drawn as a dollar sign."""
    return text.replace("$", r"\$")


def number(value, digits: int = 5) -> str:
    """A value as every output prints it: `digits` significant digits (5 unless said),
    thousands grouped (10,291), an exponent below 0.001 or from a million (2.040e+10,
    four significant digits), a true minus sign; the page's explorer prints the same
    (templates/static/engine.js `number`, mirroring `maths.verdicts.number`). An int is a count. Not a
    number: "not a number"; infinite: "too large for float32" (it overflowed)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return count(value)
    x = float(value)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "too large for float32"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return minus(f"{x:.{max(min(digits, 4) - 1, 0)}e}")
    out = f"{x:,.{digits}g}"
    if "e" in out:      # 'g' chose an exponent: a whole number, rounded to `digits` figures
        out = f"{float(f'{x:.{digits}g}'):,.0f}"
    return minus(out)


def count(value) -> str:
    """A whole number: 1,468."""
    return minus(f"{int(value):,}")


def rate(value) -> str:
    """A learning rate: three significant digits (0.464, 2.15, 0.00681)."""
    return number(value, 3)


def about_zero(value, noise: float, digits: int = 2) -> str:
    """A value that is 0 in exact arithmetic, printed as what it is: "about 0 (4.5e−08,
    rounding noise)" when within `noise` of 0, else `number`."""
    if value is not None and math.isfinite(value) and 0 < abs(value) <= noise:
        return f"about 0 ({number(value, digits)}, rounding noise)"
    return number(value)


NOISE = 1e-6          # float32 keeps about 7 digits: below this share of the scale, noise


def parameter(value, others=()) -> str:
    """One of a run's parameters: "about 0 (4.5e−08, rounding noise)" when it is below
    float32's resolution of the run's scale (1, or its largest parameter), else
    `number`."""
    scale = max([1.0] + [abs(float(o)) for o in others if o is not None and math.isfinite(o)])
    return about_zero(value, NOISE * scale) if value is not None else number(value)

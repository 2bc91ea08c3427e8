"""TeX to MathML at build time, and the template forms of `math`."""
from __future__ import annotations

import pytest

from gdanim.outputs import webpages
from gdanim.outputs.formulas import FormulaError, math, tex_number


def test_inline_and_display_formulas():
    inline = math(r"\eta")
    assert inline.startswith("<math") and 'display="inline"' in inline
    assert "&#x003B7;" in inline  # η
    block = math(r"\frac{1}{n}", display=True)
    assert block.startswith('<div class="formula"') and 'display="block"' in block
    assert 'tabindex="0"' in block   # a phone scrolls it sideways: the keyboard must reach it
    assert "<mfrac>" in block


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\nosuchcommand x", r"\arg\min_k f"])
def test_a_formula_that_cannot_convert_names_itself(tex):
    with pytest.raises(FormulaError, match="formula"):
        math(tex)


@pytest.mark.parametrize("value, spec, tex", [
    (1e-5, "g", "10^{-5}"), (2.5e-7, "g", r"2.5 \times 10^{-7}"), (0.01, "g", "0.01"),
    (-1e-3, ".0e", "-10^{-3}"), (2.54, ".3f", "2.540"), (1000, "g", "1000")])
def test_tex_number(value, spec, tex):
    assert tex_number(value, spec) == tex


def test_templates_write_tex_in_a_filter_block_with_numbers_from_the_build():
    env = webpages.environment()
    template = env.from_string(
        "{% filter math %}\\eta = {{ lr | tex }}{% endfilter %}|"
        "{% filter math(display=True) %}m_{ {{- k -}} } = \\frac{a}{b}{% endfilter %}|"
        "{{ math('x_i') }}")
    inline, block, plain = template.render(lr=1e-5, k=50).split("|")
    assert "<msup><mn>10</mn>" in inline
    assert "<mn>50</mn>" in block and "<mfrac>" in block and 'class="formula"' in block
    assert "<msub><mi>x</mi><mi>i</mi></msub>" in plain

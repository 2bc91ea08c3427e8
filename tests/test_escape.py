"""A teacher's text in files other tools read as markup (gdanim/core/escape.py), each
helper checked by the tool that reads its format: a CommonMark parser with Jupyter's
rule for maths (the notebook), Pandoc (the Quarto deck), pdflatex (Beamer)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import pytest

from gdanim.core import escape

NASTY = [
    "Costs in $ and $6$: $x^2$",
    "{{< env HOME >}} and {{< meta title >}}",
    "*bold* _it_ `code` <b>tag</b> &amp; &lt; [link](http://x) ![pic](p.png)",
    "# not a heading",
    "1. not a list",
    "- not a list either",
    "@cite ~sub~ ^sup^ a|b \\emph{x} 100% #1 {a} ~ ^ _ \\ -- ---",
    "Line\nbreak  and\ttab",
    "Descente: \"pas à pas\" 1×10⁻⁵ − 2 → 3 ≈ 4 ≤ 5 ≥ 6",
]


def tool_or_skip(name: str) -> str:
    found = shutil.which(name)
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} is needed (see .ci/run)")
        pytest.skip(f"{name} not installed")
    return found


class Text(HTMLParser):
    """The text a reader sees, and the text a maths renderer reads: all but code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen, self.outside_code, self.code = "", "", 0

    def handle_starttag(self, tag, attrs):
        self.code += tag == "code"

    def handle_endtag(self, tag):
        self.code -= tag == "code"

    def handle_data(self, data):
        self.seen += data
        if not self.code:
            self.outside_code += data


@pytest.mark.parametrize("text", NASTY)
def test_jupyter_markdown_shows_the_text_and_gives_mathjax_no_dollar(text):
    """Rendered as Jupyter renders a Markdown cell (CommonMark, here markdown-it-py),
    the heading reads as the text; MathJax, which Jupyter runs over the rendered cell,
    finds no dollar sign outside code (it never reads code)."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(f"## {escape.jupyter_markdown(text)}\n")
    assert html.startswith("<h2>") and html.count("<h2>") == 1
    shown = Text()
    shown.feed(html)
    assert shown.seen.strip() == escape.one_line(text)
    assert "$" not in shown.outside_code
    assert "\\(" not in shown.outside_code and "\\[" not in shown.outside_code


def pandoc_text(blocks) -> str:
    """The plain text of Pandoc's JSON, with any element other than text named."""
    if isinstance(blocks, list):
        return "".join(pandoc_text(b) for b in blocks)
    if isinstance(blocks, dict):
        kind, content = blocks.get("t"), blocks.get("c")
        if kind == "Str":
            return content
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind in ("Quoted",):          # smart quotes: Pandoc's typography, not markup
            return '"' + pandoc_text(content[1]) + '"'
        if kind not in ("Para", "Plain", "MetaInlines", "MetaString"):
            return f"<{kind}>"
        return pandoc_text(content)
    return ""


def test_pandoc_markdown_and_quarto_yaml_are_read_back_as_the_text():
    """Pandoc (Quarto's reader) reads each escaped text, in a paragraph and in the
    front matter's title, as that very text: no maths, list, heading, emphasis, HTML,
    citation; and no Quarto shortcode opener is left in the file."""
    pandoc = tool_or_skip("pandoc")
    front = "\n".join(f"t{i}: {escape.quarto_yaml(t)}" for i, t in enumerate(NASTY))
    document = "\n\n".join([f"---\n{front}\n---"] +
                             [escape.pandoc_markdown(t) for t in NASTY]) + "\n"
    assert "{{<" not in document
    result = subprocess.run([pandoc, "-f", "markdown", "-t", "json"], input=document,
                            capture_output=True, text=True, check=True)
    read = json.loads(result.stdout)
    assert len(read["blocks"]) == len(NASTY)
    for i, (text, block) in enumerate(zip(NASTY, read["blocks"])):
        assert block["t"] == "Para", (text, block["t"])
        assert pandoc_text(block) == escape.one_line(text)
        assert pandoc_text(read["meta"][f"t{i}"]) == escape.one_line(text)


def test_shortcode_value_cannot_end_the_value_or_the_shortcode():
    value = escape.shortcode_value('A "quoted" >}} {{< env HOME >}}\nnext')
    assert '"' not in value and ">}}" not in value and "{{<" not in value
    assert "\n" not in value and "quoted" in value


def test_latex_text_compiles_to_the_text(tmp_path):
    """Each text as a Beamer frame title: two pdflatex runs, no error, and the PDF's
    text (pdftotext) is the text."""
    pdflatex, pdftotext = tool_or_skip("pdflatex"), tool_or_skip("pdftotext")
    frames = "\n".join(f"\\begin{{frame}}{{{escape.latex_text(t)}}}\\end{{frame}}"
                       for t in NASTY)
    (tmp_path / "talk.tex").write_text(
        "\\documentclass{beamer}\n\\begin{document}\n" + frames + "\n\\end{document}\n",
        encoding="utf-8")
    result = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                             "talk.tex"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    pages = subprocess.run([pdftotext, "talk.pdf", "-"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout.split("\f")
    # pdftotext gives some marks as their look-alikes: the accents for ^ and ~, the
    # plain minus and digits for the superscripts; and it does not see the underscore
    # (the default font draws it as a rule); a backquote and a double quote
    # are LaTeX's quotes
    plain = str.maketrans({"\u02c6": "^", "\u02dc": "~", "\u207b": "-", "\u2075": "5",
                           "\u2212": "-", "\u2018": "`", "\u201d": '"', "_": None})
    for text, page in zip(NASTY, pages):
        shown = " ".join(page.split()).translate(plain)
        wanted = " ".join(unicodedata.normalize("NFC", text.translate(plain)).split())
        shown = unicodedata.normalize("NFC", " ".join(shown.split()))   # (à: a + accent)
        assert wanted in re.sub(r"10 -", "10-", shown), (text, shown)

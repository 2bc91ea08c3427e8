"""A teacher's text (a title, a caption, an axis label) placed in a file that another
tool reads as markup, shown as written: one escaping helper per format.

- `jupyter_markdown`: a notebook's Markdown cell (Jupyter, Colab).
- `pandoc_markdown` and `quarto_yaml`: the Quarto deck's text and its front matter;
  `shortcode_value`: a value in a Quarto shortcode.
- `latex_text`: a Beamer frame.

Each also makes a run of white space (a line break too) one space, so the text stays on
its line (a heading, a title, a list item)."""
from __future__ import annotations

import html
import json
import re
import string


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def jupyter_markdown(text: str) -> str:
    """`text` as literal Markdown in a notebook: HTML escaped (&, <, > as entities),
    Markdown's own marks backslash-escaped, and each dollar sign in a code span.
    Jupyter hands `$...$` to MathJax before Markdown sees it, and MathJax then reads the
    page as written, where neither a backslash (JupyterLab issue #8645) nor an entity
    keeps a dollar sign from starting maths; MathJax never reads code, in any viewer."""
    text = html.escape(one_line(text), quote=False)
    text = re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", text)
    return re.sub(r"\$+", lambda run: f"`{run.group()}`", text)


# Marks Pandoc's Markdown (Quarto's) reads inside a line: code, emphasis, links and
# spans, raw HTML and entities, headings, maths, citations, sub- and superscripts,
# tables, shortcodes ({{< >}}), and the backslash itself.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#$@~^|&!])")


def pandoc_markdown(text: str) -> str:
    """`text` as literal text in Pandoc's Markdown (Quarto's): each mark Pandoc would
    read backslash-escaped, which Pandoc reads as that very mark ($ no maths, @ no
    citation, * no emphasis, < no HTML, a leading "1." or "-" no list), and which leaves
    no shortcode for Quarto to expand: `{{<` only ever appears as `\\{\\{\\<`. Other
    punctuation stays as it is, so that the file reads as plain text."""
    text = _INLINE.sub(r"\\\1", one_line(text))
    text = re.sub(r"-(?=-)|(?<=-)-", r"\\-", text)      # "--" is no dash
    if re.match(r"\d+[.)]", text):                     # "1." or "1)": an ordered list
        return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    if text and text[0] in string.punctuation and text[0] != "\\":
        return "\\" + text
    return text


def quarto_yaml(text: str) -> str:
    """A value for the Quarto deck's front matter (`title: ...`): Pandoc reads YAML
    strings as Markdown, so the text is escaped for it and then written as a quoted
    string (JSON's, which is YAML's too)."""
    return json.dumps(pandoc_markdown(text), ensure_ascii=False)


def shortcode_value(text: str) -> str:
    """`text` as a quoted value in a Quarto shortcode (`title="..."`): the value ends at
    a double quote and the shortcode at `>}}`, and a shortcode has no escapes, so those
    marks become their typographic look-alikes (' ‹ › ))."""
    return (one_line(text).replace('"', "'").replace("<", "\u2039").replace(">", "\u203a")
            .replace("}", ")"))


_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
          "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}",
          "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
          "|": r"\textbar{}",
          # marks the numbers and the pages use, which pdflatex's UTF-8 input lacks
          # (in maths, whose fonts also give a PDF's text the right characters)
          "\u2212": r"\ensuremath{-}", "\u00d7": r"\ensuremath{\times}",
          "\u2192": r"\ensuremath{\rightarrow}", "\u2248": r"\ensuremath{\approx}",
          "\u2264": r"\ensuremath{\leq}", "\u2265": r"\ensuremath{\geq}",
          "\u207b": r"\ensuremath{^{-}}", "\u2070": r"\ensuremath{^{0}}",
          "\u00b9": r"\ensuremath{^{1}}", "\u00b2": r"\ensuremath{^{2}}",
          "\u00b3": r"\ensuremath{^{3}}",
          **{chr(0x2074 + i): rf"\ensuremath{{^{{{4 + i}}}}}" for i in range(6)}}


def latex_text(text: str) -> str:
    """`text` as literal text in LaTeX (a Beamer frame title): its ten special
    characters, and < > | (which the default font encoding shows as other marks), as
    the commands that print them; "--" stays two hyphens, not a dash. (A backquote
    prints as an opening quote, as LaTeX sets quotes.)"""
    text = one_line(text)
    return "".join(_LATEX.get(c, c) + ("{}" if c == "-" and text[i + 1:i + 2] == "-" else "")
                   for i, c in enumerate(text))

"""slides.qmd: the Quarto revealjs deck."""
from __future__ import annotations

from pathlib import Path

from gdanim.core.escape import pandoc_markdown, quarto_yaml

from gdanim.outputs.kit.notes import talking_points
from gdanim.outputs.kit.pptx import CREDITS
from gdanim.outputs.kit.slide import TITLE, Slide


def quarto_deck(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> str:
    """slides.qmd: a revealjs deck, one background video per animation (looping,
    muted, so browsers let it play), titles from the build, the talking points as
    speaker notes. A teacher's text is Pandoc Markdown text, as written (escape.py):
    no maths, emphasis, HTML or shortcode in it."""
    lines = ["---", f"title: {quarto_yaml(title)}"] + (
        [f"author: {quarto_yaml(author)}"] if author else []) + [
        "format:", "  revealjs:",
             "    embed-resources: false", "    controls: true", "    slide-number: true",
             "---", ""]
    for s in slides:
        video = s.file("mp4")
        attrs = [f'background-video="{video}"', "background-video-loop=\"true\"",
                 "background-video-muted=\"true\"", 'background-size="contain"',
                 'background-color="#ffffff"']
        lines += [f"## {{{' '.join(attrs)}}}", "", "::: {.notes}",
                  _markdown_lines(talking_points(kit, s).text()), ":::", ""]
    lines += ["## Credits", ""]
    lines += [f"- **{pandoc_markdown(head)}.** {pandoc_markdown(body)}"
              for head, body in CREDITS]
    return "\n".join(lines) + "\n"


def _markdown_lines(text: str) -> str:
    """Notes as Markdown text: a teacher's titles and captions shown as written, never
    read as Markdown, HTML or maths (each line escaped; "- " list items kept, each list
    after a blank line, without which Pandoc reads it as the paragraph's text)."""
    lines: list[str] = []
    for line in text.split("\n"):
        item = line.startswith("- ")
        if item and lines and lines[-1] and not lines[-1].startswith("- "):
            lines.append("")
        lines.append("- " + pandoc_markdown(line[2:]) if item else pandoc_markdown(line))
    return "\n".join(lines)

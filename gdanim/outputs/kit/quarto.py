"""slides.qmd: the Quarto revealjs deck."""
from __future__ import annotations

import json
from pathlib import Path

from gdanim.outputs.kit.notes import talking_points
from gdanim.outputs.kit.pptx import CREDITS
from gdanim.outputs.kit.slide import TITLE, Slide


def quarto_deck(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> str:
    """slides.qmd: a revealjs deck, one background video per animation (looping,
    muted, so browsers let it play), titles from the build, the talking points as
    speaker notes."""
    # A JSON string is a YAML string too: quotes and colons in a title stay text.
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"] + (
        [f"author: {json.dumps(author, ensure_ascii=False)}"] if author else []) + [
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
    lines += [f"- **{head}.** {body}" for head, body in CREDITS]
    return "\n".join(lines) + "\n"


def _markdown_lines(text: str) -> str:
    """Notes as Markdown text: a teacher's titles and captions shown as written, never
    read as HTML or Markdown (each line escaped; "- " list items kept)."""
    from gdanim.outputs.notebook import markdown_text

    return "\n".join("- " + markdown_text(line[2:]) if line.startswith("- ") else
                     markdown_text(line) for line in text.split("\n"))

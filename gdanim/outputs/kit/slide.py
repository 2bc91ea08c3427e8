"""One animation of the kit (`Slide`), its downloads and the snippets to paste into
other decks."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from gdanim.core import text
from gdanim.core.escape import latex_text, shortcode_value

DECK = "gdanim.pptx"
TITLE = "Gradient descent, step by step"


@dataclass(frozen=True)
class Slide:
    """One animation of the kit: the manifest entry plus the chapter it belongs to."""

    entry: dict
    chapter: str

    @property
    def id(self) -> str:
        return f"{self.entry['scenario']}-{self.entry['name']}"

    def file(self, fmt: str) -> str | None:
        return self.entry["files"].get(fmt)
def downloads(kit: Path, s: Slide) -> list[dict]:
    labels = [("mp4", "MP4"), ("gif", "GIF"), ("poster", "poster PNG"),
              ("beamer", "Beamer snippet")]
    return [{"label": label, "path": s.file(fmt),
             "size": text.file_size((kit / s.file(fmt)).stat().st_size)}
            for fmt, label in labels if s.file(fmt) and (kit / s.file(fmt)).is_file()]


def snippets(s: Slide) -> list[dict]:
    """Code to paste into a deck, naming the files by their place in the kit folder."""
    mp4, poster = s.file("mp4"), s.file("poster")
    if not mp4:
        return []
    poster_attr = f' poster="{poster}"' if poster else ""
    label = escape(s.entry["alt"], quote=True)
    video = (f'<video src="{mp4}"{poster_attr} width="{s.entry["width"]}" '
             f'height="{s.entry["height"]}" muted loop playsinline controls '
             f'aria-label="{label}"></video>')
    reveal = (f'<section data-background-video="{mp4}" data-background-video-loop '
              f'data-background-video-muted data-background-size="contain" '
              f'data-background-color="#ffffff">\n  <!-- {escape(s.entry["title"]).replace("--", "–")} -->\n'
              f'</section>')
    quarto = quarto_video(s)
    out = [{"id": "html", "label": "HTML <video> tag", "code": video},
           {"id": "reveal", "label": "reveal.js section", "code": reveal},
           {"id": "quarto", "label": "Quarto shortcode", "code": quarto}]
    if s.file("beamer"):
        out.append({"id": "beamer", "label": "Beamer (animate package)",
                    "code": beamer_snippet(s)})
    return out


def quarto_video(s: Slide) -> str:
    return (f'{{{{< video {s.file("mp4")} title="{shortcode_value(s.entry["title"])}" '
            f'width="100%" aspect-ratio="16x9" >}}}}')


def beamer_snippet(s: Slide) -> str:
    """A Beamer frame for a talk whose .tex file sits in the kit folder (where `media/`
    is): the animation's title, as LaTeX text, over its frame folder's snippet."""
    return (f"\\begin{{frame}}{{{latex_text(s.entry['title'])}}}\n"
            f"  \\input{{{s.file('beamer')}}}\n"
            f"\\end{{frame}}\n")

"""One animation of the kit (`Slide`), its downloads and the snippets to paste into
other decks."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from gdanim.core import text

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
    # A shortcode's attribute ends at a double quote and the shortcode at >}}: a
    # teacher's title must not carry either (nor a line break).
    title = " ".join(s.entry["title"].split())
    title = title.replace('"', "'").replace("<", "‹").replace(">", "›").replace("}", ")")
    return (f'{{{{< video {s.file("mp4")} title="{title}" width="100%" '
            f'aspect-ratio="16x9" >}}}}')


def beamer_snippet(s: Slide) -> str:
    """The frame folder's snippet, with the folder as it sits in the kit."""
    from gdanim.figures import sequence

    return sequence.snippet(s.entry["name"], s.entry["frames"], s.entry["fps"],
                            s.file("beamer_frames"))

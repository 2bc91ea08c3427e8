"""The kit's files, written into a folder that holds its animations."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

from gdanim.core import text
from gdanim.outputs.kit_index import KIT, KIT_FILE
from gdanim.outputs.kit.beamer import write_beamer_zips
from gdanim.outputs.kit.gif_budget import shrink_gif
from gdanim.outputs.kit.pptx import write_pptx
from gdanim.outputs.kit.presenter import NOTES_PAGE, presenter_page
from gdanim.outputs.kit.quarto import quarto_deck
from gdanim.outputs.kit.slide import DECK, Slide, downloads, snippets


# What the presenter view and its notes window load: the kit carries nothing else.
STATIC = ("favicon.svg", "numbers.js", "player.js", "style.css", "presenter.js", "presenter.css")


def write_kit(kit: Path, manifest: dict, say: Callable[[str], None] = lambda m: None,
              site=None, previous: Path | None = None) -> None:
    """Write the deck, presenter view, Quarto deck, snippets, Beamer zips and kit.json
    into `kit`, which holds the slide-quality animations listed in `manifest`. `site`
    is gdanim.toml's [site] (a SiteInfo): its title and author go on the decks and the
    presenter view. `previous` is the kit folder of the last run (default `kit`)."""
    from gdanim.core.config import SiteInfo
    from gdanim.outputs import webpages

    site = site or SiteInfo()
    titles = {p["slug"]: p["title"] for p in manifest["pages"]}
    slides = [Slide(a, titles[a["scenario"]]) for a in manifest["animations"]]
    gif_notes = {s.id: shrink_gif(kit, s, say) for s in slides if s.file("gif")}
    # A GIF shrunk by an earlier run and reused since fits now: keep saying what was done.
    old = _previous_entries(previous or kit)
    for s in slides:
        before = old.get(f"{s.entry['scenario']}/{s.entry['name']}", {})
        sizes = {d["label"]: d["size"] for d in before.get("downloads", [])}
        if s.file("gif") and not gif_notes.get(s.id) and before.get("gif_note") and \
                sizes.get("GIF") == text.file_size((kit / s.file("gif")).stat().st_size):
            gif_notes[s.id] = before["gif_note"]
    if not (kit / "static").is_dir():
        webpages.copy_static(kit, STATIC)        # the player and the site's styles
    for name in ("presenter.js", "presenter.css"):
        shutil.copyfile(_templates() / "slides" / name, kit / "static" / name)
    for extra in (kit / "static").iterdir():     # the rest of the site's (the explorer)
        if extra.name not in STATIC:
            extra.unlink()
    beamer = write_beamer_zips(kit, slides)
    explorers = manifest.get("explorers", ())     # chapters with an explorer
    (kit / "index.html").write_text(presenter_page(kit, slides, site, explorers=explorers),
                                    encoding="utf-8")
    (kit / NOTES_PAGE).write_text(presenter_page(kit, slides, site, NOTES_PAGE, explorers),
                                  encoding="utf-8")
    say(f"  deck   {KIT}/{DECK}")
    write_pptx(kit, slides, site.title, site.author)
    (kit / "slides.qmd").write_text(quarto_deck(kit, slides, site.title, site.author),
                                    encoding="utf-8")
    entries = {}
    for s in slides:
        entries[f"{s.entry['scenario']}/{s.entry['name']}"] = {
            "title": s.entry["title"], "chapter": s.chapter,
            "width": s.entry["width"], "height": s.entry["height"], "fps": s.entry["fps"],
            "duration_s": s.entry["duration_s"],
            "downloads": downloads(kit, s), "snippets": snippets(s),
            "gif_note": gif_notes.get(s.id) or ""}
    extra = {"beamer_zips": {slug: [{"path": name, "size": text.file_size(
        (kit / name).stat().st_size)} for name in zips] for slug, zips in beamer.items()}
             } if beamer else {}
    (kit / KIT_FILE).write_text(json.dumps({"generator": "gdanim", "animations": entries,
                                            **extra}, indent=1) + "\n", encoding="utf-8")
    say(f"  kit    {len(slides)} animation{'' if len(slides) == 1 else 's'}: {DECK}, "
        f"index.html, slides.qmd")
def _previous_entries(kit: Path) -> dict:
    try:
        return json.loads((kit / KIT_FILE).read_text(encoding="utf-8"))["animations"]
    except (OSError, ValueError, KeyError):
        return {}


def _templates() -> Path:
    from gdanim.outputs.webpages import TEMPLATES

    return TEMPLATES

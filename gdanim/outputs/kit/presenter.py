"""The presenter view (index.html) and its speaker notes window (notes.html)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gdanim.outputs.kit.notes import Notes, talking_points
from gdanim.outputs.kit.slide import DECK, Slide

NOTES_PAGE = "notes.html"

# What to ask the room before touching each chapter's explorer: a prediction, then the
# run that settles it. (Any other chapter, such as a CSV chapter, gets ASK_ANY.)
ASK = {
    "descent-1d": "Ask first: what will a learning rate ten times larger do to the guess? "
                  "Then type it into the box and play.",
    "learning-rates": "Ask first: with a learning rate just past the threshold (the mark "
                      "under the slider), what will the guess do? Then slide the rate "
                      "there and play.",
    "penguins-2d": "Ask first: from a start far off in a corner, where will the line end "
                   "up, and how soon? Tap the contour plot there, then play.",
    "optimizers": "Ask first: in the narrow valley, which optimizer gets there first? Pick "
                  "the valley, run each one, and compare the epochs in the readout.",
    "bumpy": "Ask first: from a start with w1 positive and w2 negative, which valley will "
             "the run end in? Tap the contour plot there, then play.",
}
ASK_ANY = ("Ask first: what will a learning rate ten times larger do? Then type it into "
           "the box and play.")


@dataclass(frozen=True)
class TryIt:
    """A "try it live" slide: a chapter's explorer, shown from the site the kit sits in
    (slides/ inside the site folder), its controls working by themselves."""

    scenario: str
    chapter: str
    name: str = "explore"

    @property
    def title(self) -> str:
        return "Try it live"

    @property
    def href(self) -> str:
        return f"../{self.scenario}.html?present#explore"

    def notes(self) -> Notes:
        return Notes(f"{self.chapter}: try it live.",
                     "The chapter's explorer: it runs any setting right in the page, by "
                     "the same rules as the lesson's code.",
                     (), (ASK.get(self.scenario, ASK_ANY),
                          "Click in the explorer to use its controls; Esc gives the keys "
                          "back to the presenter view."))


def presenter_page(kit: Path, slides: list[Slide], site=None,
                   template: str = "presenter.html", explorers=()) -> str:
    """index.html: one animation per screen with the site's player, driven by keys,
    with its speaker notes beside it on demand, and after a chapter's last animation
    its explorer when it has one (`explorers`: their slugs); with template="notes.html",
    the speaker notes window that follows it."""
    from gdanim.figures import media
    from gdanim.outputs import webpages

    records = []
    for i, s in enumerate(slides):
        fields = {k: s.entry[k] for k in media.MediaRecord.__dataclass_fields__}
        records.append((s, media.MediaRecord(**fields), talking_points(kit, s)))
        slug = s.entry["scenario"]
        last_of_chapter = i + 1 == len(slides) or slides[i + 1].entry["scenario"] != slug
        if last_of_chapter and slug in explorers:
            live = TryIt(slug, s.chapter)
            records.append((live, live, live.notes()))
    env = webpages.environment(site)
    token = webpages._site_root.set(kit)
    try:
        return webpages.render(env.get_template(f"slides/{template}"), slides=records,
                               deck=DECK, page=None)
    finally:
        webpages._site_root.reset(token)

"""PowerPoint/Keynote deck, a presenter view that works from disk (with a speaker notes
window, notes.html), a Quarto revealjs deck, snippets to paste into other decks, and
Beamer snippets (with all their frames in one beamer.zip) when the `frames` format was
asked for. The deck, the presenter view and the Quarto deck share each animation's
talking points (talking_points).

Each file here is one job: `writer.py` writes the kit's files (calling the others),
`slide.py` (an animation of the kit, its downloads and snippets), `notes.py` (what to
say over each animation), `pptx.py` (the PowerPoint/Keynote deck), `quarto.py`
(`slides.qmd`), `presenter.py` (the presenter view and its notes window),
`gif_budget.py` (slide GIFs under the size apps accept), `beamer.py` (Beamer snippets
and `beamer.zip`). The `slides` command (gdanim/slides.py) runs the build that
calls `writer.write_kit`."""

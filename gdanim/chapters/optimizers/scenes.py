"""How touchy each optimizer is about its learning rate: epochs to arrive against the
learning rate (log axes), one line per optimizer, with the runs that never arrive and
the runs that diverge marked in their own bands above the plot."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.figures.scenes import GREY, new_figure
from gdanim.figures.scenes.race import LOOKS


def tuning_figure(quality: Quality, rates, sweeps: dict, names: dict, best: dict,
                  epochs: int, title: str):
    """`sweeps[key]` = (arrived, diverged) per rate (-1: never); `best[key]` the index
    of the rate each optimizer is raced at."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.subplots()
    rates = np.asarray(rates, dtype=float)
    never, gone = epochs * 2.2, epochs * 5.5          # the two bands above the plot
    nudge = {key: 1 + 0.035 * (k - 1.5) for k, key in enumerate(sweeps)}  # keep apart
    for key, (arrived, diverged) in sweeps.items():
        colour, style, marker = LOOKS[key]
        arrived, diverged = np.asarray(arrived), np.asarray(diverged)
        ok = arrived >= 0
        shown = np.where(ok, np.maximum(arrived, 1), np.nan).astype(float)
        ax.plot(rates, shown, color=colour, ls=style, lw=2.6, marker=marker, ms=9,
                label=names[key])
        x = rates * nudge[key]
        ax.plot(x[~ok & (diverged < 0)], [never * nudge[key]] * int((~ok & (diverged < 0)).sum()),
                marker, color=colour, mfc="white", mew=2, ms=9, ls="none")
        ax.plot(x[diverged >= 0], [gone * nudge[key]] * int((diverged >= 0).sum()), "x",
                color=colour, mew=2.5, ms=10, ls="none")
        i = best[key]
        y = shown[i] if ok[i] else never * nudge[key]
        ax.plot([rates[i]], [y], "o", ms=24, mfc="none", mec=colour, mew=3, zorder=5)
    ax.set(xscale="log", yscale="log", ylim=(0.7, gone * 2.2),
           xlabel="learning rate η (log scale: each gridline is ten times the one before)",
           ylabel="epochs to arrive (log scale)", title=title)
    for y, text in ((never, f"never arrives in {epochs:,} epochs (open marks)"),
                    (gone, "diverges (×)")):
        ax.axhline(y / 1.5, color=GREY, lw=1, ls=":")
        ax.text(0.005, y * 1.25, text, transform=ax.get_yaxis_transform(), fontsize=12,
                color="#444444", va="bottom")
    ax.set_yticks([t for t in (1, 10, 100, 1000, 10000) if t <= epochs * 1.5])
    ax.legend(loc="lower left", ncol=4, title="big ring: the rate each one is raced at",
              title_fontsize=12)
    return fig

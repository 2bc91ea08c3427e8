"""The printable handout, site/handout.pdf: two pages per animation. The first has its
poster, its description and its numbers (the settings of the run, and where it starts
and ends); the second two key frames across the run, each the full text width, so the
type inside them prints at a readable size.

The page is 210 x 279.4 mm: A4's width and US Letter's height, so it prints on either
paper without scaling and with every margin at least 8 mm. Drawn with matplotlib's PDF
backend (no browser needed); the frames come from the site's own MP4 and poster."""
from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path

NAME = "handout.pdf"
MM = 1 / 25.4
PAGE = (210 * MM, 279.4 * MM)          # inches: fits A4 (210 x 297) and Letter (215.9 x 279.4)
MARGIN = 16 * MM
INK, GREY, LINE = "#1d1f22", "#575c63", "#c9ccd1"


def key_frames(count: int, poster: int, epochs=None) -> list[int]:
    """Two frames from the middle of the story (a third and two thirds of the way to
    the first frame of the end, so not the end held for the pause: `epochs` are the
    frames' epochs), none of them the poster's; the start and the end are frames 0 and
    the last otherwise."""
    last = count - 1
    if epochs and len(epochs) == count:
        last = min(last, max(1, next(i for i, e in enumerate(epochs) if e == epochs[-1])))
    picks = [i for i in dict.fromkeys([last // 3, 2 * last // 3, 0, last]) if i != poster]
    return sorted(picks[:2])


def read_frames(mp4: Path, wanted: list[int]) -> dict[int, "object"]:
    """The `wanted` frames of an MP4 as RGB arrays, decoded by imageio-ffmpeg."""
    import imageio_ffmpeg
    import numpy as np

    with warnings.catch_warnings():   # JAX, if loaded here, frowns on any fork
        warnings.simplefilter("ignore", RuntimeWarning)
        reader = imageio_ffmpeg.read_frames(str(mp4))
        meta = next(reader)
    width, height = meta["size"]
    found = {}
    try:
        for index, raw in enumerate(reader):
            if index in wanted:
                found[index] = np.frombuffer(raw, np.uint8).reshape(height, width, 3)
            if index >= max(wanted):
                break
    finally:
        reader.close()
    return found


def _number(value) -> str:
    from gdanim.core import text

    if value is None:
        return "too large for float32"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return text.number(value)


def _values(values, rate: bool = False) -> str:
    """Settings as the pages write them: learning rates to three significant digits
    without an exponent (0.000013, 0.464), a long grid by its ends."""
    if isinstance(values, list):
        if len(values) > 4 and all(isinstance(v, (int, float)) for v in values):
            return (f"{len(values)} values from {_values(values[0], rate)} to "
                    f"{_values(values[-1], rate)}")
        return "[" + ", ".join(_values(v, rate) for v in values) + "]"
    if rate and isinstance(values, float):
        from gdanim.core import text
        return text.rate_decimal(values)
    return _number(values)


def _epoch(value) -> str:
    from gdanim.core import text
    return text.count(value) if float(value).is_integer() else text.number(value)


def settings_lines(params: dict) -> list[str]:
    """The run's settings, one line each ("learning rate: 1e-05")."""
    lines = []
    for key, value in params.items():
        if key == "optimizers" and isinstance(value, dict):
            for run in value.values():
                extra = ", ".join(f"{k.replace('_', ' ')} {_values(v, 'rate' in k)}"
                                  for k, v in run.items()
                                  if k not in ("name", "mini_batches") and v is not None)
                lines.append(f"{run.get('name', '?')}: {extra}")
        else:
            lines.append(f"{key.replace('_', ' ')}: {_values(value, 'rate' in key)}")
    return lines


def frame_line(table: dict, index: int) -> str:
    """What the player's readout says at frame `index`: epoch, loss, parameters."""
    frame = table["frames"][index]
    names = table.get("names", [])
    loss, params = frame.get("loss"), frame.get("params")
    if isinstance(loss, list):            # several runs side by side
        left = table.get("left") or [None] * len(loss)
        runs = table.get("runs") or [f"run {i + 1}" for i in range(len(loss))]
        return (f"{table.get('label', 'epoch')} {_epoch(frame['epoch'])}, loss: "
                + "; ".join(f"{r} {_number(v)}" + (" (off the plot)" if g is not None
                                                    and frame["epoch"] >= g else "")
                            for r, v, g in zip(runs, loss, left)))
    shown = ""
    if isinstance(params, list) and names and len(params) == len(names):
        from gdanim.core import text
        shown = ", " + ", ".join(f"{n} {text.parameter(v, params)}" for n, v in zip(names, params))
    return f"{table.get('label', 'epoch')} {_epoch(frame['epoch'])}: loss {_number(loss)}{shown}"


def key_frame_page(fig, site: Path, a, table, put, picture) -> None:
    """The animation's second page: two key frames, each the full text width."""
    width, height = PAGE
    usable = width - 2 * MARGIN
    y = height - MARGIN
    put(MARGIN, y, "\n".join(textwrap.wrap(f"{a.title}: two moments", 70)), fontsize=12,
        weight="bold", va="top")
    y -= 0.5
    epochs = [f.get("epoch") for f in table.get("frames", [])] if table else None
    wanted = key_frames(a.frames, a.poster_frame, epochs)
    frames = read_frames(site / a.files["mp4"], wanted)
    w = min(usable, (y - MARGIN - 0.4 - 0.6 * len(wanted)) / len(wanted) * a.width / a.height)
    for index in wanted:
        if index not in frames:
            continue
        y -= picture(frames[index], MARGIN + (usable - w) / 2, y, w) + 0.08
        label = (frame_line(table, index) if table and index < len(table["frames"])
                 else f"frame {index + 1}")
        lines = textwrap.wrap(f"Frame {index + 1} of {a.frames}: {label}", 110)
        put(MARGIN, y, "\n".join(lines), fontsize=8.5, color=GREY, va="top")
        y -= 0.2 * len(lines) + 0.3


def write(site: Path, pages: list[dict], site_info=None) -> Path | None:
    """Write handout.pdf into `site` (two pages per animation); None without animations."""
    import matplotlib
    import matplotlib.patches
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from PIL import Image

    from gdanim.figures.encode import atomic_path

    entries = [(number, page, a) for number, page in enumerate(pages, start=1)
               for a in page["animations"]]
    path = site / NAME
    title = site_info.title if site_info else "Gradient descent, step by step"
    address = (site_info.site_url if site_info else "") or ""
    width, height = PAGE
    usable = width - 2 * MARGIN
    pages_total = sum(2 if "mp4" in a.files and (site / a.files["mp4"]).is_file() else 1
                      for _, _, a in entries)

    def put_on(fig):
        def put(x, y, words, **style):
            fig.text(x / width, y / height, words, color=style.pop("color", INK),
                     parse_math=False, **style)   # a teacher's `$` is a dollar
        return put

    def picture_on(fig):
        def picture(array, left, top, w):
            h = w * array.shape[0] / array.shape[1]
            ax = fig.add_axes([left / width, (top - h) / height, w / width, h / height])
            ax.imshow(array, interpolation="none")
            ax.set_axis_off()
            fig.add_artist(matplotlib.patches.Rectangle(
                (left / width, (top - h) / height), w / width, h / height,
                transform=fig.transFigure, fill=False, edgecolor=LINE, linewidth=0.6))
            return h
        return picture

    def footer(fig, page, number):
        foot = (f"{page['href']}{' · ' + address + page['href'] if address else ''}"
                f" · text and figures CC BY 4.0 · page {number} of {pages_total}")
        put_on(fig)(MARGIN, MARGIN * 0.6, foot, fontsize=7, color=GREY)

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "pdf.fonttype": 42}), \
            atomic_path(path) as tmp:
        with PdfPages(tmp, metadata={"Title": f"{title}: handout", "Creator": "gdanim",
                                     "CreationDate": None, "ModDate": None}) as pdf:
            sheet = 0
            for number, page, a in entries:
                fig = Figure(figsize=PAGE)
                put, picture = put_on(fig), picture_on(fig)

                y = height - MARGIN
                put(MARGIN, y, f"{title} · chapter {number}: {page['title']}", fontsize=8.5,
                    color=GREY, va="top")
                y -= 0.28
                heading = textwrap.wrap(a.title, 58)
                put(MARGIN, y, "\n".join(heading), fontsize=15, weight="bold", va="top",
                    linespacing=1.15)
                y -= 0.42 + 0.26 * (len(heading) - 1)
                table = None
                if "frames" in a.files and (site / a.files["frames"]).is_file():
                    table = json.loads((site / a.files["frames"]).read_text(encoding="utf-8"))
                body = "\n".join(textwrap.wrap(a.alt, 100))
                lines = settings_lines(a.params)
                if table and table.get("frames"):
                    lines += [f"start: {frame_line(table, 0)}",
                              f"end: {frame_line(table, len(table['frames']) - 1)}"]
                lines.append(f"{a.frames} frames at {a.fps} fps ({a.frames / a.fps:.1f} s)")
                wrapped = [w for line in lines for w in textwrap.wrap(line, 104,
                                                                      subsequent_indent="    ")]
                # The pictures shrink (never the type) when the text needs the room.
                text_height = (0.22 + 0.17 * (body.count("\n") + 1) + 0.2 + 0.22
                               + 0.16 * len(wrapped))
                room = y - MARGIN - 0.3 - text_height - 0.42 - 0.55 - 0.35
                aspect = a.height / a.width
                natural = usable * aspect
                scale = max(0.5, min(1.0, room / natural))
                if "poster" in a.files and (site / a.files["poster"]).is_file():
                    import numpy as np

                    with Image.open(site / a.files["poster"]) as im:
                        poster = np.asarray(im.convert("RGB"))
                    y -= picture(poster, MARGIN, y, usable * scale) + 0.12
                    end = (f" ({frame_line(table, a.poster_frame)})"
                           if table and a.poster_frame < len(table["frames"]) else "")
                    put(MARGIN, y, f"Above: the poster, frame {a.poster_frame + 1} of "
                                   f"{a.frames}{end}. Overleaf: two more.", fontsize=8,
                        color=GREY, va="top", wrap=True)
                    y -= 0.3
                put(MARGIN, y, "What it shows", fontsize=10.5, weight="bold", va="top")
                y -= 0.22
                put(MARGIN, y, body, fontsize=8.8, va="top", linespacing=1.35)
                y -= 0.17 * (body.count("\n") + 1) + 0.2
                put(MARGIN, y, "The numbers", fontsize=10.5, weight="bold", va="top")
                y -= 0.22
                put(MARGIN, y, "\n".join(wrapped), fontsize=8.3, va="top", linespacing=1.35,
                    family="DejaVu Sans Mono")
                sheet += 1
                footer(fig, page, sheet)
                pdf.savefig(fig)
                if "mp4" in a.files and (site / a.files["mp4"]).is_file():
                    fig = Figure(figsize=PAGE)
                    key_frame_page(fig, site, a, table, put_on(fig), picture_on(fig))
                    sheet += 1
                    footer(fig, page, sheet)
                    pdf.savefig(fig)
            if not entries:          # a site of stills only: say so on a page of its own
                fig = Figure(figsize=PAGE)
                fig.text(0.5, 0.5, f"{title}\n\nThis build has no animations.",
                         ha="center", va="center", fontsize=13, color=INK, parse_math=False)
                pdf.savefig(fig)
    return path

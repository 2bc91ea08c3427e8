"""The homework on paper: site/worksheet.pdf (each question, the formulas it needs, the
code to complete and room to work; no answers) and the teacher's answer-key.pdf (the
same questions with the settings, the solution code and every number the grader
expects, written as the manifest writes them).

Drawn like the handout (gdanim/outputs/handout.py): matplotlib's PDF backend, pages of
210 x 279.4 mm, A4's width and US Letter's height, so they print on either paper."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

from gdanim.outputs.handout import GREY, INK, LINE, MARGIN, PAGE

NAME = "worksheet.pdf"
KEY_NAME = "answer-key.pdf"
LINE_HEIGHT = {9.5: 0.19, 8.3: 0.165}     # inches per line at these font sizes


def plain(markdown: str) -> str:
    """Question text for paper: code marks and emphasis dropped, links as their words."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    return text.replace("`", "").replace("**", "").replace("*", "")


def answer_lines(answers: dict) -> list[str]:
    """Each expected number as `name = value`, in the one format of the manifest."""
    from gdanim.chapters.homework import number

    return [f"{name} = {number(value)}" for name, value in answers.items()]


def write(path: Path, questions, title: str, with_answers: bool, settings: dict,
          pages: dict) -> Path:
    """Write the worksheet (with_answers false) or the answer key to `path`."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from gdanim.chapters.homework import RTOL
    from gdanim.figures.encode import atomic_path
    from gdanim.outputs.homework import NAME as NOTEBOOK

    width, height = PAGE
    kind = "answer key" if with_answers else "worksheet"
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "pdf.fonttype": 42}), \
            atomic_path(path) as tmp:
        with PdfPages(tmp, metadata={"Title": f"{title}: homework {kind}", "Creator": "gdanim",
                                     "CreationDate": None, "ModDate": None}) as pdf:
            for number, q in enumerate(questions, start=1):
                fig = Figure(figsize=PAGE)
                y = height - MARGIN

                def put(words: str, size: float, gap: float = 0.0, mono: bool = False,
                        **style) -> None:
                    nonlocal y
                    lines = words.splitlines() or [""]
                    fig.text(MARGIN / width, y / height, "\n".join(lines), fontsize=size,
                             color=style.pop("color", INK), va="top", linespacing=1.3,
                             family="DejaVu Sans Mono" if mono else "DejaVu Sans",
                             parse_math=False, **style)   # a teacher's $ is a dollar sign
                    y -= len(lines) * LINE_HEIGHT.get(size, size / 50) + gap

                chapter = pages.get(q.chapter, (q.chapter, ""))[0]
                put(f"{title} · homework {kind} · question {number} of {len(questions)}",
                    8.3, 0.12, color=GREY)
                put(f"Question {number}: {q.title}", 15, 0.1, weight="bold")
                put(f"Chapter: {chapter} · {q.points} point{'s' if q.points != 1 else ''}",
                    9.5, 0.12, color=GREY)
                if number == 1 and not with_answers:
                    put(textwrap.fill(f"This worksheet goes with the notebook {NOTEBOOK}: work "
                                      "here, then write the code there and run its checks. "
                                      f"Numbers count as right within {RTOL * 100:g}%.", 100),
                        8.3, 0.12, color=GREY)
                put(textwrap.fill(plain(q.text), 92), 9.5, 0.15)
                if q.setup:
                    put("The data (the notebook's setup cell gives you these)", 10.5, 0.04,
                        weight="bold")
                    put("\n".join(textwrap.fill(line, 98, subsequent_indent="        ")
                                  for line in q.setup.splitlines()), 8.3, 0.15, mono=True)
                put("The formulas", 10.5, 0.04, weight="bold")
                put("\n".join(textwrap.fill(f, 96, subsequent_indent="    ")
                              for f in q.formulas), 8.3, 0.15, mono=True)
                put("The code to complete (replace each ...)" if not with_answers
                    else "A solution", 10.5, 0.04, weight="bold")
                code = q.starter if not with_answers else q.solution
                code = "\n".join(line for line in code.splitlines()
                                 if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION"))
                put("\n".join(textwrap.fill(line, 98, subsequent_indent="        ")
                              for line in code.splitlines()), 8.3, 0.18, mono=True)
                if with_answers:
                    put(f"What the grader expects (checked to within {RTOL * 100:g}%)", 10.5,
                        0.04, weight="bold")
                    put("\n".join(answer_lines(q.answers)), 8.3, 0.15, mono=True)
                else:
                    put("Your working", 10.5, 0.06, weight="bold")
                    box = y - MARGIN - 0.3
                    if box > 0.5:
                        fig.add_artist(Rectangle((MARGIN / width, (MARGIN + 0.3) / height),
                                                 (width - 2 * MARGIN) / width, box / height,
                                                 transform=fig.transFigure, fill=False,
                                                 edgecolor=LINE, linewidth=0.8))
                fig.text(MARGIN / width, MARGIN * 0.6 / height,
                         f"page {number} of {len(questions) + with_answers}" + (
                             " · for the teacher: do not publish" if with_answers else
                             " · text CC BY 4.0"), fontsize=7, color=GREY)
                pdf.savefig(fig)
            if with_answers:
                fig = Figure(figsize=PAGE)
                lines = [f"{name} = {value!r}" for name, value in settings.items()]
                fig.text(MARGIN / width, (height - MARGIN) / height,
                         "The homework's settings ([homework] in gdanim.toml)\n\n"
                         + "\n".join(lines), fontsize=8.3, va="top", color=INK, parse_math=False,
                         family="DejaVu Sans Mono", linespacing=1.3)
                pdf.savefig(fig)
            if not questions:
                fig = Figure(figsize=PAGE)
                fig.text(0.5, 0.5, f"{title}\n\nThese chapters have no homework questions.",
                         ha="center", va="center", fontsize=13, color=INK, parse_math=False)
                pdf.savefig(fig)
    path.chmod(0o644)
    return path

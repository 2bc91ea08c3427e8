"""gdanim.pptx: the PowerPoint/Keynote deck, its movies starting by themselves and
looping, with speaker notes."""
from __future__ import annotations

from pathlib import Path

from gdanim.core.errors import GdanimError
from gdanim.outputs.kit.notes import talking_points
from gdanim.outputs.kit.slide import DECK, TITLE, Slide

# 16:9 at PowerPoint's 10 x 5.625 inch size, with the slide-size type that names it:
# python-pptx's template says "screen4x3", which Keynote refuses in a 16:9 deck.
SLIDE_WIDTH, SLIDE_HEIGHT, SLIDE_TYPE = 9144000, 5143500, "screen16x9"
CREDITS = (
    ("The lesson", "The examples follow Josef Fruehwald's lesson \u201cGradient Descent\u201d "
     "(course notes, November 2022). The belt chart is the Gap's belt size table, as that "
     "lesson gives it."),
    ("The penguins", "Horst, Hill & Gorman (2020), palmerpenguins: Palmer Archipelago "
     "(Antarctica) penguin data, doi:10.5281/zenodo.3960218; collected by Dr. Kristen "
     "Gorman and the Palmer Station LTER (Gorman, Williams & Fraser 2014, PLoS ONE 9(3): "
     "e90081). Licence: CC0."),
    ("The animations", "Computed with JAX and Optax, drawn with matplotlib and encoded with "
     "ffmpeg by gdanim. Every number in them comes from the runs shown."),
    ("Handout", "Two printable pages per animation (its poster, key frames and numbers): "
     "handout.pdf, beside the site's index.html, under \u201cTeach with this\u201d."),
)


def write_pptx(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> Path:
    """gdanim.pptx: a title slide, one slide per animation (the MP4 full-bleed with its
    poster, starting by itself and looping, its description as alt text), and a credits
    slide. Each animation's speaker notes hold its caption, key numbers and what to
    point at (talking_points), with the notes master listed where Keynote looks for it
    (list_notes_master)."""
    from pptx import Presentation
    from pptx.util import Emu

    from gdanim.figures.encode import atomic_path

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    deck.part._element.find(_qn("p:sldSz")).set("type", SLIDE_TYPE)
    blank, titled = deck.slide_layouts[6], deck.slide_layouts[5]   # blank, title only

    first = deck.slides.add_slide(blank)
    # Room for a two-line title, and the author's name below it.
    _text(first, title, 0.6, 0.5 if author else 0.9, 8.8, 1.4, size=36, bold=True)
    if author:
        _text(first, author, 0.6, 1.95, 8.8, 0.5, size=20, colour="575C63")
    chapters = list(dict.fromkeys(s.chapter for s in slides))
    _text(first, f"{_count(len(slides), 'animation')} from {_count(len(chapters), 'chapter')}: "
                 + "; ".join(chapters) + ".", 0.6, 2.5, 8.8, 1.6, size=18, colour="575C63")
    _text(first, "Each animation starts by itself and loops; click it to pause.",
          0.6, 4.4, 8.8, 0.5, size=14, colour="575C63")
    _notes(first, (
        "Each animation slide starts its movie as the slide appears and loops it; a click "
        "on the movie pauses and resumes it. Its notes hold the caption, the key numbers "
        "and what to point at."))

    for s in slides:
        slide = deck.slides.add_slide(titled)
        # The title names the slide in the outline, the navigator and to a screen reader;
        # it sits just above the slide, off screen, so the movie keeps the whole slide.
        heading = slide.shapes.title
        heading.text = s.entry["title"]
        # All four written: a placeholder given only its top loses its inherited size.
        height = SLIDE_HEIGHT // 8
        heading.left, heading.width, heading.height = Emu(0), Emu(SLIDE_WIDTH), Emu(height)
        heading.top = Emu(-height - SLIDE_HEIGHT // 20)
        poster = kit / s.file("poster") if s.file("poster") else None
        movie = slide.shapes.add_movie(str(kit / s.file("mp4")), 0, 0, deck.slide_width,
                                       deck.slide_height, poster_frame_image=(
                                           str(poster) if poster else None),
                                       mime_type="video/mp4")
        movie.name = s.entry["title"]
        movie._element.find(".//" + _qn("p:cNvPr")).set("descr", s.entry["alt"])
        autoplay_and_loop(slide, movie, s.entry["duration_s"])
        _notes(slide, talking_points(kit, s).text())

    last = deck.slides.add_slide(blank)
    _text(last, "Credits", 0.6, 0.4, 8.8, 0.8, size=32, bold=True)
    box = _text(last, "", 0.6, 1.3, 8.8, 3.9, size=15)
    frame = box.text_frame
    for i, (head, body) in enumerate(CREDITS):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        for words, bold in ((f"{head}. ", True), (body, False)):
            run = para.add_run()
            run.text, run.font.bold, run.font.size = words, bold, _pt(15)
        para.space_after = _pt(12)
    _notes(last, "\n".join(f"{h}. {b}" for h, b in CREDITS))

    list_notes_master(deck)
    path = kit / DECK
    with atomic_path(path) as tmp:
        deck.save(str(tmp))
    return path


def _notes(slide, content: str) -> None:
    """The slide's speaker notes, one paragraph a line, at 12 pt so that a printed
    notes page holds them."""
    frame = slide.notes_slide.notes_text_frame
    frame.text = content
    for para in frame.paragraphs:
        for run in para.runs:
            run.font.size = _pt(12)


def list_notes_master(deck) -> None:
    """Name the notes master in presentation.xml, as PowerPoint does.

    python-pptx makes a notes master (with its theme) for the first notes slide and
    relates it to the presentation, but does not add the `<p:notesMasterIdLst>` entry
    that names it: a reader that finds the master through that list, as Keynote does,
    meets notes slides whose master it cannot find and refuses the file (python-pptx
    issue #1051; the same omission in other writers, and its fix, are described in
    python-pptx PR #1128 and iOfficeAI/OfficeCLI #255). The list goes right after the
    slide masters' list, where the schema puts it."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = deck.part
    root = part._element
    if root.find(_qn("p:notesMasterIdLst")) is not None:
        return
    rid = next((r.rId for r in part.rels.values() if r.reltype == RT.NOTES_MASTER), None)
    if rid is None:         # no notes anywhere: nothing to name
        return
    listing = root.makeelement(_qn("p:notesMasterIdLst"), {})
    listing.append(root.makeelement(_qn("p:notesMasterId"), {_qn("r:id"): rid}))
    root.find(_qn("p:sldMasterIdLst")).addnext(listing)


# The timing PowerPoint itself writes for a movie set to "Start: Automatically" and
# "Loop until stopped", with the trigger it adds so that a click on the movie pauses
# and resumes it. Read top down:
# - the main sequence (what the show runs on its own): its first step starts as the
#   slide begins (the onBegin condition pointing at the sequence, id 2) and holds one
#   effect of the "media call" kind, playFrom(0.0) on the movie, timed to the movie's
#   length (PowerPoint's "After Previous", which is what "Automatically" means);
# - an interactive sequence: a click on the movie (the onClick condition that names
#   it) runs togglePause on it;
# - the media node: the movie itself, repeating indefinitely ("Loop until stopped").
# python-pptx writes only a bare media node, which PowerPoint plays on a click and
# LibreOffice does not play at all; with the main sequence LibreOffice imports a
# play command and an indefinite repeat (tests/test_slides.py checks that).
_TIMING = """<p:timing xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">
<p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>
 <p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>
  <p:par><p:cTn id="3" fill="hold"><p:stCondLst><p:cond delay="indefinite"/>
    <p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond></p:stCondLst><p:childTnLst>
   <p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
    <p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold"
        nodeType="afterEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
     <p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="6" dur="{ms}" fill="hold"/>
      <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cBhvr></p:cmd>
    </p:childTnLst></p:cTn></p:par>
   </p:childTnLst></p:cTn></p:par>
  </p:childTnLst></p:cTn></p:par>
 </p:childTnLst></p:cTn>
 <p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>
 <p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>
 </p:seq>
 <p:seq concurrent="1" nextAc="seek"><p:cTn id="7" restart="whenNotActive" fill="hold"
     evtFilter="cancelBubble" nodeType="interactiveSeq"><p:stCondLst>
   <p:cond evt="onClick" delay="0"><p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cond>
  </p:stCondLst><p:endSync evt="end" delay="0"><p:rtn val="all"/></p:endSync><p:childTnLst>
  <p:par><p:cTn id="8" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
   <p:par><p:cTn id="9" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
    <p:par><p:cTn id="10" presetID="2" presetClass="mediacall" presetSubtype="0" fill="hold"
        nodeType="clickEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
     <p:cmd type="call" cmd="togglePause"><p:cBhvr><p:cTn id="11" dur="1" fill="hold"/>
      <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cBhvr></p:cmd>
    </p:childTnLst></p:cTn></p:par>
   </p:childTnLst></p:cTn></p:par>
  </p:childTnLst></p:cTn></p:par>
 </p:childTnLst></p:cTn>
 <p:nextCondLst><p:cond evt="onClick" delay="0"><p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl>
  </p:cond></p:nextCondLst></p:seq>
 <p:video><p:cMediaNode vol="80000"><p:cTn id="12" repeatCount="indefinite" fill="hold"
     display="0"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>
  <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cMediaNode></p:video>
</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"""


def autoplay_and_loop(slide, movie, duration_s: float) -> None:
    """Replace python-pptx's timing for `movie` (a click starts it) with PowerPoint's
    own for "Start: Automatically" and "Loop until stopped" (see _TIMING)."""
    from pptx.oxml import parse_xml

    spid = movie._element.find(".//" + _qn("p:cNvPr")).get("id")
    old = slide._element.find(_qn("p:timing"))
    if old is None:
        raise GdanimError("python-pptx wrote no timing for the movie; cannot make it autoplay")
    ms = max(1, round(duration_s * 1000))
    old.getparent().replace(old, parse_xml(_TIMING.format(spid=spid, ms=ms)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


def _pt(points: float):
    from pptx.util import Pt

    return Pt(points)


def _text(slide, content: str, left: float, top: float, width: float, height: float,
          size: float, bold: bool = False, colour: str = "1D1F22"):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    if content:
        run = frame.paragraphs[0].add_run()
        run.text = content
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor.from_string(colour)
    else:
        frame.paragraphs[0].font.size = Pt(size)
    return box

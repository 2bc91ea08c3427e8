"""Open a deck in LibreOffice Impress (headless, through its Python UNO bridge) and print,
as JSON, what Impress made of it: per slide, its movies and what the slide show will
do with each, and the speaker notes.

Run by tests/test_slides.py with the Python that has LibreOffice's `uno` module
(Debian's python3-uno): python3 tests/impress.py DECK PROFILE_DIR.

For each movie (a MediaShape), as LibreOffice's slide show decides it:
- autoplay: the slide's main sequence starts it by itself: a PLAY command aimed at the
  movie, in an effect that runs after or with the previous one (not on a click), in
  the first step, which begins with the slide (begin 0), not on the next click;
- loop: the slide show loops it if the shape's own Loop property is set, or, since
  LibreOffice 7.4, if an Audio node of the slide's timing root has the movie as its
  source and repeats indefinitely (slideshow's
  AnimationCommandNode::GetLoopingFromAnimation, which decides when the PLAY runs:
  the PPTX import keeps "Loop until stopped" there, on the animation).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.animations.AnimationNodeType import AUDIO, COMMAND
from com.sun.star.animations.Timing import INDEFINITE
from com.sun.star.beans import PropertyValue
from com.sun.star.presentation.EffectCommands import PLAY
from com.sun.star.presentation.EffectNodeType import (AFTER_PREVIOUS, MAIN_SEQUENCE,
                                                      WITH_PREVIOUS)


def children(node) -> list:
    try:
        found = node.createEnumeration()
    except AttributeError:
        return []
    out = []
    while found.hasMoreElements():
        out.append(found.nextElement())
    return out


def node_type(node) -> int | None:
    return {v.Name: v.Value for v in node.UserData}.get("node-type")


def same(a, b) -> bool:
    return a is not None and b is not None and a == b


def movie_facts(root, shape) -> dict:
    """What the slide show will do with `shape` (see the module's docstring)."""
    main = next((n for n in children(root) if node_type(n) == MAIN_SEQUENCE), None)
    autoplay = False
    if main is not None:
        steps = children(main)
        first = steps[0] if steps else None
        begins_with_slide = first is not None and first.Begin == 0.0
        for group in children(first) if first is not None else []:
            for effect in children(group):
                if node_type(effect) not in (AFTER_PREVIOUS, WITH_PREVIOUS):
                    continue
                for command in children(effect):
                    if command.Type == COMMAND and command.Command == PLAY and \
                            same(command.Target, shape):
                        autoplay = begins_with_slide
    repeats = [n for n in children(root) if n.Type == AUDIO and same(n.Source, shape)]
    from_animation = any(n.RepeatCount == INDEFINITE for n in repeats)
    return {"name": shape.Name, "autoplay": autoplay, "loop_property": bool(shape.Loop),
            "loop_from_animation": from_animation,
            "loops": bool(shape.Loop) or from_animation,
            "has_media": bool(shape.MediaURL)}


def notes_text(page) -> str:
    notes = page.NotesPage
    words = []
    for i in range(notes.Count):
        shape = notes.getByIndex(i)
        if shape.ShapeType == "com.sun.star.presentation.NotesShape":
            words.append(shape.String)
    return "\n".join(words)


def main(path: str, profile: str) -> None:
    pipe = f"gdanim-impress-{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
         "--headless", "--invisible", "--norestore", "--nologo",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(1200):
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if office.poll() is not None:
                    raise SystemExit("soffice exited before it accepted a connection")
                time.sleep(0.1)
        else:
            raise SystemExit("soffice did not accept a connection in 120 s")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        deck = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
            (PropertyValue("Hidden", 0, True, 0),))
        slides = []
        for i in range(deck.DrawPages.Count):
            page = deck.DrawPages.getByIndex(i)
            shapes = [page.getByIndex(j) for j in range(page.Count)]
            movies = [s for s in shapes if s.supportsService("com.sun.star.drawing.MediaShape")]
            slides.append({"movies": [movie_facts(page.AnimationNode, m) for m in movies],
                           "notes": notes_text(page)})
        deck.close(True)
        print(json.dumps({"slides": slides}))
        try:
            desktop.terminate()
        except Exception:       # the bridge closes as soffice quits
            pass
    finally:
        try:
            office.wait(60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

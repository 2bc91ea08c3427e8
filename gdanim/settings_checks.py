"""The checks every text of gdanim.toml goes through, and the report they add to: each
problem written `file: 'key': problem`, values shown escaped and shortened."""
from __future__ import annotations

import difflib
import urllib.parse

# The longest each text may be (characters); and the texts that may hold line breaks.
TEXT_LIMITS = {"title": 200, "author": 200, "site_url": 2000, "slug": 60, "csv": 1000,
               "prose": 1000, "x": 200, "y": 200, "x_label": 100, "y_label": 100,
               "summary": 500, "source": 5000}
MULTILINE = {"source"}
# Line and paragraph separators, and the bidirectional overrides that make text show
# in another order than it reads ("Trojan Source").
INVISIBLE = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Problems(list):
    """Problems of one file, each written `file: 'key': problem`."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def add(self, key: str, problem: str) -> None:
        self.append(f"{self.name}: {shown(key, 120)}: {problem}")

    def unknown_keys(self, table: dict, known, where: str) -> None:
        for key in table:
            if key not in known:
                self.add(f"{where}{key}", f"unknown key{did_you_mean(key, known)}; "
                                          f"known keys: {', '.join(known)}")


def type_name(value) -> str:
    return {str: "text", bool: "true/false", int: "a whole number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def check(problems: Problems, key: str, value, kind: str) -> bool:
    """Is `value` of `kind` (text, bool, number, int, list of text)? Adds a problem if not."""
    ok = {"text": isinstance(value, str) and value.strip() != "",
          "bool": isinstance(value, bool),
          "number": isinstance(value, (int, float)) and not isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "list of text": isinstance(value, list) and all(isinstance(v, str) for v in value),
          }[kind]
    if not ok:
        want = {"text": "non-empty text in quotes", "bool": "true or false",
                "number": "a number", "int": "a whole number",
                "list of text": 'a list of names, like ["a", "b"]'}[kind]
        problems.add(key, f"must be {want}, not {type_name(value)} {shown(value)}")
        return False
    if kind == "text":
        return text_ok(problems, key, value)
    return ok


def shown(value, limit: int = 60) -> str:
    """A value as a message shows it: repr (control characters escaped), shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def text_ok(problems: Problems, key: str, value: str) -> bool:
    """No control characters (line breaks only where Markdown is expected), and not
    longer than TEXT_LIMITS allows: these texts reach pages, file names and terminals."""
    field = key.rsplit(".", 1)[-1]
    allowed = "\n\t\r" if field in MULTILINE else ""
    bad = next((c for c in value if (ord(c) < 32 or 127 <= ord(c) < 160 or c in INVISIBLE)
                and c not in allowed), None)
    if bad is not None:
        problems.add(key, f"holds a control character (U+{ord(bad):04X}"
                          + (", a line break" if bad in "\n\r\u2028\u2029" else "")
                          + f") at position {value.index(bad) + 1}; remove it")
        return False
    limit = TEXT_LIMITS.get(field)
    if limit and len(value) > limit:
        problems.add(key, f"is {len(value):,} characters long; at most {limit:,}")
        return False
    return True


def url_problem(url: str) -> str | None:
    from gdanim.options import address_problem

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{url!r} is not an http(s) address like 'https://you.github.io/course/'"
    if parts.query or parts.fragment:
        return f"{url!r} has a query or fragment ('?' or '#'); give the site's base address"
    return address_problem(url)   # markup, a bad escape, a host that is not a name

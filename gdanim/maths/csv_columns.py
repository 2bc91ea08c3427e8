"""Two numeric columns from a teacher's CSV file, checked before anything is computed.
Values are separated by commas, or by semicolons or tabs (then 3,5 also reads as 3.5,
as spreadsheets in many languages save it).

`read_columns` never raises for a problem in the file: it returns every problem it
found (missing file, missing column, text where a number should be, ...) as a line
naming the file, the column and the rows, so all of them can be reported at once."""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

MIN_ROWS = 3
SHOW_ROWS = 5          # rows named in a message before "and N more"


@dataclass(frozen=True)
class Columns:
    """The x and y columns of a CSV, rows with an empty x or y cell dropped."""

    x: np.ndarray
    y: np.ndarray
    rows_read: int                  # data rows in the file (the header not counted)
    dropped_rows: tuple[int, ...]   # spreadsheet rows (header = 1) dropped for an empty cell
    lines: tuple[int, ...]          # the spreadsheet row of each kept value
    sha256: str                     # of the file's bytes: a changed file is a new chapter
    delimiter: str = ","            # ';' or tab: numbers may have decimal commas

    @property
    def rows(self) -> int:
        return len(self.x)


def _close(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:SHOW_ROWS]))
    more = f" and {len(rows) - SHOW_ROWS} more" if len(rows) > SHOW_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _delimiter(header: str) -> str:
    """',' unless the header has no comma but semicolons or tabs."""
    if "," in header:
        return ","
    return ";" if ";" in header else ("\t" if "\t" in header else ",")


def _decode(data: bytes, name: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, problem) for bytes that should be UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, (f"{name}: not UTF-8 text (byte {error.start + 1}, line {line}). "
                      f"Save the file as 'CSV UTF-8' in your spreadsheet program")


def read_columns(path: Path, name: str, x: str, y: str,
                 key: Callable[[str], str]) -> tuple[Columns | None, list[str]]:
    """Read columns `x` and `y` of the CSV at `path`. `name` is how messages call the
    file and `key("csv")`, `key("x")`, `key("y")` the config entries that named the
    file and the columns. Returns (columns or None, problems)."""
    if not path.is_file():
        return None, [f"{key('csv')}: no file {name} (looked for {path})"]
    data = path.read_bytes()
    text, problem = _decode(data, name)
    if problem:
        return None, [problem]
    delimiter = _delimiter(text.split("\n", 1)[0])
    # Spreadsheets set to a language that writes 3,5 for 3.5 save ';'-separated files.
    decimal_comma = delimiter != ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return None, [f"{name}: the file is empty; it needs a header row and data rows"]
    header = [h.strip() for h in header]
    missing = [(field, c) for field, c in (("x", x), ("y", y)) if c not in header]
    if missing:
        return None, [f"{key(field)}: no column {c!r} in {name}{_close(c, header)} (its "
                      f"columns: {', '.join(map(repr, header))})" for field, c in missing]
    cols = {c: header.index(c) for c in (x, y)}
    values = {x: [], y: []}
    bad = {x: [], y: []}          # (file line, text) of cells that are not numbers
    infinite = {x: [], y: []}
    empty, kept_lines = [], []
    rows_read = 0
    for line, row in enumerate(reader, start=2):   # row 1 is the header
        if not any(cell.strip() for cell in row):
            continue                      # a blank line is not a row
        rows_read += 1
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in cols.items()}
        if any(v == "" for v in cells.values()):
            empty.append(line)
            continue
        parsed = {}
        for column, cell in cells.items():
            try:
                number = float(cell.replace(",", ".") if decimal_comma else cell)
            except ValueError:
                bad[column].append((line, cell))
                continue
            if not math.isfinite(number):
                infinite[column].append(line)
            parsed[column] = number
        if len(parsed) == 2:
            values[x].append(parsed[x])
            values[y].append(parsed[y])
            kept_lines.append(line)
    problems = []
    for column in (x, y):
        if bad[column]:
            lines = [line for line, _ in bad[column]]
            examples = ", ".join(repr(t) for _, t in bad[column][:3])
            problems.append(f"{name}: column {column!r}, {_rows_text(lines)}: not a number "
                            f"({examples}). Fix or delete those rows")
        if infinite[column]:
            problems.append(f"{name}: column {column!r}, {_rows_text(infinite[column])}: "
                            f"not a finite number (inf or nan). Fix or delete those rows")
    if problems:
        return None, problems
    xs, ys = np.array(values[x], dtype=float), np.array(values[y], dtype=float)
    if len(xs) < MIN_ROWS:
        dropped = f" after dropping {len(empty)} with an empty cell" if empty else ""
        return None, [f"{name}: only {len(xs)} usable rows{dropped}; a line needs at "
                      f"least {MIN_ROWS}"]
    for column, v in ((x, xs), (y, ys)):
        if np.all(v == v[0]):
            problems.append(f"{name}: column {column!r} has the same value ({v[0]:g}) in "
                            f"every row, so there is nothing to fit (and it cannot be "
                            f"standardized)")
    if problems:
        return None, problems
    return Columns(xs, ys, rows_read, tuple(empty), tuple(kept_lines),
                   hashlib.sha256(data).hexdigest(), delimiter), []

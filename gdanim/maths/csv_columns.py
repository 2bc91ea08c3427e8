"""Two numeric columns from a teacher's CSV file, checked before anything is computed.
Values are separated by commas, or by semicolons or tabs (then 3,5 also reads as 3.5,
as spreadsheets in many languages save it).

`read_columns` never raises for a problem in the file: it returns every problem it
found (missing file, missing column, text where a number should be, ...) as a line
naming the file, the column and the rows, so all of them can be reported at once.

A config may come from someone else, so the file is read with care: only a regular
file (a pipe or a device could hang the build or never end), at most MAX_BYTES, and
nothing of its content is repeated in a message unless it read as CSV text, and then
only its header's names, shortened and with control characters escaped.

`number_problems` says when the values are too large, too small or too alike for the
fit to compute with (see its docstring for the limits and why)."""
from __future__ import annotations

import csv
import difflib
import errno
import hashlib
import io
import math
import os
import stat
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

MIN_ROWS = 3
SHOW_ROWS = 5          # rows named in a message before "and N more"
MAX_BYTES = 64 * 1024 * 1024        # a CSV larger than this is refused, unread
SHOW_NAMES, SHOW_NAME_CHARS, SHOW_HEADER_CHARS = 12, 40, 300   # the "its columns" hint


@dataclass(frozen=True)
class Columns:
    """The x and y columns of a CSV, rows with an empty x or y cell dropped."""

    x: np.ndarray
    y: np.ndarray
    rows_read: int                  # data rows in the file (the header not counted)
    dropped_rows: tuple[int, ...]   # spreadsheet rows (header = 1) dropped for an empty cell
    lines: Sequence[int]            # the spreadsheet row of each kept value (an array)
    sha256: str                     # of the file's bytes: a changed file is a new chapter
    delimiter: str = ","            # ';' or tab: numbers may have decimal commas

    @property
    def rows(self) -> int:
        return len(self.x)


def shown_name(name: str, limit: int = SHOW_NAME_CHARS) -> str:
    """A name from the teacher's file as a message shows it: quoted, control and
    invisible characters escaped (repr does that), cut to `limit` characters."""
    cut = name if len(name) <= limit else name[:limit - 1] + "…"
    return repr(cut)


def _close(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {shown_name(close[0])}?)" if close else ""


def shown_header(header: list[str]) -> str:
    """The header's names for a hint: at most SHOW_NAMES of them and SHOW_HEADER_CHARS
    characters in all, then how many more there are."""
    shown, length = [], 0
    for name in header[:SHOW_NAMES]:
        text = shown_name(name)
        if length + len(text) > SHOW_HEADER_CHARS:
            break
        shown.append(text)
        length += len(text) + 2
    more = len(header) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def read_file(path: Path, name: str, key: str, limit: int,
              what: str = "file") -> tuple[bytes | None, str | None]:
    """(bytes, None) or (None, problem) for the regular file at `path`, read whole if
    it is at most `limit` bytes. A pipe, a device, a socket or a folder is refused
    without reading (reading one could hang or never end); so is a larger file. `key`
    is how messages name the config entry, `name` how they name the file."""
    try:
        # O_NONBLOCK: opening a pipe with no writer returns at once (then refused).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None, f"{key}: no {what} {name} (looked for {path})"
    except ValueError:                   # a NUL byte in the path
        return None, f"{key}: the file name holds a NUL character"
    except OSError as error:
        return None, f"{key}: cannot open {name}: {_os_reason(error)}"
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return None, f"{key}: {name} is a folder, not a {what}"
        if not stat.S_ISREG(info.st_mode):
            return None, (f"{key}: {name} is not a regular file (it is a pipe, a device or "
                          f"a socket); give a {what} saved on disk")
        if info.st_size > limit:
            return None, (f"{key}: {name} is {info.st_size / 2 ** 20:.1f} MiB; the limit is "
                          f"{limit / 2 ** 20:g} MiB. Keep the rows the chapter needs, or "
                          f"a sample of them")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(limit + 1)      # files in /proc say size 0: read and see
        if len(data) > limit:
            return None, (f"{key}: {name} is larger than {limit / 2 ** 20:g} MiB, the limit. "
                          f"Keep the rows the chapter needs, or a sample of them")
        return data, None
    except OSError as error:
        return None, f"{key}: cannot read {name}: {_os_reason(error)}"
    finally:
        os.close(fd)


def _os_reason(error: OSError) -> str:
    reasons = {errno.EACCES: "permission denied (check who may read it)",
               errno.EPERM: "permission denied (check who may read it)",
               errno.ENAMETOOLONG: "the file name is too long",
               errno.ELOOP: "a symbolic link points to itself",
               errno.ENOTDIR: "a part of the path is a file, not a folder",
               errno.EIO: "an input/output error (a failing disk or a network drive?)"}
    return reasons.get(error.errno, error.strerror or type(error).__name__)


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
    data, problem = read_file(path, name, key("csv"), MAX_BYTES)
    if problem:
        return None, [problem]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [f"{name}: saved as UTF-16 text; save it as 'CSV UTF-8' in your "
                      f"spreadsheet program"]
    if b"\0" in data:
        return None, [f"{name}: holds NUL bytes (first at byte {data.index(0) + 1}), so it "
                      f"is not a text file; give a CSV file (in a spreadsheet program: "
                      f"Save As, 'CSV UTF-8')"]
    text, problem = _decode(data, name)
    if problem:
        return None, [problem]
    delimiter = _delimiter(text.split("\n", 1)[0])
    # Spreadsheets set to a language that writes 3,5 for 3.5 save ';'-separated files.
    decimal_comma = delimiter != ","
    csv.field_size_limit(MAX_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return None, [f"{name}: its first line does not read as CSV ({error}); give a "
                      f"CSV file with a header row"]
    if not header:
        return None, [f"{name}: the file is empty; it needs a header row and data rows"]
    header = [h.strip() for h in header]
    missing = [(field, c) for field, c in (("x", x), ("y", y)) if c not in header]
    if missing and len(header) < 2:
        # One name: no comma, semicolon or tab in the first line. Whatever this file
        # is, its first line is not a header worth repeating (it might be a secret).
        return None, [f"{key(field)}: no column {shown_name(c)} in {name}, whose first line "
                      f"has no comma, semicolon or tab, so it is not a CSV header; is "
                      f"{name} the right file?" for field, c in missing]
    if missing:
        return None, [f"{key(field)}: no column {shown_name(c)} in {name}{_close(c, header)} "
                      f"(its columns: {shown_header(header)})" for field, c in missing]
    twice = [c for c in dict.fromkeys((x, y)) if header.count(c) > 1]
    if twice:
        return None, [f"{name}: column {shown_name(c)} appears {header.count(c)} times in the "
                      f"header (columns {', '.join(str(i + 1) for i, h in enumerate(header) if h == c)}); "
                      f"rename the copies so the chapter knows which one to use"
                      for c in twice]
    cols = {c: header.index(c) for c in (x, y)}
    values = {x: array("d"), y: array("d")}   # 8 bytes a number, not a float object
    bad = {x: [], y: []}          # (file line, text) of cells that are not numbers
    infinite = {x: [], y: []}
    empty, kept_lines = [], array("q")     # 8 bytes a row, not an int object
    rows_read = 0
    # Row by row, never the whole file as lists of cells: a file of millions of rows
    # would otherwise take several times its size in memory.
    try:
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
    except csv.Error as error:
        return None, [f"{name}: line {reader.line_num} does not read as CSV ({error})"]
    problems = []
    for column in (x, y):
        if bad[column]:
            lines = [line for line, _ in bad[column]]
            examples = ", ".join(shown_name(t) for _, t in bad[column][:3])
            problems.append(f"{name}: column {shown_name(column)}, {_rows_text(lines)}: not a number "
                            f"({examples}). Fix or delete those rows")
        if infinite[column]:
            problems.append(f"{name}: column {shown_name(column)}, {_rows_text(infinite[column])}: "
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
            problems.append(f"{name}: column {shown_name(column)} has the same value ({v[0]:g}) in "
                            f"every row, so there is nothing to fit (and it cannot be "
                            f"standardized)")
    if problems:
        return None, problems
    return Columns(xs, ys, rows_read, tuple(empty), kept_lines,
                   hashlib.sha256(data).hexdigest(), delimiter), []


# -- numbers the fit can compute with ----------------------------------------------------
#
# Standardized (the default), the fit squares and multiplies the values in 64-bit floats
# (means, spreads, the least-squares answer, the numbers on the page): values up to
# 1e100 in size keep every square and product far from overflow (about 1e308), and a
# largest value of at least 1e-100 keeps them far from underflow (about 1e-308). The
# descent itself runs in 32-bit floats on z-scores, which are small whatever the units.
#
# Not standardized, JAX computes the loss and its gradient on the raw values in 32-bit
# floats, which overflow past about 3.4e38 and lose precision below about 1.2e-38: the
# largest value must lie between 1e-15 and 1e15, so squares stay within 1e-30 and 1e30.
#
# A column whose spread is tiny next to its size (1,000,000.0001 and 1,000,000.0002)
# differs only in digits that rounding already blurs: z-scores need the spread to be at
# least 1e-8 of the largest value (64-bit floats keep about 16 digits), the raw 32-bit
# fit at least 1e-4 of it (32-bit floats keep about 7). Without an intercept the column
# is not centred, so only its size matters.
LARGEST = {True: 1e100, False: 1e15}        # by `standardize`
SMALLEST = {True: 1e-100, False: 1e-15}
LEAST_SPREAD = {True: 1e-8, False: 1e-4}


def _power_of_ten(value: float) -> str:
    return f"1e{math.floor(math.log10(value)):+d}"


def number_problems(columns: Columns, name: str, x: str, y: str, standardize: bool,
                    intercept: bool) -> list[str]:
    """What stops the fit from computing with the values of columns `x` and `y` of the
    file `name`, one line per column, each saying what to do; [] when they are fine.
    See the limits above."""
    problems = []
    for column, values in ((x, columns.x), (y, columns.y)):
        label = f"{name}: column {shown_name(column)}"
        largest = float(np.max(np.abs(values)))
        fix_scale = ("turn on standardize (the default), or rescale the column"
                     if not standardize else "rescale the column")
        if largest > LARGEST[standardize]:
            problems.append(
                f"{label} has values as large as {largest:.3g}; beyond "
                f"{LARGEST[standardize]:g} their squares overflow"
                + (" the 32-bit numbers the unstandardized fit uses" if not standardize
                   else "") + f". To fix it, {fix_scale}: divide it by "
                f"{_power_of_ten(largest)} in your spreadsheet (and say so in the label)")
            continue
        if largest < SMALLEST[standardize]:
            problems.append(
                f"{label} has no value larger than {largest:.3g} in size; below "
                f"{SMALLEST[standardize]:g} their squares underflow to zero"
                + (" in the 32-bit numbers the unstandardized fit uses" if not standardize
                   else "") + f". To fix it, {fix_scale}: multiply it by "
                f"{_power_of_ten(1 / largest)} in your spreadsheet (and say so in the label)")
            continue
        spread = _spread(values)
        if intercept and spread < LEAST_SPREAD[standardize] * largest:
            problems.append(
                f"{label} barely varies: its values spread by {spread:.3g} around "
                f"{float(np.mean(values)):.10g}, so they differ only in digits that "
                f"rounding blurs. To fix it, "
                + ("turn on standardize (the default), or " if not standardize else "")
                + "subtract a round number near their average from the column in your "
                  "spreadsheet")
    return problems


def _spread(values: np.ndarray) -> float:
    """The standard deviation, computed on values divided by their largest size first,
    so that neither squares of huge values overflow nor those of tiny ones vanish."""
    size = float(np.max(np.abs(values)))
    return float(np.std(values / size)) * size if size > 0 else 0.0

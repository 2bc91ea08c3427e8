"""Errors a user can act on. The command line prints their message alone (no traceback
unless --debug) and exits 1; anything else is a bug and keeps its traceback."""
from __future__ import annotations


class GdanimError(Exception):
    """A problem with the user's input, files or tools, with what to do about it."""

"""Terminal decisions: whether to colour (NO_COLOR, FORCE_COLOR, TERM=dumb, TTY), whether a line may
be redrawn in place (a TTY that is not TERM=dumb, outside CI), and the styles."""

from __future__ import annotations

import os
from typing import IO, Any


def use_color(choice: str, stream: IO[Any]) -> bool:
    """`--color always|never|auto`; auto means a TTY, no NO_COLOR, not TERM=dumb (or FORCE_COLOR)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def redraws(stream: IO[Any]) -> bool:
    """Whether `stream` is a terminal where a line may be rewritten in place (`\\r`, erase to the end):
    a TTY whose TERM is not `dumb` (such terminals, e.g. Emacs shells, print the codes), outside CI."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb" and not os.environ.get("CI")


_CODES = {"red": "31", "yellow": "33", "blue": "34", "green": "32", "cyan": "36", "bold": "1", "dim": "2"}


def style(text: str, color: str, enabled: bool) -> str:
    if not enabled:
        return text
    return f"\x1b[{_CODES[color]}m{text}\x1b[0m"

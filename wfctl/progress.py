"""A one-line progress display on stderr for long validate/lint runs: files done / total and rate.

Shown only when stderr is a terminal that can redraw a line (not TERM=dumb), the run has taken longer
than `DELAY` seconds, the output is the text format, `-q` was not given, and no `CI` variable is set
(so never in CI logs or pipes).
The line is cleared before findings are written and when the run ends.
"""

from __future__ import annotations

import sys
import time
from typing import IO

from wfctl.term import redraws

DELAY = 2.0
INTERVAL = 0.1


def wanted(stream: IO[str], *, quiet: bool, output: str) -> bool:
    return not quiet and output == "text" and redraws(stream)


class Progress:
    """Call `advance()` per file done, `clear()` before writing to the terminal, `finish()` at the end."""

    def __init__(self, total: int, stream: IO[str] | None = None, *, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        return f"wfctl: {self.done:,}/{self.total:,} files ({rate:,.0f} files/s)"

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def finish(self) -> None:
        self.clear()

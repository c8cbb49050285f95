"""Drawing watched Workflows: one line per workflow (phase symbol, name, phase, progress, duration,
message), redrawn in place on a TTY and appended on change otherwise (CI logs); with a single
workflow its node tree too; at the end the node tree and messages of every workflow that failed.
Knows nothing about the API: it draws a WatchSet."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import datetime
from typing import IO, Any

from wfctl.kube.watchstate import Tracked, WatchSet
from wfctl.term import style

SYMBOLS = {
    "Succeeded": ("✔", "+", "green"),
    "Failed": ("✖", "x", "red"),
    "Error": ("⚠", "!", "red"),
    "Deleted": ("✖", "x", "red"),
    "APIError": ("?", "?", "yellow"),
    "Running": ("●", "*", "cyan"),
    "Pending": ("◷", ".", "dim"),
    "Skipped": ("○", "-", "dim"),
    "Omitted": ("○", "-", "dim"),
}
HIDDEN_TYPES = ("StepGroup", "TaskGroup")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
PHASE_WIDTH = len("Succeeded")  # the phase column, when there are several lines to align
ORDER = ("Succeeded", "Running", "Pending", "Failed", "Error", "Deleted", "APIError")


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def duration(start: str | None, end: str | None, now: datetime | None = None) -> str:
    """`start` to `end` (or now) as 7s, 1m05s, 2h03m; empty without a start."""
    a = _time(start)
    if a is None:
        return ""
    b = _time(end) or now or datetime.now(a.tzinfo)
    seconds = max(0, int((b - a).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def symbol(phase: str, unicode: bool, color: bool) -> str:
    sym, ascii_sym, col = SYMBOLS.get(phase, ("?", "?", "dim"))
    return style(sym if unicode else ascii_sym, col, color)


def node_lines(wf: dict[str, Any], unicode: bool, color: bool) -> list[str]:
    """The node tree: steps/DAG structure from status.nodes, with phase, duration and message."""
    nodes: dict[str, dict[str, Any]] = (wf.get("status") or {}).get("nodes") or {}
    if not nodes:
        return []
    name = (wf.get("metadata") or {}).get("name")
    children_of = {nid: n.get("children") or [] for nid, n in nodes.items()}
    has_parent = {c for cs in children_of.values() for c in cs}
    roots = [nid for nid in nodes if nid == name] or [nid for nid in nodes if nid not in has_parent]
    lines: list[str] = []
    seen: set[str] = set()

    def walk(nid: str, depth: int) -> None:
        if nid in seen or nid not in nodes:
            return
        seen.add(nid)
        n = nodes[nid]
        if n.get("type") in HIDDEN_TYPES:
            for c in children_of.get(nid, []):
                walk(c, depth)
            return
        mark = symbol(n.get("phase") or "Pending", unicode, color)
        label = n.get("displayName") or n.get("name") or nid
        took = duration(n.get("startedAt"), n.get("finishedAt"))
        message = f"  {n['message']}" if n.get("message") else ""
        lines.append(f"{'  ' * depth}{mark} {label}{('  ' + took) if took else ''}{message}")
        for c in children_of.get(nid, []):
            walk(c, depth + 1)

    for r in roots:
        walk(r, 0)
    return lines


def failed_nodes(wf: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, message) of the failing leaves: the nodes that actually broke."""
    nodes = (wf.get("status") or {}).get("nodes") or {}
    out = []
    for n in nodes.values():
        if n.get("phase") in ("Failed", "Error") and not (n.get("children") or []):
            out.append((n.get("displayName") or n.get("name") or "?", n.get("message") or ""))
    return out


def workflow_line(t: Tracked, unicode: bool, color: bool, name_width: int = 0, phase_width: int = 0) -> str:
    """`● name  Running  progress 1/3  12s  message`: one workflow in one line."""
    st = t.status
    phase = t.phase
    col = SYMBOLS.get(phase, ("", "", "bold"))[2]
    parts = [f"{symbol(phase, unicode, color)} {t.name.ljust(name_width)}", style(phase.ljust(phase_width), col, color)]
    if st.get("progress"):
        parts.append(f"progress {st['progress']}")
    took = duration(st.get("startedAt"), st.get("finishedAt"))
    if took:
        parts.append(took)
    message = t.error or st.get("message")
    if message:
        parts.append(str(message))
    return "  ".join(parts).rstrip()


def fit(line: str, width: int) -> str:
    """`line` cut to `width` - 1 visible characters, so that it never wraps on a terminal (a wrapped
    line would throw off the cursor movement of the next redraw); a cut line loses its colours."""
    plain = _ANSI.sub("", line)
    if len(plain) < width:
        return line
    return plain[: max(1, width - 2)] + "…"


def counts_line(wset: WatchSet) -> str:
    counts = wset.counts()
    ordered = sorted(counts.items(), key=lambda kv: (ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER), kv[0]))
    return f"{len(wset)} workflows: " + ", ".join(f"{n} {phase}" for phase, n in ordered)


class WatchView:
    """Draws a WatchSet on `out`; `lock` is shared with anything else writing there (pod logs)."""

    def __init__(
        self,
        wset: WatchSet,
        out: IO[str],
        *,
        tty: bool = False,
        color: bool = False,
        height: int | None = None,
        width: int | None = None,
        lock: threading.Lock | None = None,
    ) -> None:
        self.wset, self.out, self.tty, self.color = wset, out, tty, color
        encoding = (getattr(out, "encoding", None) or "utf-8").lower()
        self.unicode = "utf" in encoding
        self.height, self.width = height, width
        self.lock = lock or threading.Lock()
        self.drawn = 0
        self.printed: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.node_phases: dict[str, str] = {}

    @property
    def detail(self) -> bool:
        """A single workflow is drawn with its node tree."""
        return len(self.wset) == 1

    def _widths(self) -> tuple[int, int]:
        if len(self.wset) < 2:
            return 0, 0
        return max(len(t.name) for t in self.wset), PHASE_WIDTH

    def line(self, t: Tracked) -> str:
        return workflow_line(t, self.unicode, self.color, *self._widths())

    # ------------------------------------------------------------------ live

    def _screen(self) -> list[str]:
        """The lines of one TTY frame, cut to the terminal's height: when too many, unfinished and
        failed workflows first, then a count of the others."""
        items = list(self.wset)
        lines = [self.line(t) for t in items]
        if self.detail:  # one workflow: its line and its node tree, as tall as it is
            return lines + ["  " + n for n in node_lines(items[0].wf, self.unicode, self.color)]
        rows = self.height or shutil.get_terminal_size((100, 40)).lines
        if len(lines) <= rows - 1:
            return lines
        room = max(1, rows - 3)
        shown = {id(t) for t in [t for t in items if not t.finished or t.failed][:room]}
        rest = len(items) - len(shown)
        frame = [counts_line(self.wset), *(self.line(t) for t in items if id(t) in shown)]
        return frame + ([f"... and {rest} more"] if rest else [])

    def draw(self) -> None:
        """Redraw the TTY frame in place."""
        width = self.width or shutil.get_terminal_size((100, 40)).columns
        lines = [fit(line, width) for line in self._screen()]
        with self.lock:
            if self.drawn:
                self.out.write(f"\x1b[{self.drawn}F\x1b[J")
            self.out.write("\n".join(lines) + "\n")
            self.drawn = len(lines)
            self.out.flush()

    def update(self, changed: list[Tracked] | None = None) -> None:
        """After events: a new frame on a TTY; otherwise a line for each workflow whose line changed
        (and, for a single workflow, each node whose phase changed)."""
        if self.tty:
            self.draw()
            return
        items = list(self.wset) if changed is None else changed
        with self.lock:
            for t in items:
                k = (t.namespace, t.name)
                if self.printed.get(k) != t.key:
                    self.printed[k] = t.key
                    self.out.write(self.line(t) + "\n")
                if self.detail:
                    self._node_changes(t)
            self.out.flush()

    def _node_changes(self, t: Tracked) -> None:
        for nid, n in (t.status.get("nodes") or {}).items():
            phase = n.get("phase") or "Pending"
            if n.get("type") in HIDDEN_TYPES or self.node_phases.get(nid) == phase:
                continue
            self.node_phases[nid] = phase
            took = duration(n.get("startedAt"), n.get("finishedAt"))
            msg = f"  {n['message']}" if n.get("message") else ""
            label = n.get("displayName") or n.get("name") or nid
            self.out.write(
                f"  {symbol(phase, self.unicode, self.color)} {label}  {phase}{('  ' + took) if took else ''}{msg}\n"
            )

    def tick(self) -> None:
        """Time passes: durations move on a TTY; nothing is written to a log."""
        if self.tty:
            self.draw()

    def note(self, text: str) -> None:
        with self.lock:
            self.out.write(text + "\n")
            self.out.flush()

    # ------------------------------------------------------------------ the end

    def final(self) -> None:
        """The last frame (TTY) or the single workflow's node tree (log), then every failure with its
        node tree and the messages of the nodes that broke."""
        with self.lock:
            out = self.out
            if self.tty:
                self.drawn = 0  # the last frame stays; what follows goes below it
            elif self.detail:
                tree = node_lines(next(iter(self.wset)).wf, self.unicode, self.color)
                if tree:
                    out.write("\n".join(tree) + "\n")
            if len(self.wset) > 1:
                out.write(counts_line(self.wset) + "\n")
            for t in self.wset.failures():
                self._failure(t)
            out.flush()

    def _failure(self, t: Tracked) -> None:
        out = self.out
        if t.outcome == "Deleted":
            out.write(f"workflow {t.name} was deleted while being watched\n")
            return
        message = t.status.get("message")
        out.write(f"workflow {t.name} {t.phase}" + (f": {message}" if message else "") + "\n")
        if not self.detail:
            for line in node_lines(t.wf, self.unicode, self.color):
                out.write(f"  {line}\n")
        for label, msg in failed_nodes(t.wf):
            out.write(f"  failed: {label}" + (f": {msg}" if msg else "") + "\n")

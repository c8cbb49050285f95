"""What is known about a set of watched Workflows: one entry per workflow (the last object seen and,
once decided, its outcome), fed by watch events, relists and API errors; no I/O here.

Outcomes: Succeeded, Failed, Error (from status.phase), Deleted (gone while unfinished) and APIError
(its namespace's watch failed for good). An outcome is final: later events for that workflow are
ignored. The exit code is the worst outcome, numerically: 0 all Succeeded, 1 Failed/Error/Deleted,
3 API error, 4 --timeout reached with workflows still unfinished.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wfctl.errors import EXIT_CLUSTER, EXIT_FINDINGS, EXIT_OK, EXIT_TIMEOUT

FINISHED = ("Succeeded", "Failed", "Error")
FAILED = ("Failed", "Error", "Deleted")
CODES = {"Succeeded": EXIT_OK, "Failed": EXIT_FINDINGS, "Error": EXIT_FINDINGS, "Deleted": EXIT_FINDINGS}
CODES["APIError"] = EXIT_CLUSTER


@dataclass(eq=False)
class Tracked:
    """One watched Workflow (compared and hashed by identity)."""

    namespace: str
    name: str
    wf: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    error: str = ""

    @property
    def status(self) -> dict[str, Any]:
        return self.wf.get("status") or {}

    @property
    def phase(self) -> str:
        if self.outcome in ("Deleted", "APIError"):
            return self.outcome
        return str(self.status.get("phase") or "Pending")

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED

    @property
    def key(self) -> tuple[Any, ...]:
        """What a line shows, durations aside: a change here is worth a new line in a log."""
        st = self.status
        return (self.phase, st.get("progress"), st.get("message"))


class WatchSet:
    """The workflows being followed, in the order given; keyed by (namespace, name)."""

    def __init__(self, keys: Iterable[tuple[str, str]] = ()) -> None:
        self.items: dict[tuple[str, str], Tracked] = {}
        for ns, name in keys:
            self.add(ns, name)

    def add(self, namespace: str, name: str, wf: dict[str, Any] | None = None) -> Tracked:
        t = self.items.get((namespace, name))
        if t is None:
            t = self.items[(namespace, name)] = Tracked(namespace, name)
        if wf is not None:
            self.observe(namespace, wf)
        return t

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items.values())

    def namespaces(self) -> list[str]:
        return list(dict.fromkeys(ns for ns, _ in self.items))

    def names_in(self, namespace: str) -> list[str]:
        return [name for ns, name in self.items if ns == namespace]

    # ------------------------------------------------------------------ events

    def observe(self, namespace: str, wf: dict[str, Any]) -> Tracked | None:
        """A Workflow as the API server has it now (ADDED, MODIFIED, or from a list). Returns the entry
        when it is one of ours and not yet decided, else None."""
        name = (wf.get("metadata") or {}).get("name")
        t = self.items.get((namespace, str(name)))
        if t is None or t.finished:
            return None
        t.wf = wf
        phase = t.status.get("phase")
        if phase in FINISHED:
            t.outcome = str(phase)
        return t

    def deleted(self, namespace: str, name: str) -> Tracked | None:
        t = self.items.get((namespace, name))
        if t is None or t.finished:
            return None
        t.outcome = "Deleted"
        return t

    def resync(self, namespace: str, items: list[dict[str, Any]]) -> list[Tracked]:
        """A fresh list of the namespace (after 410 Gone): update what is there; an unfinished
        workflow that is no longer listed was deleted in the meantime."""
        changed = [t for t in (self.observe(namespace, wf) for wf in items) if t is not None]
        present = {(wf.get("metadata") or {}).get("name") for wf in items}
        for name in self.names_in(namespace):
            if name not in present:
                t = self.deleted(namespace, name)
                if t is not None:
                    changed.append(t)
        return changed

    def api_error(self, namespace: str, message: str) -> list[Tracked]:
        """The namespace's watch failed for good: its undecided workflows end as APIError."""
        out = []
        for t in self.items.values():
            if t.namespace == namespace and not t.finished:
                t.outcome, t.error = "APIError", message
                out.append(t)
        return out

    # ------------------------------------------------------------------ questions

    def unfinished(self) -> list[Tracked]:
        return [t for t in self.items.values() if not t.finished]

    def failures(self) -> list[Tracked]:
        return [t for t in self.items.values() if t.failed]

    def done(self) -> bool:
        return all(t.finished for t in self.items.values())

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.items.values():
            out[t.phase] = out.get(t.phase, 0) + 1
        return out

    def exit_code(self, timed_out: bool = False) -> int:
        worst = max((CODES.get(t.outcome or "", EXIT_OK) for t in self.items.values()), default=EXIT_OK)
        if timed_out and self.unfinished():
            worst = max(worst, EXIT_TIMEOUT)
        return worst

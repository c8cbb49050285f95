"""Following a Workflow to the end: a Kubernetes watch that survives dropped streams and 410 Gone,
a node tree drawn in place on a TTY (or as appended lines in CI logs), optional pod logs."""

from __future__ import annotations

import math
import sys
import threading
import time
from datetime import datetime
from typing import IO, Any

from wfctl.errors import EXIT_CLUSTER, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_TIMEOUT, ClusterError
from wfctl.kube.client import DeadlineReached, Kube
from wfctl.term import style

FINISHED = ("Succeeded", "Failed", "Error")
SYMBOLS = {
    "Succeeded": ("✔", "+", "green"),
    "Failed": ("✖", "x", "red"),
    "Error": ("⚠", "!", "red"),
    "Running": ("●", "*", "cyan"),
    "Pending": ("◷", ".", "dim"),
    "Skipped": ("○", "-", "dim"),
    "Omitted": ("○", "-", "dim"),
}
HIDDEN_TYPES = ("StepGroup", "TaskGroup")
MAX_FAILURES = 8


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def duration(start: str | None, end: str | None, now: datetime | None = None) -> str:
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


def node_lines(wf: dict[str, Any], unicode: bool, color: bool) -> list[str]:
    """The node tree: steps/DAG structure from status.nodes, with phase, duration and message."""
    nodes: dict[str, dict[str, Any]] = (wf.get("status") or {}).get("nodes") or {}
    if not nodes:
        return []
    name = wf.get("metadata", {}).get("name")
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
        phase = n.get("phase") or "Pending"
        sym, ascii_sym, col = SYMBOLS.get(phase, ("?", "?", "dim"))
        mark = style(sym if unicode else ascii_sym, col, color)
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
    nodes = (wf.get("status") or {}).get("nodes") or {}
    out = []
    for n in nodes.values():
        if n.get("phase") in ("Failed", "Error") and not (n.get("children") or []):
            out.append((n.get("displayName") or n.get("name") or "?", n.get("message") or ""))
    return out


class Watcher:
    """Watch one Workflow until it finishes; `run()` returns the exit code."""

    def __init__(
        self,
        kube: Kube,
        name: str,
        namespace: str,
        *,
        out: IO[str] | None = None,
        tty: bool = False,
        color: bool = False,
        timeout: float | None = None,
        logs: bool = False,
        stop_on_timeout: bool = False,
    ) -> None:
        self.kube, self.name, self.ns = kube, name, namespace
        self.out = out or sys.stdout
        self.tty = tty and not logs
        self.color = color
        self.timeout = timeout
        self.logs = logs
        self.stop_on_timeout = stop_on_timeout
        encoding = (getattr(self.out, "encoding", None) or "utf-8").lower()
        self.unicode = "utf" in encoding
        self.drawn = 0
        self.last_key: tuple[Any, ...] | None = None
        self.node_phases: dict[str, str] = {}
        self.lock = threading.Lock()
        self.log_threads: dict[str, threading.Thread] = {}
        self.stop = threading.Event()

    # -------------------------------------------------------------- output

    def _header(self, wf: dict[str, Any]) -> str:
        st = wf.get("status") or {}
        phase = st.get("phase") or "Pending"
        col = SYMBOLS.get(phase, ("", "", "bold"))[2]
        parts = [f"{self.name}", style(phase, col, self.color)]
        if st.get("progress"):
            parts.append(f"progress {st['progress']}")
        took = duration(st.get("startedAt"), st.get("finishedAt"))
        if took:
            parts.append(took)
        if st.get("message"):
            parts.append(st["message"])
        return "  ".join(parts)

    def render(self, wf: dict[str, Any], final: bool = False) -> None:
        with self.lock:
            if self.tty:
                lines = [self._header(wf), *node_lines(wf, self.unicode, self.color)]
                if self.drawn:
                    self.out.write(f"\x1b[{self.drawn}F\x1b[J")
                self.out.write("\n".join(lines) + "\n")
                self.drawn = len(lines)
                self.out.flush()
                return
            st = wf.get("status") or {}
            key = (st.get("phase"), st.get("progress"))
            if key != self.last_key:
                self.out.write(self._header(wf) + "\n")
                self.last_key = key
            for nid, n in ((wf.get("status") or {}).get("nodes") or {}).items():
                phase = n.get("phase") or "Pending"
                if n.get("type") in HIDDEN_TYPES or self.node_phases.get(nid) == phase:
                    continue
                self.node_phases[nid] = phase
                sym, ascii_sym, col = SYMBOLS.get(phase, ("?", "?", "dim"))
                took = duration(n.get("startedAt"), n.get("finishedAt"))
                msg = f"  {n['message']}" if n.get("message") else ""
                label = n.get("displayName") or n.get("name") or nid
                self.out.write(
                    f"  {style(sym if self.unicode else ascii_sym, col, self.color)} {label}  {phase}"
                    f"{('  ' + took) if took else ''}{msg}\n"
                )
            if final:
                self.out.write("\n".join(node_lines(wf, self.unicode, self.color)) + "\n")
            self.out.flush()

    def finish(self, wf: dict[str, Any]) -> int:
        phase = (wf.get("status") or {}).get("phase")
        self.render(wf, final=True)
        self.stop.set()
        if phase == "Succeeded":
            return EXIT_OK
        failed = failed_nodes(wf)
        self.out.write(
            f"workflow {self.name} {phase}"
            + (f": {wf['status'].get('message')}" if wf["status"].get("message") else "")
            + "\n"
        )
        for label, message in failed:
            self.out.write(f"  failed: {label}" + (f": {message}" if message else "") + "\n")
        self.out.flush()
        return EXIT_FINDINGS

    # -------------------------------------------------------------- logs

    def _follow_logs(self) -> None:
        while not self.stop.is_set():
            try:
                pods = self.kube.pods(self.ns, f"workflows.argoproj.io/workflow={self.name}")
            except ClusterError:
                pods = []
            for pod in pods:
                pname = pod["metadata"]["name"]
                if pname in self.log_threads or (pod.get("status") or {}).get("phase") == "Pending":
                    continue
                node = (pod["metadata"].get("annotations") or {}).get("workflows.argoproj.io/node-name", pname)
                label = node.split(".")[-1] if "." in node else node
                t = threading.Thread(target=self._stream_pod, args=(pname, label), daemon=True)
                self.log_threads[pname] = t
                t.start()
            self.stop.wait(1.0)

    def _stream_pod(self, pod: str, label: str) -> None:
        try:
            for line in self.kube.pod_log_stream(self.ns, pod):
                with self.lock:
                    self.out.write(f"{style(label, 'cyan', self.color)}: {line}\n")
                    self.out.flush()
                if self.stop.is_set():
                    return
        except Exception as exc:  # noqa: BLE001 - logs are best effort
            with self.lock:
                self.out.write(f"{label}: (logs unavailable: {exc})\n")

    # -------------------------------------------------------------- the loop

    def run(self) -> int:
        try:
            return self._run()
        except KeyboardInterrupt:
            self.stop.set()
            self.out.write(f"\nstopped watching; workflow {self.name} keeps running\n")
            return EXIT_INTERRUPTED
        finally:
            self.stop.set()

    def _run(self) -> int:
        start = time.monotonic()
        if self.timeout is not None:
            self.kube.deadline = start + self.timeout  # no call may outlive --timeout, whatever the server does
        try:
            return self._follow(start)
        except DeadlineReached:
            return self._timed_out()

    def _pause(self, failures: int, start: float) -> None:
        wait = min(0.2 * 2**failures, 5)
        if self.timeout is not None:
            wait = max(0.0, min(wait, self.timeout - (time.monotonic() - start)))
        time.sleep(wait)

    def _follow(self, start: float) -> int:
        wf = self.kube.get("Workflow", self.name, self.ns)
        if wf is None:
            raise ClusterError(f"workflow {self.name!r} not found in namespace {self.ns!r}")
        self.render(wf)
        if (wf.get("status") or {}).get("phase") in FINISHED:
            return self.finish(wf)
        if self.logs:
            threading.Thread(target=self._follow_logs, daemon=True).start()
        rv = wf["metadata"].get("resourceVersion") or ""
        failures = 0
        while True:
            remaining = None if self.timeout is None else self.timeout - (time.monotonic() - start)
            if remaining is not None and remaining <= 0:
                return self._timed_out()
            window = max(1, math.ceil(min(remaining if remaining is not None else 300, 300)))
            try:
                for event in self.kube.watch_stream("Workflow", self.name, self.ns, rv, window):
                    etype, obj = event.get("type"), event.get("object") or {}
                    if etype == "ERROR":
                        if obj.get("code") == 410:  # our resourceVersion was compacted away: re-list
                            wf = self.kube.get("Workflow", self.name, self.ns)
                            if wf is None:
                                return self._deleted()
                            rv = wf["metadata"].get("resourceVersion") or ""
                            self.render(wf)
                            if (wf.get("status") or {}).get("phase") in FINISHED:
                                return self.finish(wf)
                            break
                        raise ClusterError(f"watch {self.name}: {obj.get('message')} (HTTP {obj.get('code')})")
                    rv = (obj.get("metadata") or {}).get("resourceVersion") or rv
                    if etype == "BOOKMARK":
                        continue
                    if etype == "DELETED":
                        return self._deleted()
                    wf = obj
                    failures = 0
                    self.render(wf)
                    if (wf.get("status") or {}).get("phase") in FINISHED:
                        return self.finish(wf)
                    if self.timeout is not None and time.monotonic() - start > self.timeout:
                        return self._timed_out()
            except DeadlineReached:
                raise
            except ClusterError:
                failures += 1
                if failures >= MAX_FAILURES:
                    raise
                self._pause(failures, start)
            except Exception as exc:  # a stream cut or gone quiet (urllib3 ProtocolError, ReadTimeoutError...)
                if exc.__class__.__module__.split(".")[0] not in ("urllib3", "http", "json", "socket", "ssl"):
                    raise
                failures += 1
                if failures >= MAX_FAILURES:
                    raise ClusterError(self.kube.scrub(f"watch {self.name}: the stream keeps failing: {exc}")) from None
                self._pause(failures, start)

    def _deleted(self) -> int:
        self.stop.set()
        self.out.write(f"workflow {self.name} was deleted while being watched\n")
        return EXIT_FINDINGS

    def _timed_out(self) -> int:
        self.stop.set()
        self.kube.deadline = None  # asking the workflow to stop gets its own --request-timeout
        if self.last_key is None and not self.drawn:  # the API server never answered the first read
            self.out.write(f"timeout reached: no answer from the API server about workflow {self.name}\n")
        elif self.stop_on_timeout:
            self.kube.merge_patch("Workflow", self.name, {"spec": {"shutdown": "Stop"}}, self.ns)
            self.out.write(f"timeout reached: asked workflow {self.name} to stop\n")
        else:
            self.out.write(f"timeout reached: workflow {self.name} is still running\n")
        return EXIT_TIMEOUT


__all__ = ["EXIT_CLUSTER", "Watcher", "duration", "failed_nodes", "node_lines"]

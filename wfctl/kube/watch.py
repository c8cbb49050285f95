"""Following Workflows to the end, any number at once: one list, then one watch stream per
namespace (label selector for `-l`, field selector for a single name, else the namespace's
workflows filtered here), each in a thread feeding one queue. The main thread owns the WatchSet
(watchstate.py) and the view (watchview.py) and enforces --timeout for the whole set and
--fail-fast. Streams resume after a cut from the last resourceVersion and relist after 410 Gone;
every call stays bounded by --request-timeout and the overall deadline."""

from __future__ import annotations

import math
import queue
import sys
import threading
import time
from typing import IO, Any

from wfctl import interrupt
from wfctl.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_TIMEOUT, ClusterError, InputError
from wfctl.kube.client import ApiError, DeadlineReached, Kube
from wfctl.kube.watchstate import Tracked, WatchSet
from wfctl.kube.watchview import WatchView

MAX_FAILURES = 8
WINDOW = 300  # longest single watch request (server-side timeoutSeconds)
STREAM_ERRORS = ("urllib3", "http", "json", "socket", "ssl")


class Refused(ClusterError):
    """The API server refused the watch itself (4xx): not retried."""


class Stream(threading.Thread):
    """The one watch of a namespace; puts (kind, namespace, payload) on `events`:
    ("event", ns, {type, object}), ("sync", ns, [items]) after 410 Gone, ("error", ns, message)."""

    def __init__(
        self,
        kube: Kube,
        namespace: str,
        resource_version: str,
        events: queue.Queue[tuple[str, str, Any]],
        stop: threading.Event,
        *,
        label_selector: str | None,
        field_selector: str | None,
    ) -> None:
        super().__init__(daemon=True, name=f"wfctl-watch-{namespace}")
        self.kube, self.ns, self.rv = kube, namespace, resource_version
        self.events, self.stop = events, stop
        self.selectors = {"label_selector": label_selector, "field_selector": field_selector}

    def run(self) -> None:
        try:
            self._follow()
        except DeadlineReached:
            return  # the main thread reports the timeout
        except ClusterError as exc:
            self.events.put(("error", self.ns, exc.format_message()))
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback from a thread
            self.events.put(("error", self.ns, self.kube.scrub(f"watch in namespace {self.ns}: {exc}")))

    def _window(self) -> int:
        limit = float(WINDOW)
        if self.kube.deadline is not None:
            limit = min(limit, self.kube.deadline - time.monotonic())
        if self.kube.timeout:  # the server closes a quiet stream before our read timeout fires
            limit = min(limit, self.kube.timeout - 2)
        return max(1, math.ceil(limit))

    def _pause(self, failures: int) -> None:
        wait = min(0.2 * 2**failures, 5)
        if self.kube.deadline is not None:
            wait = max(0.0, min(wait, self.kube.deadline - time.monotonic()))
        self.stop.wait(wait)

    def _relist(self) -> None:
        items, self.rv = self.kube.list_objects("Workflow", self.ns, **self.selectors)
        self.events.put(("sync", self.ns, items))

    def _follow(self) -> None:
        failures = 0
        while not self.stop.is_set():
            opened = time.monotonic()
            received = 0
            try:
                for event in self.kube.watch_list("Workflow", self.ns, self.rv, self._window(), **self.selectors):
                    if self.stop.is_set():
                        return
                    etype, obj = event.get("type"), event.get("object") or {}
                    if etype == "ERROR":
                        if obj.get("code") == 410:  # our resourceVersion was compacted away: list again
                            self._relist()
                            break
                        code = obj.get("code")
                        message = f"watch in namespace {self.ns}: {obj.get('message')} (HTTP {code})"
                        if isinstance(code, int) and 400 <= code < 500 and code != 429:
                            raise Refused(message)  # forbidden, bad selector...: asking again will not help
                        raise ClusterError(message)
                    self.rv = (obj.get("metadata") or {}).get("resourceVersion") or self.rv
                    received += 1
                    failures = 0
                    if etype != "BOOKMARK":
                        self.events.put(("event", self.ns, event))
                if not received and time.monotonic() - opened < 1:
                    self.stop.wait(0.2)  # a server that closes at once must not make us spin
            except (DeadlineReached, Refused):
                raise
            except ApiError as exc:
                failures += 1
                if exc.refused or failures >= MAX_FAILURES:  # e.g. allowed to list but not to watch: 403
                    raise
                self._pause(failures)
            except ClusterError:
                failures += 1
                if failures >= MAX_FAILURES:
                    raise
                self._pause(failures)
            except Exception as exc:  # a stream cut or gone quiet (urllib3 ProtocolError, ReadTimeoutError...)
                if exc.__class__.__module__.split(".")[0] not in STREAM_ERRORS:
                    raise
                failures += 1
                if failures >= MAX_FAILURES:
                    raise ClusterError(
                        self.kube.scrub(f"watch in namespace {self.ns}: the stream keeps failing: {exc}")
                    ) from None
                self._pause(failures)


class MultiWatcher:
    """Watch a set of Workflows (names, or a label selector) until all finish; `run()` returns the
    exit code: the worst outcome (1 Failed/Error/deleted, 3 API error, 4 --timeout)."""

    def __init__(
        self,
        kube: Kube,
        workflows: list[tuple[str, str]] | None = None,
        *,
        selector: str | None = None,
        namespace: str | None = None,
        out: IO[str] | None = None,
        err: IO[str] | None = None,
        tty: bool = False,
        color: bool = False,
        timeout: float | None = None,
        fail_fast: bool = False,
        logs: bool = False,
        stop_on_timeout: bool = False,
        height: int | None = None,
    ) -> None:
        self.kube = kube
        self.requested = list(dict.fromkeys(workflows or []))  # (name, namespace)
        self.selector = selector
        self.selector_ns: str = namespace or kube.namespace or "default"
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.timeout, self.fail_fast, self.logs, self.stop_on_timeout = timeout, fail_fast, logs, stop_on_timeout
        self.wset = WatchSet((ns, name) for name, ns in self.requested)
        self.lock = threading.Lock()
        self.view = WatchView(self.wset, self.out, tty=tty and not logs, color=color, height=height, lock=self.lock)
        self.events: queue.Queue[tuple[str, str, Any]] = queue.Queue()
        self.stop = threading.Event()
        self.streams: list[Stream] = []
        self.resource_versions: dict[str, str] = {}
        self.answered = False

    # ------------------------------------------------------------------ entry

    def run(self) -> int:
        try:
            return self._run()
        except KeyboardInterrupt:
            self.stop.set()
            running = self.wset.unfinished()
            if len(running) == 1:
                self.view.note(f"\nstopped watching; workflow {running[0].name} keeps running")
            else:
                self.view.note(f"\nstopped watching; {len(running)} workflows keep running")
            return EXIT_INTERRUPTED
        finally:
            self.stop.set()

    def _run(self) -> int:
        start = time.monotonic()
        if self.timeout is not None:
            self.kube.deadline = start + self.timeout  # no call may outlive --timeout, whatever the server does
        try:
            self._list()
        except DeadlineReached:
            return self._timed_out()
        if not len(self.wset):
            return EXIT_OK
        self.view.update()
        if self.logs:
            from wfctl.kube.podlogs import PodLogs  # noqa: PLC0415

            PodLogs(self.kube, self.wset, self.out, self.lock, self.stop, color=self.view.color).start()
        if not self.wset.done():
            for ns in self.wset.namespaces():
                stream = Stream(
                    self.kube, ns, self.resource_versions[ns], self.events, self.stop, **self._selectors(ns)
                )
                self.streams.append(stream)
                stream.start()
        return self._loop(start)

    # ------------------------------------------------------------------ listing

    def _selectors(self, ns: str) -> dict[str, str | None]:
        if self.selector is not None:
            return {"label_selector": self.selector, "field_selector": None}
        names = self.wset.names_in(ns)
        return {"label_selector": None, "field_selector": f"metadata.name={names[0]}" if len(names) == 1 else None}

    def _list(self) -> None:
        """The starting point: each namespace listed once (what to watch, and from which version)."""
        if self.selector is not None:
            items, rv = self.kube.list_objects("Workflow", self.selector_ns, label_selector=self.selector)
            self.answered = True
            if not items:
                raise InputError(f"no Workflow in namespace {self.selector_ns!r} matches -l {self.selector!r}")
            for wf in items:
                self.wset.add(self.selector_ns, wf["metadata"]["name"], wf)
            self.resource_versions[self.selector_ns] = rv
            return
        missing = []
        for ns in self.wset.namespaces():
            items, rv = self.kube.list_objects("Workflow", ns, **self._selectors(ns))
            self.answered = True
            self.resource_versions[ns] = rv
            found = {wf["metadata"]["name"]: wf for wf in items}
            for name in self.wset.names_in(ns):
                if name in found:
                    self.wset.observe(ns, found[name])
                else:
                    missing.append((name, ns))
        if missing:
            shown = ", ".join(f"{name!r}" for name, _ in missing[:10]) + (" ..." if len(missing) > 10 else "")
            where = ", ".join(sorted({ns for _, ns in missing}))
            raise ClusterError(f"workflow {shown} not found in namespace {where!r}")

    # ------------------------------------------------------------------ the loop

    def _loop(self, start: float) -> int:
        timed_out = stopped_early = False
        while not self.wset.done():
            interrupt.check()  # wakes at least once a second
            if self.fail_fast and self.wset.failures():
                stopped_early = True
                break
            remaining = None if self.timeout is None else self.timeout - (time.monotonic() - start)
            if remaining is not None and remaining <= 0:
                timed_out = True
                break
            try:
                item = self.events.get(timeout=1.0 if remaining is None else max(0.01, min(1.0, remaining)))
            except queue.Empty:
                self.view.tick()
                continue
            batch = [item]
            while True:
                try:
                    batch.append(self.events.get_nowait())
                except queue.Empty:
                    break
            changed: list[Tracked] = []
            for kind, ns, payload in batch:
                changed += self._apply(kind, ns, payload)
            if changed:
                self.view.update(list(dict.fromkeys(changed)))
        self.stop.set()
        self.kube.deadline = None  # what follows (stop requests) gets its own --request-timeout
        self.view.update()
        self.view.final()
        if timed_out:
            self._report_timeout()
        if stopped_early:
            running = self.wset.unfinished()
            self.view.note(
                f"stopped watching at the first failure (--fail-fast); {len(running)} workflow"
                f"{'' if len(running) == 1 else 's'} still running" + (f": {_names(running)}" if running else "")
            )
        return self.wset.exit_code(timed_out=timed_out)

    def _apply(self, kind: str, ns: str, payload: Any) -> list[Tracked]:
        if kind == "sync":
            return self.wset.resync(ns, payload)
        if kind == "error":
            with self.lock:
                self.err.write(f"wfctl: error: {payload}\n")
                self.err.flush()
            return self.wset.api_error(ns, "API error")
        etype, obj = payload.get("type"), payload.get("object") or {}
        if etype == "DELETED":
            t = self.wset.deleted(ns, str((obj.get("metadata") or {}).get("name")))
        else:
            t = self.wset.observe(ns, obj)
        return [] if t is None else [t]

    # ------------------------------------------------------------------ timeout

    def _timed_out(self) -> int:
        """--timeout before the first answer: nothing is known."""
        self.stop.set()
        self.kube.deadline = None
        what = ", ".join(name for name, _ in self.requested) or f"-l {self.selector}"
        self.view.note(f"timeout reached: no answer from the API server about workflow {what}")
        return EXIT_TIMEOUT

    def _report_timeout(self) -> None:
        running = self.wset.unfinished()
        if self.stop_on_timeout:
            for t in running:
                self.kube.merge_patch("Workflow", t.name, {"spec": {"shutdown": "Stop"}}, t.namespace)
        if len(running) == 1 and len(self.wset) == 1:
            t = running[0]
            verb = "asked workflow {} to stop" if self.stop_on_timeout else "workflow {} is still running"
            self.view.note("timeout reached: " + verb.format(t.name))
            return
        self.view.note(
            f"timeout reached: {len(running)} workflow{'' if len(running) == 1 else 's'} still running"
            + (" (asked to stop)" if self.stop_on_timeout else "")
            + f": {_names(running)}"
        )


def _names(items: list[Tracked], limit: int = 10) -> str:
    shown = ", ".join(t.name for t in items[:limit])
    return shown + (f" ... and {len(items) - limit} more" if len(items) > limit else "")

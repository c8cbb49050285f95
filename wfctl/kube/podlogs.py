"""`--logs` for watched Workflows: once a second, one pod list per namespace; each new pod's log is
followed in its own thread and written line by line, prefixed by its node name (and by the
workflow's name when several are watched). Best effort: a log that cannot be read says so once."""

from __future__ import annotations

import threading
from typing import IO

from wfctl.errors import ClusterError
from wfctl.kube.client import Kube
from wfctl.kube.watchstate import WatchSet
from wfctl.term import style

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
NODE_ANNOTATION = "workflows.argoproj.io/node-name"


class PodLogs(threading.Thread):
    def __init__(
        self, kube: Kube, wset: WatchSet, out: IO[str], lock: threading.Lock, stop: threading.Event, color: bool
    ) -> None:
        super().__init__(daemon=True, name="wfctl-pod-logs")
        self.kube, self.wset, self.out, self.lock, self.stop, self.color = kube, wset, out, lock, stop, color
        self.following: set[tuple[str, str]] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            for ns in self.wset.namespaces():
                self._poll(ns)
            self.stop.wait(1.0)

    def _poll(self, ns: str) -> None:
        names = self.wset.names_in(ns)
        selector = f"{WORKFLOW_LABEL}={names[0]}" if len(names) == 1 else WORKFLOW_LABEL
        try:
            pods = self.kube.pods(ns, selector)
        except ClusterError:
            return
        for pod in pods:
            meta = pod.get("metadata") or {}
            key = (ns, str(meta.get("name")))
            workflow = (meta.get("labels") or {}).get(WORKFLOW_LABEL)
            if key in self.following or workflow not in names or (pod.get("status") or {}).get("phase") == "Pending":
                continue
            node = (meta.get("annotations") or {}).get(NODE_ANNOTATION, key[1])
            label = node.split(".")[-1] if "." in node else node
            if len(self.wset) > 1:
                label = f"{workflow}/{label}"
            self.following.add(key)
            threading.Thread(target=self._stream, args=(ns, key[1], label), daemon=True).start()

    def _stream(self, ns: str, pod: str, label: str) -> None:
        try:
            for line in self.kube.pod_log_stream(ns, pod):
                with self.lock:
                    self.out.write(f"{style(label, 'cyan', self.color)}: {line}\n")
                    self.out.flush()
                if self.stop.is_set():
                    return
        except Exception as exc:  # noqa: BLE001 - logs are best effort
            with self.lock:
                self.out.write(f"{label}: (logs unavailable: {exc})\n")

"""A small Kubernetes API server for tests: the HTTP the `kubernetes` client speaks, on 127.0.0.1.

It serves the four Argo kinds (get, list and watch with label selectors (equality and set-based,
parsed as the API server does) and field selectors (metadata.name, metadata.namespace), create,
server-side apply with field managers and 409 conflicts, merge patch, delete, dryRun=All), chunked
watch streams with resourceVersions (410 Gone for a compacted version), pods and their logs, and
bearer-token auth (`nobody` gets 403). Faults on demand: cut a watch stream after N events, answer
410 to the next watch, an ERROR event with any code (`error_next_watch`), fail the next requests with
5xx, slow every response, a watch that sends its headers and then nothing (`stall_watch`), and
`Blackhole`: a listener that accepts connections and never answers.
Tests play Argo's controller by writing a Workflow's status through `set_status`.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from wfctl.kube.selector import parse as parse_selector

PLURALS = {
    "workflows": "Workflow",
    "workflowtemplates": "WorkflowTemplate",
    "clusterworkflowtemplates": "ClusterWorkflowTemplate",
    "cronworkflows": "CronWorkflow",
}
_ARGO = re.compile(
    r"^/apis/argoproj\.io/v1alpha1/(?:namespaces/(?P<ns>[^/]+)/)?(?P<plural>[a-z]+)(?:/(?P<name>[^/]+))?$"
)
_PODS = re.compile(r"^/api/v1/namespaces/(?P<ns>[^/]+)/pods(?:/(?P<name>[^/]+)(?P<log>/log)?)?$")


def truthy(value: str | None) -> bool:
    """Query booleans as the API server reads them (Go's ParseBool: true, True, 1...)."""
    return (value or "").lower() in ("1", "t", "true")


def _fields(q: dict[str, str]) -> dict[str, str]:
    return dict(p.split("=", 1) for p in q.get("fieldSelector", "").split(",") if "=" in p)


def matches(obj: dict[str, Any], q: dict[str, str]) -> bool:
    """Whether `obj` is selected by the labelSelector and fieldSelector of query `q`."""
    meta = obj.get("metadata") or {}
    text = q.get("labelSelector")
    if text and not parse_selector(text).matches(meta.get("labels") or {}):
        return False
    fields = _fields(q)
    if "metadata.name" in fields and meta.get("name") != fields["metadata.name"]:
        return False
    return not ("metadata.namespace" in fields and meta.get("namespace") != fields["metadata.namespace"])


def status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class State:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self.rv = 100
        self.oldest_rv = 0  # watches from before this get 410 Gone
        self.pods: dict[tuple[str, str], dict[str, Any]] = {}
        self.logs: dict[tuple[str, str], list[str]] = {}
        # fault injection
        self.cut_watch_after: int | None = None
        self.gone_next_watch = False
        self.error_next_watch: int | None = None  # the next watch gets an ERROR event with this code
        self.fail_next: list[int] = []
        self.delay = 0.0
        self.requests: list[tuple[str, str]] = []
        self.watch_timeout_cap: float | None = None
        self.stall_watch = False  # watches answer 200 and then never send a byte
        self.closing = threading.Event()

    def bump(self) -> str:
        self.rv += 1
        return str(self.rv)

    def record(self, kind: str, obj: dict[str, Any]) -> None:
        self.events.append((int(obj["metadata"]["resourceVersion"]), kind, copy.deepcopy(obj)))
        self.lock.notify_all()


def kubeconfig_text(url: str, namespace: str = "argo", admin: str = "token: admin-token") -> str:
    """A kubeconfig for `url`: context `test` (user admin, whose credentials are `admin`) and
    `test-nobody` (every request is 403)."""
    return f"""apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: {{server: "{url}"}}
users:
  - name: admin
    user: {{{admin}}}
  - name: nobody
    user: {{token: nobody-token}}
contexts:
  - name: test
    context: {{cluster: test, user: admin, namespace: {namespace}}}
  - name: test-nobody
    context: {{cluster: test, user: nobody, namespace: {namespace}}}
current-context: test
"""


class Blackhole:
    """A listener that accepts connections and never answers: an API server that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.accepted = 0
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.conns.append(conn)

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.sock.getsockname()[1]}"

    def stop(self) -> None:
        for conn in [self.sock, *self.conns]:
            with contextlib.suppress(OSError):
                conn.close()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return  # a client that went away (a finished wfctl run's pooled connection): not a server error
        super().handle_error(request, client_address)


class KubeServer:
    """Start with `KubeServer().start()`; `url`, `kubeconfig(path)`, and the state helpers."""

    def __init__(self) -> None:
        self.state = State()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = _HTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> KubeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.state.closing.set()
        with self.state.lock:
            self.state.lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def kubeconfig(self, path: Any, namespace: str = "argo", admin: str = "token: admin-token") -> str:
        path.write_text(kubeconfig_text(self.url, namespace, admin))
        return str(path)

    # -------------------------------------------------------------- helpers for tests

    def get(self, plural: str, name: str, ns: str = "argo") -> dict[str, Any] | None:
        with self.state.lock:
            obj = self.state.objects.get((plural, "" if plural == "clusterworkflowtemplates" else ns, name))
            return copy.deepcopy(obj)

    def names(self, plural: str) -> list[str]:
        with self.state.lock:
            return sorted(k[2] for k in self.state.objects if k[0] == plural)

    def set_status(self, name: str, status_: dict[str, Any], ns: str = "argo") -> None:
        """Play the controller: write a Workflow's status (emits a MODIFIED event)."""
        with self.state.lock:
            obj = self.state.objects[("workflows", ns, name)]
            obj["status"] = {**obj.get("status", {}), **status_}
            obj["metadata"]["resourceVersion"] = self.state.bump()
            self.state.record("MODIFIED", obj)

    def delete_object(self, plural: str, name: str, ns: str = "argo") -> None:
        with self.state.lock:
            obj = self.state.objects.pop((plural, ns, name))
            obj["metadata"]["resourceVersion"] = self.state.bump()
            self.state.record("DELETED", obj)

    def add_pod(
        self, name: str, workflow: str, node_name: str, lines: list[str], ns: str = "argo", phase: str = "Running"
    ) -> None:
        with self.state.lock:
            self.state.pods[(ns, name)] = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": ns,
                    "labels": {"workflows.argoproj.io/workflow": workflow},
                    "annotations": {"workflows.argoproj.io/node-name": node_name},
                },
                "status": {"phase": phase},
            }
            self.state.logs[(ns, name)] = lines

    def create_workflow(self, name: str, ns: str = "argo", labels: dict[str, str] | None = None) -> None:
        """A Workflow as `apply` would create it (an ADDED event), without going through the CLI."""
        with self.state.lock:
            meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": str(uuid.uuid4()), "generation": 1}
            if labels:
                meta["labels"] = dict(labels)
            obj = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": meta, "spec": {}}
            meta["resourceVersion"] = self.state.bump()
            self.state.objects[("workflows", ns, name)] = obj
            self.state.record("ADDED", obj)

    def watches(self) -> list[str]:
        """The paths of the watch requests made so far."""
        return [p for m, p in list(self.state.requests) if m == "GET" and "watch=true" in p.lower()]

    def lists(self) -> list[str]:
        """The paths of the Workflow list requests (not watches) made so far."""
        return [
            p
            for m, p in list(self.state.requests)
            if m == "GET" and "watch=true" not in p.lower() and urlparse(p).path.endswith("/workflows")
        ]

    def compact(self) -> None:
        """Forget history: watches from any earlier resourceVersion get 410 Gone."""
        with self.state.lock:
            self.state.oldest_rv = self.state.rv


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:
        pass

    # -------------------------------------------------------------- plumbing

    def _send(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        ctype = self.headers.get("Content-Type", "")
        if "yaml" in ctype:
            from ruamel.yaml import YAML

            return YAML(typ="safe").load(raw)
        return json.loads(raw)

    def _guard(self) -> bool:
        st = self.state
        st.requests.append((self.command, self.path))
        if st.delay:
            time.sleep(st.delay)
        if self.headers.get("Authorization") == "Bearer nobody-token":
            url = urlparse(self.path)
            self._send(
                403,
                status(
                    403,
                    "Forbidden",
                    f'{url.path} is forbidden: User "nobody" cannot {self.command.lower()}'
                    ' resource in API group "argoproj.io"',
                ),
            )
            return False
        if st.fail_next:
            code = st.fail_next.pop(0)
            self._send(code, status(code, "InternalError", "injected failure"))
            return False
        return True

    def do_GET(self) -> None:
        if not self._guard():
            return
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/version":
            self._send(200, {"major": "1", "minor": "20", "gitVersion": "v1.20.0-wfctl-test"})
            return
        pods = _PODS.match(url.path)
        if pods:
            self._pods(pods.group("ns"), pods.group("name"), bool(pods.group("log")), q)
            return
        m = _ARGO.match(url.path)
        if not m or m.group("plural") not in PLURALS:
            self._send(404, status(404, "NotFound", f"the server could not find the requested resource ({url.path})"))
            return
        plural, ns, name = m.group("plural"), m.group("ns") or "", m.group("name")
        if name:
            with self.state.lock:
                obj = self.state.objects.get((plural, ns, name))
            if obj is None:
                self._send(404, status(404, "NotFound", f'{plural}.argoproj.io "{name}" not found'))
            else:
                self._send(200, obj)
            return
        try:
            if q.get("labelSelector"):
                parse_selector(q["labelSelector"])
        except ValueError as exc:
            self._send(400, status(400, "BadRequest", f"unable to parse requirement: {exc}"))
            return
        if truthy(q.get("watch")):
            self._watch(plural, ns, q)
            return
        items = self._select(plural, ns, q)
        self._send(
            200,
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": PLURALS[plural] + "List",
                "metadata": {"resourceVersion": str(self.state.rv)},
                "items": items,
            },
        )

    def _select(self, plural: str, ns: str, q: dict[str, str]) -> list[dict[str, Any]]:
        with self.state.lock:
            items = [
                copy.deepcopy(o)
                for (p, n, _), o in sorted(self.state.objects.items())
                if p == plural and (not ns or n == ns)
            ]
        return [o for o in items if matches(o, q)]

    def _watch(self, plural: str, ns: str, q: dict[str, str]) -> None:
        st = self.state
        since = int(q.get("resourceVersion") or 0)
        timeout = float(q.get("timeoutSeconds") or 60)
        if st.watch_timeout_cap is not None:
            timeout = min(timeout, st.watch_timeout_cap)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(obj: dict[str, Any]) -> None:
            data = (json.dumps(obj) + "\n").encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        try:
            if st.stall_watch:  # headers sent; then silence, whatever timeoutSeconds said
                st.closing.wait(timeout=600)
                self.close_connection = True
                return
            if st.error_next_watch:
                code, st.error_next_watch = st.error_next_watch, None
                chunk({"type": "ERROR", "object": status(code, "Forbidden", "injected watch error")})
                return
            if st.gone_next_watch or (since and since < st.oldest_rv):
                st.gone_next_watch = False
                chunk({"type": "ERROR", "object": status(410, "Expired", f"too old resource version: {since}")})
                return
            sent = 0
            deadline = time.monotonic() + timeout
            position = since
            while time.monotonic() < deadline and not st.closing.is_set():
                with st.lock:
                    pending = [
                        (rv, t, o)
                        for rv, t, o in st.events
                        if rv > position
                        and o["kind"] == PLURALS[plural]
                        and (not ns or o["metadata"].get("namespace", "") == ns)
                        and matches(o, q)
                    ]
                    if not pending:
                        st.lock.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
                        continue
                for rv, etype, obj in pending:
                    position = rv
                    chunk({"type": etype, "object": obj})
                    sent += 1
                    if st.cut_watch_after is not None and sent >= st.cut_watch_after:
                        st.cut_watch_after = None
                        self.close_connection = True
                        return  # cut mid-stream, without the closing chunk
        except (BrokenPipeError, ConnectionResetError):  # the client went away: nothing to tell it
            self.close_connection = True
        finally:
            try:
                if not self.close_connection:
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
            except OSError:
                pass

    def _pods(self, ns: str, name: str | None, log: bool, q: dict[str, str]) -> None:
        st = self.state
        if name and log:
            with st.lock:
                lines = st.logs.get((ns, name))
            if lines is None:
                self._send(404, status(404, "NotFound", f'pods "{name}" not found'))
                return
            data = "".join(line + "\n" for line in lines).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        selector = dict(p.split("=", 1) for p in q.get("labelSelector", "").split(",") if "=" in p)
        with st.lock:
            items = [
                p
                for (n, _), p in st.pods.items()
                if n == ns and all(p["metadata"]["labels"].get(k) == v for k, v in selector.items())
            ]
        self._send(
            200, {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": str(st.rv)}, "items": items}
        )

    # -------------------------------------------------------------- writes

    def _begin(self) -> tuple[str, str, str | None, dict[str, str]] | None:
        """Auth, injected faults, then the Argo resource the request names (None: already answered)."""
        return self._target() if self._guard() else None

    def _target(self) -> tuple[str, str, str | None, dict[str, str]] | None:
        url = urlparse(self.path)
        m = _ARGO.match(url.path)
        if not m or m.group("plural") not in PLURALS:
            self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
            return None
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        return m.group("plural"), m.group("ns") or "", m.group("name"), q

    @staticmethod
    def _invalid(plural: str, obj: Any) -> str | None:
        if not isinstance(obj, dict) or obj.get("kind") != PLURALS[plural]:
            return "kind does not match the resource"
        spec = obj.get("spec")
        if spec is not None and not isinstance(spec, dict):
            return (
                f'{PLURALS[plural]}.argoproj.io "{obj.get("metadata", {}).get("name")}" is invalid: spec: Invalid'
                ' value: "string": spec in body must be of type object: "string"'
            )
        templates = (spec or {}).get("templates")
        if templates is not None and not isinstance(templates, list):
            return (
                f'{PLURALS[plural]}.argoproj.io "{obj.get("metadata", {}).get("name")}" is invalid: spec.templates:'
                ' Invalid value: "object": spec.templates in body must be of type array'
            )
        return None

    def do_POST(self) -> None:
        target = self._begin()
        if target is None:
            return
        plural, ns, _, q = target
        obj = self._body()
        problem = self._invalid(plural, obj)
        if problem:
            self._send(422, status(422, "Invalid", problem))
            return
        meta = obj.setdefault("metadata", {})
        st = self.state
        with st.lock:
            if not meta.get("name"):
                if not meta.get("generateName"):
                    self._send(
                        422, status(422, "Invalid", "metadata.name: Required value: name or generateName is required")
                    )
                    return
                meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
            key = (plural, ns, meta["name"])
            if key in st.objects:
                self._send(409, status(409, "AlreadyExists", f'{plural}.argoproj.io "{meta["name"]}" already exists'))
                return
            meta.update(
                {
                    "namespace": ns,
                    "uid": str(uuid.uuid4()),
                    "creationTimestamp": "2026-01-01T00:00:00Z",
                    "generation": 1,
                }
            )
            if q.get("dryRun") == "All":
                meta["resourceVersion"] = ""
                self._send(201, obj)
                return
            meta["resourceVersion"] = st.bump()
            st.objects[key] = obj
            st.record("ADDED", obj)
        self._send(201, obj)

    def do_PATCH(self) -> None:
        target = self._begin()
        if target is None:
            return
        plural, ns, name, q = target
        body = self._body()
        ctype = self.headers.get("Content-Type", "")
        st = self.state
        with st.lock:
            key = (plural, ns, name or "")
            existing = st.objects.get(key)
            if "apply-patch" in ctype:
                problem = self._invalid(plural, body)
                if problem:
                    self._send(422, status(422, "Invalid", problem))
                    return
                manager = q.get("fieldManager")
                if not manager:
                    self._send(422, status(422, "Invalid", "PATCH with apply-patch requires fieldManager"))
                    return
                if existing is None:
                    obj = copy.deepcopy(body)
                    meta = obj.setdefault("metadata", {})
                    meta.update(
                        {
                            "namespace": ns,
                            "uid": str(uuid.uuid4()),
                            "generation": 1,
                            "creationTimestamp": "2026-01-01T00:00:00Z",
                            "managedFields": [{"manager": manager, "operation": "Apply"}],
                        }
                    )
                    if ns == "":
                        meta.pop("namespace")
                    if q.get("dryRun") != "All":
                        meta["resourceVersion"] = st.bump()
                        st.objects[key] = obj
                        st.record("ADDED", obj)
                    self._send(201, obj)
                    return
                owners = [m["manager"] for m in existing["metadata"].get("managedFields", [])]
                changed = existing.get("spec") != body.get("spec") or (existing["metadata"].get("labels") or {}) != (
                    body.get("metadata", {}).get("labels") or {}
                )
                if changed and any(o != manager for o in owners) and not truthy(q.get("force")):
                    other = next(o for o in owners if o != manager)
                    self._send(
                        409,
                        status(
                            409,
                            "Conflict",
                            f'Apply failed with 1 conflict: conflict with "{other}" using argoproj.io/v1alpha1: .spec',
                        ),
                    )
                    return
                obj = copy.deepcopy(existing)
                if changed:
                    obj["spec"] = copy.deepcopy(body.get("spec"))
                    for part in ("labels", "annotations"):
                        if body.get("metadata", {}).get(part) is not None:
                            obj["metadata"][part] = copy.deepcopy(body["metadata"][part])
                    obj["metadata"]["generation"] = obj["metadata"].get("generation", 1) + 1
                    obj["metadata"]["managedFields"] = [{"manager": manager, "operation": "Apply"}] + [
                        m
                        for m in existing["metadata"].get("managedFields", [])
                        if m["manager"] != manager and not truthy(q.get("force"))
                    ]
                    if q.get("dryRun") != "All":
                        obj["metadata"]["resourceVersion"] = st.bump()
                        st.objects[key] = obj
                        st.record("MODIFIED", obj)
                self._send(200, obj)
                return
            if existing is None:
                self._send(404, status(404, "NotFound", f'{plural}.argoproj.io "{name}" not found'))
                return
            obj = copy.deepcopy(existing)
            _merge(obj, body or {})
            obj["metadata"]["resourceVersion"] = st.bump()
            st.objects[key] = obj
            st.record("MODIFIED", obj)
        self._send(200, obj)

    def do_DELETE(self) -> None:
        target = self._begin()
        if target is None:
            return
        plural, ns, name, q = target
        st = self.state
        with st.lock:
            key = (plural, ns, name or "")
            obj = st.objects.get(key)
            if obj is None:
                self._send(404, status(404, "NotFound", f'{plural}.argoproj.io "{name}" not found'))
                return
            if q.get("dryRun") != "All":
                del st.objects[key]
                obj["metadata"]["resourceVersion"] = st.bump()
                st.record("DELETED", obj)
        self._send(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict) and isinstance(target.get(k), dict):
            _merge(target[k], v)
        else:
            target[k] = copy.deepcopy(v)


def query(path: str) -> dict[str, str]:
    """The query parameters of a request path."""
    return {k: v[0] for k, v in parse_qs(urlparse(path).query).items()}


def events(server: KubeServer) -> Iterator[tuple[int, str, dict[str, Any]]]:
    with server.state.lock:
        yield from list(server.state.events)

"""A thin layer over the official `kubernetes` client for the four Argo kinds (and pods).

Connection: `--kubeconfig`, else `$KUBECONFIG` (several files separated by ':' are merged), else
`~/.kube/config`, else the in-cluster service account. API errors become ClusterError (exit 3) with
the API's own message and the resource concerned; idempotent reads are retried with backoff on
connection errors and 5xx answers.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from wfctl.errors import ClusterError

GROUP, VERSION = "argoproj.io", "v1alpha1"
PLURALS = {
    "Workflow": "workflows",
    "WorkflowTemplate": "workflowtemplates",
    "ClusterWorkflowTemplate": "clusterworkflowtemplates",
    "CronWorkflow": "cronworkflows",
}
KIND_ALIASES = {
    "workflow": "Workflow",
    "wf": "Workflow",
    "workflows": "Workflow",
    "workflowtemplate": "WorkflowTemplate",
    "wftmpl": "WorkflowTemplate",
    "workflowtemplates": "WorkflowTemplate",
    "clusterworkflowtemplate": "ClusterWorkflowTemplate",
    "cwftmpl": "ClusterWorkflowTemplate",
    "clusterworkflowtemplates": "ClusterWorkflowTemplate",
    "cronworkflow": "CronWorkflow",
    "cronwf": "CronWorkflow",
    "cronworkflows": "CronWorkflow",
}
T = TypeVar("T")


def resource_name(kind: str, name: str) -> str:
    """kubectl's `plural.group/name` form, e.g. workflowtemplate.argoproj.io/build."""
    return f"{kind.lower()}.{GROUP}/{name}"


@dataclass
class Connection:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    request_timeout: float = 30.0


class Kube:
    """An API session; every method raises ClusterError for API failures."""

    def __init__(self, conn: Connection) -> None:
        try:
            import kubernetes  # noqa: PLC0415 - only commands that talk to a cluster import it
            from kubernetes import client, config  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ClusterError(f"the kubernetes package is not installed: {exc}") from None
        self._k = kubernetes
        self.timeout = conn.request_timeout
        config_file = conn.kubeconfig or os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
        self.namespace = conn.namespace
        files = [f for f in config_file.split(os.pathsep) if f]
        try:
            if any(Path(f).expanduser().exists() for f in files):
                api = config.new_client_from_config(config_file=config_file, context=conn.context)
                if not self.namespace:
                    try:
                        _, active = config.list_kube_config_contexts(config_file)
                        if conn.context:
                            contexts, _ = config.list_kube_config_contexts(config_file)
                            active = next((c for c in contexts if c["name"] == conn.context), active)
                        self.namespace = (active or {}).get("context", {}).get("namespace")
                    except Exception:  # noqa: BLE001 - namespace is optional
                        self.namespace = None
            elif conn.kubeconfig or conn.context:
                raise ClusterError(f"kubeconfig {config_file} not found")
            else:
                config.load_incluster_config()
                api = client.ApiClient()
                if not self.namespace:
                    ns_file = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
                    self.namespace = ns_file.read_text().strip() if ns_file.exists() else None
        except ClusterError:
            raise
        except Exception as exc:  # noqa: BLE001 - ConfigException and friends
            raise ClusterError(f"cannot load the Kubernetes configuration: {exc}") from None
        self.namespace = self.namespace or "default"
        self.api = api
        self.host = api.configuration.host
        self.custom = client.CustomObjectsApi(api)
        self.core = client.CoreV1Api(api)

    # ---------------------------------------------------------------- plumbing

    def _call(self, what: str, fn: Callable[[], T], *, retry: bool = True, attempts: int = 5) -> T:
        from kubernetes.client.exceptions import ApiException  # noqa: PLC0415
        from urllib3.exceptions import HTTPError  # noqa: PLC0415

        delay = 0.2
        for attempt in range(attempts):
            try:
                return fn()
            except ApiException as exc:
                if retry and exc.status is not None and exc.status >= 500 and attempt < attempts - 1:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise ClusterError(f"{what}: {api_message(exc)}") from None
            except HTTPError as exc:
                if retry and attempt < attempts - 1:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise ClusterError(f"{what}: cannot reach the API server at {self.host}: {exc}") from None
        raise ClusterError(f"{what}: gave up")  # pragma: no cover

    @staticmethod
    def _json(resp: Any) -> dict[str, Any]:
        data = resp.data if hasattr(resp, "data") else resp.read()
        return json.loads(data) if data else {}

    def ns(self, kind: str, obj_ns: str | None = None) -> str | None:
        if kind == "ClusterWorkflowTemplate":
            return None
        return obj_ns or self.namespace

    # ---------------------------------------------------------------- objects

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException  # noqa: PLC0415

        ns = self.ns(kind, namespace)
        plural = PLURALS[kind]

        def call() -> Any:
            try:
                if ns is None:
                    return self.custom.get_cluster_custom_object(
                        GROUP, VERSION, plural, name, _preload_content=False, _request_timeout=self.timeout
                    )
                return self.custom.get_namespaced_custom_object(
                    GROUP, VERSION, ns, plural, name, _preload_content=False, _request_timeout=self.timeout
                )
            except ApiException as exc:
                if exc.status == 404:
                    return None
                raise

        resp = self._call(f"get {resource_name(kind, name)}", call)
        return None if resp is None else self._json(resp)

    def server_side_apply(self, obj: dict[str, Any], *, force: bool, dry_run: bool) -> tuple[int, dict[str, Any]]:
        kind, name = obj["kind"], obj["metadata"]["name"]
        ns = self.ns(kind, obj["metadata"].get("namespace"))
        kwargs: dict[str, Any] = {
            "field_manager": "wfctl",
            "force": force,
            "_preload_content": False,
            "_content_type": "application/apply-patch+yaml",
            "_request_timeout": self.timeout,
        }
        if dry_run:
            kwargs["dry_run"] = "All"
        body = json.loads(json.dumps(obj))
        if ns is None:
            fn = lambda: self.custom.patch_cluster_custom_object(GROUP, VERSION, PLURALS[kind], name, body, **kwargs)  # noqa: E731
        else:
            body["metadata"]["namespace"] = ns

            def fn():
                return self.custom.patch_namespaced_custom_object(
                    GROUP,
                    VERSION,
                    ns,
                    PLURALS[kind],
                    name,
                    body,
                    **kwargs,
                )

        resp = self._call(f"apply {resource_name(kind, name)}", fn, retry=True)
        return resp.status, self._json(resp)

    def create(self, obj: dict[str, Any], *, dry_run: bool) -> dict[str, Any]:
        kind = obj["kind"]
        ns = self.ns(kind, obj["metadata"].get("namespace"))
        body = json.loads(json.dumps(obj))
        body["metadata"]["namespace"] = ns
        kwargs: dict[str, Any] = {"field_manager": "wfctl", "_preload_content": False, "_request_timeout": self.timeout}
        if dry_run:
            kwargs["dry_run"] = "All"
        label = resource_name(kind, obj["metadata"].get("name") or obj["metadata"].get("generateName", "") + "*")
        resp = self._call(
            f"create {label}",
            lambda: self.custom.create_namespaced_custom_object(GROUP, VERSION, ns, PLURALS[kind], body, **kwargs),
            retry=False,
        )
        return self._json(resp)

    def delete(self, kind: str, name: str, namespace: str | None = None, *, dry_run: bool = False) -> None:
        ns = self.ns(kind, namespace)
        kwargs: dict[str, Any] = {"_preload_content": False, "_request_timeout": self.timeout}
        if dry_run:
            kwargs["dry_run"] = "All"
        if ns is None:
            fn = lambda: self.custom.delete_cluster_custom_object(GROUP, VERSION, PLURALS[kind], name, **kwargs)  # noqa: E731
        else:
            fn = lambda: self.custom.delete_namespaced_custom_object(GROUP, VERSION, ns, PLURALS[kind], name, **kwargs)  # noqa: E731
        self._call(f"delete {resource_name(kind, name)}", fn)

    def merge_patch(self, kind: str, name: str, patch: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
        ns = self.ns(kind, namespace)
        resp = self._call(
            f"patch {resource_name(kind, name)}",
            lambda: self.custom.patch_namespaced_custom_object(
                GROUP,
                VERSION,
                ns,
                PLURALS[kind],
                name,
                patch,
                _content_type="application/merge-patch+json",
                _preload_content=False,
                _request_timeout=self.timeout,
            ),
        )
        return self._json(resp)

    def list_objects(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[dict[str, Any]], str]:
        ns = self.ns(kind, namespace)
        kwargs: dict[str, Any] = {"_preload_content": False, "_request_timeout": self.timeout}
        if label_selector:
            kwargs["label_selector"] = label_selector
        if field_selector:
            kwargs["field_selector"] = field_selector
        if ns is None:
            fn = lambda: self.custom.list_cluster_custom_object(GROUP, VERSION, PLURALS[kind], **kwargs)  # noqa: E731
        else:
            fn = lambda: self.custom.list_namespaced_custom_object(GROUP, VERSION, ns, PLURALS[kind], **kwargs)  # noqa: E731
        data = self._json(self._call(f"list {PLURALS[kind]}.{GROUP}", fn))
        return list(data.get("items") or []), str((data.get("metadata") or {}).get("resourceVersion") or "")

    def watch_stream(
        self, kind: str, name: str, namespace: str | None, resource_version: str, timeout_seconds: int
    ) -> Iterator[dict[str, Any]]:
        """Raw watch events for one object from `resource_version`; ends when the server closes."""
        ns = self.ns(kind, namespace)
        resp = self._call(
            f"watch {resource_name(kind, name)}",
            lambda: self.custom.list_namespaced_custom_object(
                GROUP,
                VERSION,
                ns,
                PLURALS[kind],
                watch=True,
                resource_version=resource_version,
                field_selector=f"metadata.name={name}",
                timeout_seconds=timeout_seconds,
                allow_watch_bookmarks=True,
                _preload_content=False,
                _request_timeout=(self.timeout, timeout_seconds + 30),
            ),
        )
        for line in _lines(resp, 4096):
            if line.strip():
                yield json.loads(line)

    # ---------------------------------------------------------------- pods

    def pods(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        data = self._json(
            self._call(
                "list pods",
                lambda: self.core.list_namespaced_pod(
                    namespace, label_selector=label_selector, _preload_content=False, _request_timeout=self.timeout
                ),
            )
        )
        return list(data.get("items") or [])

    def pod_log_stream(self, namespace: str, pod: str, container: str = "main") -> Iterator[str]:
        resp = self._call(
            f"logs of pod {pod}",
            lambda: self.core.read_namespaced_pod_log(
                pod, namespace, container=container, follow=True, _preload_content=False
            ),
        )
        for line in _lines(resp, 1024):
            yield line.decode(errors="replace")


def _lines(resp: Any, size: int) -> Iterator[bytes]:
    """Lines of a streamed (chunked) HTTP response as they arrive; the connection is released after."""
    buffer = b""
    try:
        for chunk in resp.stream(size, decode_content=True):
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                yield line
        if buffer:
            yield buffer
    finally:
        resp.release_conn()


def api_message(exc: Any) -> str:
    """The API server's own message, verbatim, with its HTTP status."""
    body = getattr(exc, "body", None)
    try:
        status = json.loads(body) if body else {}
    except (ValueError, TypeError):
        status = {}
    message = status.get("message") if isinstance(status, dict) else None
    return f"{message or (body if isinstance(body, str) and body else exc.reason)} (HTTP {exc.status})"

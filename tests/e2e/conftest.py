"""What the end-to-end tests share: the real API server that WFCTL_E2E_KUBECONFIG names (`.ci/run` starts
../shared/realcluster for it; opt in with `pytest -m e2e`), its namespace, the marks every e2e module
carries (`pytestmark = E2E`), a Python client to look at the cluster behind wfctl's back, and wfctl run
in-process (`k`) or as a process of its own (`wfctl_env`)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import ROOT, run

KUBECONFIG = os.environ.get("WFCTL_E2E_KUBECONFIG")
NS = os.environ.get("WFCTL_E2E_NAMESPACE", "argo")
E2E = [
    pytest.mark.e2e,
    pytest.mark.skipif(not KUBECONFIG, reason="WFCTL_E2E_KUBECONFIG is not set"),
]
GROUP, VERSION = "argoproj.io", "v1alpha1"
NAMESPACED = ("apply", "watch", "submit")  # the commands `k` runs in NS


def wfctl_env(**extra: str) -> dict[str, str]:
    """The environment of a wfctl process: this checkout, the e2e kubeconfig, not in CI mode; `extra` wins."""
    env = {**os.environ, "KUBECONFIG": str(KUBECONFIG), "PYTHONPATH": str(ROOT), **extra}
    env.pop("CI", None)
    return env


@pytest.fixture(scope="session")
def api() -> Any:
    """The kubernetes client's CustomObjectsApi on the e2e cluster."""
    from kubernetes import client, config

    return client.CustomObjectsApi(config.new_client_from_config(config_file=KUBECONFIG))


@pytest.fixture
def k(monkeypatch: pytest.MonkeyPatch) -> Any:
    """wfctl in-process on the e2e cluster; apply, watch and submit run in NS."""
    monkeypatch.setenv("KUBECONFIG", str(KUBECONFIG))
    monkeypatch.delenv("CI", raising=False)
    return lambda *args: run(*args, "-n", NS) if args and args[0] in NAMESPACED else run(*args)


def workflow(name: str, labels: dict[str, str] | None = None) -> str:
    """A one-step Workflow manifest (it never runs: the cluster has no controller; tests play it)."""
    # Values are quoted: a random batch id such as 30844588 would otherwise be a YAML integer.
    pairs = ", ".join(f"{k}: '{v}'" for k, v in (labels or {}).items())
    shown = f"  labels: {{{pairs}}}\n" if labels else ""
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: {name}\n{shown}spec:\n"
        "  entrypoint: main\n  templates:\n"
        "    - name: main\n      container: {image: 'busybox:1.36', command: [echo, hi]}\n"
    )


def set_phase(api: Any, name: str, phase: str, message: str = "") -> None:
    """Play Argo's controller: write a Workflow's status (phase, progress, times, one node)."""
    finished = phase in ("Succeeded", "Failed", "Error")
    node = {"id": name, "name": name, "displayName": name, "type": "Pod", "phase": phase}
    if message:
        node["message"] = message
    body = {
        "status": {
            "phase": phase,
            "startedAt": "2026-01-01T00:00:00Z",
            "progress": "1/1" if finished else "0/1",
            "finishedAt": "2026-01-01T00:00:05Z" if finished else None,
            "message": message or None,
            "nodes": {name: node},
        }
    }
    api.patch_namespaced_custom_object(
        GROUP, VERSION, NS, "workflows", name, body, _content_type="application/merge-patch+json"
    )


def labelled(api: Any, selector: str, plural: str = "workflowtemplates") -> set[str]:
    """The names of the objects in NS that `selector` matches, as the API server selects them."""
    items = api.list_namespaced_custom_object(GROUP, VERSION, NS, plural, label_selector=selector)["items"]
    return {i["metadata"]["name"] for i in items}


def exists(api: Any, name: str, plural: str = "workflowtemplates") -> bool:
    from kubernetes.client.exceptions import ApiException

    try:
        api.get_namespaced_custom_object(GROUP, VERSION, NS, plural, name)
    except ApiException as exc:
        if exc.status == 404:
            return False
        raise
    return True


def delete(api: Any, name: str, plural: str = "workflowtemplates") -> None:
    """Delete `name` from NS if it is there."""
    from kubernetes.client.exceptions import ApiException

    try:
        api.delete_namespaced_custom_object(GROUP, VERSION, NS, plural, name)
    except ApiException as exc:
        if exc.status != 404:
            raise

"""End to end against a real Kubernetes API server with Argo's CRDs (opt in: `pytest -m e2e` with
WFCTL_E2E_KUBECONFIG set; `.ci/run` starts ../shared/realcluster for it). The cluster has no Argo
controller, so the tests play it by patching Workflow status."""

from __future__ import annotations

import json
import threading
import time
import uuid

from tests.conftest import FIXTURES, run
from tests.e2e.conftest import E2E, NS, exists, labelled, set_phase, workflow

pytestmark = E2E


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def wft(name: str, value: str = "a", labels: str = "") -> str:
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n{labels}"
        f"spec:\n  arguments:\n    parameters: [{{name: p, value: {value}}}]\n  templates:\n"
        "    - name: t\n      suspend: {}\n"
    )


def set_status(api, name: str, *steps: tuple[str, float]) -> threading.Thread:
    """Each `(phase, delay)` step is `set_phase` after `delay` more seconds, in order, in one thread (while
    wfctl watches): two threads could write the phases in the wrong order on a loaded machine."""

    def go() -> None:
        for phase, delay in steps:
            time.sleep(delay)
            set_phase(api, name, phase, "exit code 1" if phase == "Failed" else "")

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


def test_apply_twice_then_unchanged(k, tmp_path):
    name = unique("e2e-wft")
    f = tmp_path / "t.yaml"
    f.write_text(wft(name))
    assert f"workflowtemplate.argoproj.io/{name} created" in k("apply", "-f", str(f)).stdout
    assert f"workflowtemplate.argoproj.io/{name} unchanged" in k("apply", "-f", str(f)).stdout
    f.write_text(wft(name, "b"))
    assert f"workflowtemplate.argoproj.io/{name} configured" in k("apply", "-f", str(f)).stdout


def test_server_dry_run_stores_nothing(k, api, tmp_path):
    name = unique("e2e-dry")
    f = tmp_path / "t.yaml"
    f.write_text(wft(name))
    result = k("apply", "-f", str(f), "--dry-run=server")
    assert result.exit_code == 0 and "(server dry run)" in result.stdout
    assert not exists(api, name)


def test_conflict_and_force(k, api, tmp_path):
    name = unique("e2e-conflict")
    f = tmp_path / "t.yaml"
    f.write_text(wft(name))
    assert k("apply", "-f", str(f)).exit_code == 0
    body = json.loads(
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "WorkflowTemplate",
                "metadata": {"name": name, "namespace": NS},
                "spec": {"arguments": {"parameters": [{"name": "p", "value": "theirs"}]}},
            }
        )
    )
    api.patch_namespaced_custom_object(
        "argoproj.io",
        "v1alpha1",
        NS,
        "workflowtemplates",
        name,
        body,
        field_manager="someone-else",
        force=True,
        _content_type="application/apply-patch+yaml",
    )
    f.write_text(wft(name, "mine"))
    result = k("apply", "-f", str(f))
    assert result.exit_code == 3 and "conflict" in result.stderr.lower() and "someone-else" in result.stderr
    assert k("apply", "-f", str(f), "--force-conflicts").exit_code == 0


def test_forbidden(k, tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(wft(unique("e2e-403")))
    result = run("apply", "-f", str(f), "--context", "realcluster-nobody", "-n", NS)
    assert result.exit_code == 3 and "forbidden" in result.stderr and "(HTTP 403)" in result.stderr


def test_schema_invalid_object_is_422(k, tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(
        wft(unique("e2e-422")).replace("  templates:\n    - name: t\n      suspend: {}\n", "  templates: {name: t}\n")
    )
    result = k("apply", "-f", str(f), "--no-validate")
    assert result.exit_code == 3 and "(HTTP 422)" in result.stderr


def test_watch_to_succeeded_and_failed(k, api, tmp_path):
    for phase, code in (("Succeeded", 0), ("Failed", 1)):
        name = unique("e2e-run")
        f = tmp_path / f"{name}.yaml"
        f.write_text(workflow(name))
        assert k("apply", "-f", str(f)).exit_code == 0
        set_status(api, name, ("Running", 0.5), (phase, 1.0))
        result = k("watch", name, "--timeout", "60s")
        assert result.exit_code == code, result.output
        assert phase in result.stdout


def test_watch_after_finish_and_timeout(k, api, tmp_path):
    name = unique("e2e-done")
    f = tmp_path / "w.yaml"
    f.write_text(workflow(name))
    k("apply", "-f", str(f))
    set_status(api, name, ("Succeeded", 0)).join()
    assert k("watch", name).exit_code == 0
    other = unique("e2e-slow")
    f.write_text(workflow(other))
    k("apply", "-f", str(f))
    assert k("watch", other, "--timeout", "2s").exit_code == 4


def test_prune_with_and_without_selector(k, api, tmp_path):
    label = unique("set")
    keep, old = unique("e2e-keep"), unique("e2e-old")
    labels = f"  labels: {{wfctl-e2e: '{label}'}}\n"
    f = tmp_path / "t.yaml"
    f.write_text(wft(keep, labels=labels) + "---\n" + wft(old, labels=labels))
    assert k("apply", "-f", str(f)).exit_code == 0
    f.write_text(wft(keep, labels=labels))
    assert k("apply", "-f", str(f), "--prune").exit_code == 2
    result = k("apply", "-f", str(f), "--prune", "-l", f"wfctl-e2e={label}")
    assert result.exit_code == 0 and f"workflowtemplate.argoproj.io/{old} pruned" in result.stdout
    assert labelled(api, f"wfctl-e2e={label}") == {keep}


def test_diff_live(k, tmp_path):
    name = unique("e2e-diff")
    f = tmp_path / "t.yaml"
    f.write_text(wft(name).replace("metadata:\n", f"metadata:\n  namespace: {NS}\n"))
    k("apply", "-f", str(f))
    assert k("diff", "--live", str(f)).exit_code == 0
    f.write_text(f.read_text().replace("value: a", "value: z"))
    result = k("diff", "--live", str(f), "-o", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["changes"][0]["after"] == "z"


def test_examples_apply_and_submit(k):
    result = k("apply", "-f", str(FIXTURES / "examples"))
    assert result.exit_code == 0, result.output
    result = k("submit", "--from", "workflowtemplate/shared-steps", "-p", "who=e2e")
    assert result.exit_code == 0 and result.stdout.startswith("workflow.argoproj.io/shared-steps-")

"""`wfctl apply`, `watch`, `submit` and `diff --live` against the in-process Kubernetes API test server."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run
from tests.kubeserver import KubeServer

EXAMPLES = FIXTURES / "examples"
WFT = EXAMPLES / "workflowtemplate.yaml"
NAMED_WF = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: fixed-run
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: busybox:1.36
        command: [echo, hi]
"""


def later(kube: KubeServer, *steps: tuple) -> threading.Thread:
    """Play the controller in a thread: each step `(seconds, fn, *args)` calls `fn(*args)` that many seconds
    after wfctl's first watch request, in order. Counted from the watch, not from now: on a loaded machine
    wfctl may take longer to start than any fixed delay (a change made before its list is no event)."""

    def go() -> None:
        limit = time.monotonic() + 60
        while not kube.watches() and time.monotonic() < limit:
            time.sleep(0.01)
        begin = time.monotonic()
        for delay, fn, *args in steps:
            time.sleep(max(0.0, begin + delay - time.monotonic()))
            fn(*args)

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


def nodes(name: str, phase: str, message: str = "") -> dict:
    leaf_phase = "Succeeded" if phase == "Succeeded" else ("Failed" if phase == "Failed" else "Running")
    return {
        name: {
            "id": name,
            "name": name,
            "displayName": name,
            "type": "Steps",
            "phase": phase,
            "startedAt": "2026-01-01T00:00:00Z",
            "children": [f"{name}-1"],
        },
        f"{name}-1": {
            "id": f"{name}-1",
            "name": f"{name}[0].hello",
            "displayName": "hello",
            "type": "Pod",
            "phase": leaf_phase,
            "startedAt": "2026-01-01T00:00:00Z",
            "finishedAt": "2026-01-01T00:00:07Z" if phase != "Running" else None,
            "message": message,
        },
    }


def test_apply_creates_then_unchanged_then_configured(kube, tmp_path):
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output
    assert "workflowtemplate.argoproj.io/shared-steps created" in result.stdout
    assert kube.get("workflowtemplates", "shared-steps")["metadata"]["managedFields"][0]["manager"] == "wfctl"
    result = run("apply", "-f", str(WFT))
    assert "workflowtemplate.argoproj.io/shared-steps unchanged" in result.stdout
    changed = tmp_path / "wft.yaml"
    changed.write_text(WFT.read_text().replace("value: team", "value: everyone"))
    result = run("apply", "-f", str(changed))
    assert "workflowtemplate.argoproj.io/shared-steps configured" in result.stdout


def test_dry_runs_store_nothing(kube):
    result = run("apply", "-f", str(EXAMPLES), "--dry-run=server")
    assert result.exit_code == 0 and "(server dry run)" in result.stdout
    assert kube.names("workflowtemplates") == [] and kube.names("workflows") == []
    assert any("dryRun=All" in path for _, path in kube.state.requests)
    before = len(kube.state.requests)
    result = run("apply", "-f", str(EXAMPLES), "--dry-run=client")
    assert result.exit_code == 0 and "(dry run)" in result.stdout
    assert len(kube.state.requests) == before  # nothing reached the server


def test_validation_stops_before_the_cluster(kube):
    result = run("apply", "-f", str(FIXTURES / "invalid" / "typos.yaml"))
    assert result.exit_code == 2 and "WF001" in result.stderr and "nothing was applied" in result.stderr
    assert kube.state.requests == []


def test_conflict_and_force(kube, tmp_path):
    run("apply", "-f", str(WFT))
    obj = kube.state.objects[("workflowtemplates", "argo", "shared-steps")]
    obj["metadata"]["managedFields"] = [{"manager": "kubectl", "operation": "Apply"}]
    changed = tmp_path / "wft.yaml"
    changed.write_text(WFT.read_text().replace("value: team", "value: everyone"))
    result = run("apply", "-f", str(changed))
    assert result.exit_code == 3 and 'conflict with "kubectl"' in result.stderr
    assert "workflowtemplate.argoproj.io/shared-steps" in result.stderr
    result = run("apply", "-f", str(changed), "--force-conflicts")
    assert result.exit_code == 0 and "configured" in result.stdout


def test_forbidden_and_invalid_are_exit_3_with_the_api_message(kube, tmp_path):
    result = run("apply", "-f", str(WFT), "--context", "test-nobody")
    assert result.exit_code == 3 and 'User "nobody"' in result.stderr and "(HTTP 403)" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        WFT.read_text()
        .split("---")[0]
        .replace("  templates:\n", "  templates:\n    x: 1\n    y:\n", 1)
        .split("    y:\n")[0]
        + "\n"
    )
    result = run("apply", "-f", str(bad), "--no-validate")
    assert result.exit_code == 3 and "(HTTP 422)" in result.stderr and "must be of type array" in result.stderr


def test_unreachable_server_is_exit_3(tmp_path, monkeypatch):
    server = KubeServer()
    path = server.kubeconfig(tmp_path / "kc")
    server.httpd.server_close()  # nothing listens on that port any more
    monkeypatch.setenv("KUBECONFIG", path)
    result = run("apply", "-f", str(WFT), "--request-timeout", "2")
    assert result.exit_code == 3 and "cannot reach the API server" in result.stderr


def test_fixed_name_workflow_and_replace(kube, tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text(NAMED_WF)
    assert run("apply", "-f", str(f)).exit_code == 0
    result = run("apply", "-f", str(f))
    assert result.exit_code == 3 and "already exists" in result.stderr and "--replace" in result.stderr
    uid = kube.get("workflows", "fixed-run")["metadata"]["uid"]
    result = run("apply", "-f", str(f), "--replace")
    assert result.exit_code == 0 and "workflow.argoproj.io/fixed-run replaced" in result.stdout
    assert kube.get("workflows", "fixed-run")["metadata"]["uid"] != uid


def test_generate_name_creates_a_new_run_each_time(kube):
    run("apply", "-f", str(EXAMPLES / "hello-world.yaml"))
    run("apply", "-f", str(EXAMPLES / "hello-world.yaml"))
    assert len(kube.names("workflows")) == 2


def test_output_formats(kube):
    out = run("apply", "-f", str(WFT), "-o", "json").stdout
    items = json.loads(out)["items"]
    assert {i["kind"] for i in items} == {"WorkflowTemplate", "Workflow"}
    assert (
        run("apply", "-f", str(WFT), "-o", "name").stdout.splitlines()[0] == "workflowtemplate.argoproj.io/shared-steps"
    )
    assert "kind: WorkflowTemplate" in run("apply", "-f", str(WFT), "-o", "yaml").stdout


def test_namespace_flag_and_mismatch(kube, tmp_path):
    f = tmp_path / "wft.yaml"
    f.write_text(
        WFT.read_text().split("---")[0].replace("  name: shared-steps\n", "  name: shared-steps\n  namespace: team-a\n")
    )
    assert run("apply", "-f", str(f), "-n", "team-b").exit_code == 2
    assert run("apply", "-f", str(f)).exit_code == 0 and kube.get("workflowtemplates", "shared-steps", "team-a")
    g = tmp_path / "plain.yaml"
    g.write_text(WFT.read_text().split("---")[0])
    assert run("apply", "-f", str(g), "-n", "team-c").exit_code == 0
    assert kube.get("workflowtemplates", "shared-steps", "team-c") is not None


def test_prune(kube, tmp_path):
    def wft(name: str, labels: str) -> str:
        return (
            f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n{labels}"
            "spec:\n  templates: [{name: t, suspend: {}}]\n"
        )

    labelled = "  labels: {app: etl}\n"
    both = tmp_path / "both.yaml"
    both.write_text(wft("keep", labelled) + "---\n" + wft("old", labelled) + "---\n" + wft("unlabelled", ""))
    assert run("apply", "-f", str(both)).exit_code == 0
    only = tmp_path / "only.yaml"
    only.write_text(wft("keep", labelled))
    assert run("apply", "-f", str(only), "--prune").exit_code == 2  # no selector: refused
    result = run("apply", "-f", str(only), "--prune", "-l", "app=etl", "--dry-run=server")
    assert "workflowtemplate.argoproj.io/old pruned (server dry run)" in result.stdout
    assert "old" in kube.names("workflowtemplates")
    result = run("apply", "-f", str(only), "--prune", "-l", "app=etl")
    assert result.exit_code == 0 and "workflowtemplate.argoproj.io/old pruned" in result.stdout
    assert kube.names("workflowtemplates") == ["keep", "unlabelled"]


def _apply_named(kube, tmp_path) -> None:
    f = tmp_path / "wf.yaml"
    f.write_text(NAMED_WF)
    assert run("apply", "-f", str(f)).exit_code == 0


def test_watch_to_succeeded(kube, tmp_path):
    _apply_named(kube, tmp_path)
    running = {
        "phase": "Running",
        "progress": "0/1",
        "startedAt": "2026-01-01T00:00:00Z",
        "nodes": nodes("fixed-run", "Running"),
    }
    succeeded = {
        "phase": "Succeeded",
        "progress": "1/1",
        "finishedAt": "2026-01-01T00:00:09Z",
        "nodes": nodes("fixed-run", "Succeeded"),
    }
    later(kube, (0.3, kube.set_status, "fixed-run", running), (0.8, kube.set_status, "fixed-run", succeeded))
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "fixed-run  Running  progress 0/1" in out and "fixed-run  Succeeded  progress 1/1" in out
    assert "✔ hello  7s" in out


def test_watch_to_failed_prints_failing_nodes_last(kube, tmp_path):
    _apply_named(kube, tmp_path)
    failed = {"phase": "Failed", "message": "child failed", "nodes": nodes("fixed-run", "Failed", "exit code 2")}
    later(kube, (0.3, kube.set_status, "fixed-run", failed))
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 1
    assert result.stdout.rstrip().splitlines()[-1] == "  failed: hello: exit code 2"


def test_watch_after_the_workflow_finished(kube, tmp_path):
    _apply_named(kube, tmp_path)
    kube.set_status("fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")})
    result = run("watch", "fixed-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "✔ fixed-run  Succeeded"  # the finished state is reported straight away
    assert "  ✔ hello  Succeeded  7s" in lines
    assert lines[-1] == "  ✔ hello  7s"  # and the summary follows
    assert "failed" not in result.stdout and result.stderr == ""


def test_watch_timeout_and_stop(kube, tmp_path):
    _apply_named(kube, tmp_path)
    result = run("watch", "fixed-run", "--timeout", "1s")
    assert result.exit_code == 4 and "still running" in result.stdout
    result = run("watch", "fixed-run", "--timeout", "1s", "--stop-on-timeout")
    assert result.exit_code == 4 and kube.get("workflows", "fixed-run")["spec"]["shutdown"] == "Stop"


def test_watch_deleted_workflow(kube, tmp_path):
    _apply_named(kube, tmp_path)
    later(kube, (0.3, kube.delete_object, "workflows", "fixed-run"))
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 1 and "was deleted" in result.stdout


def test_watch_missing_workflow_is_exit_3(kube):
    result = run("watch", "nope")
    assert result.exit_code == 3 and "not found" in result.stderr


def test_watch_survives_a_cut_stream(kube, tmp_path):
    _apply_named(kube, tmp_path)
    kube.state.cut_watch_after = 1
    later(
        kube,
        (0.3, kube.set_status, "fixed-run", {"phase": "Running", "nodes": nodes("fixed-run", "Running")}),
        (0.8, kube.set_status, "fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")}),
    )
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    watches = [p for m, p in kube.state.requests if "watch=true" in p.lower()]
    assert len(watches) >= 2  # resumed after the cut


def test_watch_relists_on_410_gone(kube, tmp_path):
    _apply_named(kube, tmp_path)
    kube.state.gone_next_watch = True
    later(kube, (0.5, kube.set_status, "fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")}))
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert len(kube.lists()) >= 2  # listed again after 410


def test_transient_errors_are_retried(kube, tmp_path):
    _apply_named(kube, tmp_path)
    kube.state.fail_next = [500, 503]
    kube.state.delay = 0.05
    later(kube, (0.5, kube.set_status, "fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")}))
    result = run("watch", "fixed-run", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert kube.state.fail_next == []  # both failures were actually served
    lines = result.stdout.splitlines()
    assert "✔ fixed-run  Succeeded" in lines
    assert lines[-1] == "  ✔ hello  7s"  # the watch reached the end, not an error
    assert result.stderr == ""  # retried quietly: no error reached the user


def test_watch_with_logs(kube, tmp_path):
    _apply_named(kube, tmp_path)
    kube.add_pod("fixed-run-hello-123", "fixed-run", "fixed-run[0].hello", ["hello from the pod", "done"])
    later(kube, (1.8, kube.set_status, "fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")}))
    result = run("watch", "fixed-run", "--logs", "--timeout", "20s")
    assert result.exit_code == 0
    assert "hello: hello from the pod" in result.stdout


def test_apply_watch(kube, tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text(NAMED_WF)
    later(kube, (0.6, kube.set_status, "fixed-run", {"phase": "Failed", "nodes": nodes("fixed-run", "Failed", "oops")}))
    result = run("apply", "-f", str(f), "--watch", "--timeout", "20s")
    assert result.exit_code == 1 and "workflow.argoproj.io/fixed-run created" in result.stdout
    assert "failed: hello: oops" in result.stdout
    assert run("apply", "-f", str(f), "--watch", "--dry-run=server").exit_code == 2


def test_submit_from_templates(kube):
    run("apply", "-f", str(EXAMPLES / "workflowtemplate.yaml"), "-f", str(EXAMPLES / "cronworkflow.yaml"))
    result = run("submit", "--from", "workflowtemplate/shared-steps", "-p", "who=ops", "-o", "json")
    assert result.exit_code == 0, result.output
    wf = json.loads(result.stdout)
    assert wf["spec"]["workflowTemplateRef"] == {"name": "shared-steps"}
    assert wf["spec"]["arguments"]["parameters"] == [{"name": "who", "value": "ops"}]
    assert wf["metadata"]["labels"]["workflows.argoproj.io/workflow-template"] == "shared-steps"
    result = run("submit", "--from", "cronworkflow/nightly-notify")
    assert result.exit_code == 0 and result.stdout.startswith("workflow.argoproj.io/nightly-notify-")
    assert run("submit", "--from", "workflowtemplate/nope").exit_code == 3
    assert run("submit", "--from", "pod/x").exit_code == 2
    assert run("submit", "--from", "workflowtemplate/shared-steps", "-p", "novalue").exit_code == 2


def test_diff_live(kube, tmp_path):
    f = tmp_path / "wft.yaml"
    f.write_text(WFT.read_text().split("---")[0])
    run("apply", "-f", str(f))
    result = run("diff", "--live", str(f))
    assert result.exit_code == 0, result.output  # server fields (uid, managedFields...) ignored
    f.write_text(f.read_text().replace("value: team", "value: everyone"))
    result = run("diff", "--live", str(f), "-o", "json")
    assert result.exit_code == 1
    assert [(c["path"], c["before"], c["after"]) for c in json.loads(result.stdout)["changes"]] == [
        ("spec.arguments.parameters[who].value", "team", "everyone")
    ]
    other = tmp_path / "new.yaml"
    other.write_text(f.read_text().replace("name: shared-steps", "name: brand-new"))
    result = run("diff", "--live", str(other), "-o", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["changes"][0]["op"] == "added"


def test_kubeconfig_flag_overrides_env(kube, tmp_path, monkeypatch):
    path = Path(monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing")) or kube.kubeconfig(tmp_path / "kc2"))
    result = run("apply", "-f", str(WFT), "--kubeconfig", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "workflowtemplate.argoproj.io/shared-steps created"
    assert len(lines) == 2 and lines[1].startswith("workflow.argoproj.io/uses-shared-steps-")
    assert lines[1].endswith(" created")
    assert "missing" not in result.output  # the env's kubeconfig was never read
    assert kube.names("workflowtemplates") == ["shared-steps"]


def test_ctrl_c_stops_watching_not_the_workflow(kube, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    _apply_named(kube, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wfctl", "watch", "fixed-run", "--timeout", "60s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60  # watching (its watch request reached the server), whatever start-up took
    while not kube.watches() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not kube.watches():
        proc.kill()
        pytest.fail(f"wfctl never watched: {proc.communicate()}")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "keeps running" in out
    assert kube.get("workflows", "fixed-run").get("spec", {}).get("shutdown") is None


def test_tty_redraws_in_place(kube, tmp_path):
    import io

    from wfctl.kube.client import Connection, Kube
    from wfctl.kube.watch import MultiWatcher

    _apply_named(kube, tmp_path)
    later(
        kube,
        (0.3, kube.set_status, "fixed-run", {"phase": "Running", "nodes": nodes("fixed-run", "Running")}),
        (0.6, kube.set_status, "fixed-run", {"phase": "Succeeded", "nodes": nodes("fixed-run", "Succeeded")}),
    )
    out = io.StringIO()
    code = MultiWatcher(Kube(Connection()), [("fixed-run", "argo")], out=out, tty=True, timeout=20).run()
    text = out.getvalue()
    assert code == 0 and "\x1b[" in text and "F\x1b[J" in text  # cursor up + clear: redrawn, not appended


def test_apply_hera(kube):
    pytest.importorskip("hera")
    result = run("apply", "--hera", str(FIXTURES / "python" / "hello_hera.py"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("workflow.argoproj.io/hello-hera-")
    assert run("apply").exit_code == 2


def test_apply_from_stdin(kube):
    result = run("apply", "-f", "-", input=WFT.read_text())
    assert result.exit_code == 0, result.output
    assert "workflowtemplate.argoproj.io/shared-steps created" in result.stdout


def test_in_cluster_configuration_when_no_kubeconfig(kube, tmp_path, monkeypatch):
    """In a pod there is no kubeconfig: wfctl falls back to the service account configuration."""
    from kubernetes import client, config

    calls = []
    monkeypatch.setattr(client.Configuration, "_default", getattr(client.Configuration, "_default", None))

    def fake_incluster() -> None:  # what the real loader derives from the pod's environment and token
        calls.append(True)
        configuration = client.Configuration()
        configuration.host = kube.url
        configuration.api_key = {"authorization": "Bearer admin-token"}
        client.Configuration.set_default(configuration)

    monkeypatch.setattr(config, "load_incluster_config", fake_incluster)
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output
    assert calls and kube.get("workflowtemplates", "shared-steps", "default") is not None
    assert run("apply", "-f", str(WFT), "--context", "nope").exit_code == 3  # a context needs a kubeconfig

"""Bounded cluster I/O and secrets: servers that never answer or go silent, --request-timeout,
one layer of retries, tokens with a trailing newline, no credential ever printed or left in $TMPDIR,
empty kubeconfig files, and Ctrl-C at any moment (exit 130, no traceback)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import pytest

from tests.conftest import FIXTURES, ROOT, run
from tests.kubeserver import Blackhole, kubeconfig_text
from wfctl.cli.kubeopts import _request_timeout
from wfctl.kube.client import CONNECT_TIMEOUT, Connection, Kube, kubeconfig_files, scrub

WFT = FIXTURES / "examples" / "workflowtemplate.yaml"
NAMED_WF = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: fixed-run\nspec:\n  entrypoint: main\n"
    "  templates:\n    - name: main\n      container: {image: 'busybox:1.36', command: [echo, hi]}\n"
)
SECRET = "s3cr3t-T0KEN-value-that-must-never-show"


@pytest.fixture
def hole(tmp_path, monkeypatch):
    server = Blackhole()
    path = tmp_path / "kubeconfig"
    path.write_text(kubeconfig_text(server.url()))
    monkeypatch.setenv("KUBECONFIG", str(path))
    yield server
    server.stop()


def env_for(kubeconfig: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "KUBECONFIG": kubeconfig, **extra}


# ------------------------------------------------------------------ hangs


def test_unresponsive_server_is_bounded_by_request_timeout(hole):
    start = time.monotonic()
    result = run("apply", "-f", str(WFT), "--request-timeout", "2s")
    took = time.monotonic() - start
    assert result.exit_code == 3, result.output
    assert "no answer from the API server" in result.stderr and "within 2 s" in result.stderr
    assert took < 12, took  # 2 s asked; the old behaviour was 5 x 4 x the timeout
    assert hole.accepted <= 2  # one layer of retries, inside the same budget


def test_watch_timeout_holds_against_a_server_that_never_answers(hole):
    start = time.monotonic()
    result = run("watch", "anything", "--timeout", "2s")
    assert result.exit_code == 4 and "no answer from the API server" in result.stdout, result.output
    assert time.monotonic() - start < 12


def test_watch_timeout_holds_against_a_silent_stream(kube, tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text(NAMED_WF)
    assert run("apply", "-f", str(f)).exit_code == 0
    kube.state.stall_watch = True  # 200 OK, then not a byte, whatever timeoutSeconds says
    start = time.monotonic()
    result = run("watch", "fixed-run", "--timeout", "2s")
    assert result.exit_code == 4 and "still running" in result.stdout, result.output
    assert time.monotonic() - start < 12


def test_urllib3_retries_are_off_and_connect_timeout_is_bounded(kube):
    k = Kube(Connection(request_timeout=None))
    assert k.api.configuration.retries is False
    retries = k.api.rest_client.pool_manager.connection_pool_kw["retries"]
    assert retries is False or retries.total is False
    seen = []
    k._call("probe", lambda timeout: seen.append(timeout))
    k.timeout = 3.0
    k._call("probe", lambda timeout: seen.append(timeout))
    assert seen[0] == (CONNECT_TIMEOUT, None) and CONNECT_TIMEOUT <= 10
    assert seen[1][0] <= 3.0 and 2.0 < seen[1][1] <= 3.0


def test_request_timeout_syntax():
    assert _request_timeout(None, None, "5s") == 5.0
    assert _request_timeout(None, None, "1m") == 60.0
    assert _request_timeout(None, None, "1m30s") == 90.0
    assert _request_timeout(None, None, "2") == 2.0
    assert _request_timeout(None, None, "0") is None  # no limit, as in kubectl
    with pytest.raises(click.BadParameter):
        _request_timeout(None, None, "soon")


def test_request_timeout_usage_error(kube):
    result = run("apply", "-f", str(WFT), "--request-timeout", "soon")
    assert result.exit_code == 2 and "--request-timeout" in result.stderr
    assert kube.state.requests == []


def test_server_errors_are_retried_within_the_budget(kube):
    kube.state.fail_next = [503, 503]
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output
    assert kube.state.fail_next == []  # both 503s were served, then retried
    lines = result.stdout.splitlines()
    assert lines[0] == "workflowtemplate.argoproj.io/shared-steps created"
    assert len(lines) == 2 and lines[1].startswith("workflow.argoproj.io/uses-shared-steps-")
    assert lines[1].endswith(" created")
    assert result.stderr == ""  # retried quietly: no error reached the user


# ------------------------------------------------------------------ secrets


def test_token_with_trailing_newline_works(kube, tmp_path, monkeypatch):
    path = tmp_path / "kc-token"
    path.write_text(kubeconfig_text(kube.url, admin='token: "admin-token\\n"'))
    monkeypatch.setenv("KUBECONFIG", str(path))
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "workflowtemplate.argoproj.io/shared-steps created"
    assert len(lines) == 2 and lines[1].startswith("workflow.argoproj.io/uses-shared-steps-")
    assert lines[1].endswith(" created")
    assert result.stderr == "" and "admin-token" not in result.output


def test_token_file_with_trailing_newline_works(kube, tmp_path, monkeypatch):
    (tmp_path / "token").write_text("admin-token\n")
    path = tmp_path / "kc-file"
    path.write_text(kubeconfig_text(kube.url, admin=f"tokenFile: {tmp_path / 'token'}"))
    monkeypatch.setenv("KUBECONFIG", str(path))
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "workflowtemplate.argoproj.io/shared-steps created"
    assert len(lines) == 2 and lines[1].startswith("workflow.argoproj.io/uses-shared-steps-")
    assert lines[1].endswith(" created")
    assert result.stderr == "" and "admin-token" not in result.output


def test_a_token_is_never_printed(kube, tmp_path, monkeypatch):
    """A token the HTTP library refuses (a line break inside) made the old code print it whole."""
    path = tmp_path / "kc-bad"
    path.write_text(kubeconfig_text(kube.url, admin=f'token: "{SECRET}\\n{SECRET}"'))
    monkeypatch.setenv("KUBECONFIG", str(path))
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 3, result.output
    assert SECRET not in result.output and "internal error" not in result.output


def test_scrub():
    text = f"header 'Bearer {SECRET}' rejected; key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"
    out = scrub(text, {SECRET})
    assert SECRET not in out and "MIIE" not in out and "Bearer <redacted>" in out
    assert scrub("Basic dXNlcjpwYXNz failed") == "Basic <redacted> failed"
    assert scrub('workflowtemplates.argoproj.io "x" not found (HTTP 404)') == (
        'workflowtemplates.argoproj.io "x" not found (HTTP 404)'
    )


def test_empty_file_in_kubeconfig_list_is_ignored(kube, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.write_text("")
    real = kube.kubeconfig(tmp_path / "real")
    monkeypatch.setenv("KUBECONFIG", f"{empty}{os.pathsep}{tmp_path / 'missing'}{os.pathsep}{real}")
    assert kubeconfig_files(os.environ["KUBECONFIG"]) == [real]
    result = run("apply", "-f", str(WFT))
    assert result.exit_code == 0, result.output


def _certificate(tmp_path: Path) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=wfctl-test"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    import base64

    return base64.b64encode(cert.read_bytes()).decode(), base64.b64encode(key.read_bytes()).decode()


def _tls_kubeconfig(tmp_path: Path, url: str, cert: str, key: str) -> str:
    text = kubeconfig_text(url, admin=f"client-certificate-data: {cert}, client-key-data: {key}")
    text = text.replace(
        f'cluster: {{server: "{url}"}}', f'cluster: {{server: "{url}", certificate-authority-data: {cert}}}'
    )
    path = tmp_path / "kc-tls"
    path.write_text(text)
    return str(path)


def test_client_key_is_not_left_in_tmpdir(tmp_path, monkeypatch):
    cert, key = _certificate(tmp_path)
    hole = Blackhole()
    try:
        kubeconfig = _tls_kubeconfig(tmp_path, hole.url("https"), cert, key)
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(tmp))
        k = Kube(Connection(kubeconfig=kubeconfig))
        assert k.api.rest_client.pool_manager.connection_pool_kw["ssl_context"] is not None
        assert list(tmp.iterdir()) == []  # loaded into memory, files gone while wfctl still runs
    finally:
        hole.stop()


def test_sigterm_during_watch_leaves_no_key_behind(tmp_path):
    cert, key = _certificate(tmp_path)
    hole = Blackhole()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    try:
        kubeconfig = _tls_kubeconfig(tmp_path, hole.url("https"), cert, key)
        proc = subprocess.Popen(
            [sys.executable, "-m", "wfctl", "watch", "w", "--timeout", "60s"],
            env=env_for(kubeconfig, TMPDIR=str(tmp)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while hole.accepted == 0 and time.monotonic() < deadline:  # connected: configuration loaded
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        hole.stop()
    assert hole.accepted >= 1
    assert list(tmp.iterdir()) == []


def test_bad_key_data_is_an_error_without_the_data(tmp_path, monkeypatch):
    hole = Blackhole()
    try:
        kubeconfig = _tls_kubeconfig(tmp_path, hole.url("https"), "bm90IGEgY2VydGlmaWNhdGU=", "bm90IGEga2V5")
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(tmp))
        result = run("apply", "-f", str(WFT), "--kubeconfig", kubeconfig)
    finally:
        hole.stop()
    assert result.exit_code == 3, result.output
    assert "bm90IGEga2V5" not in result.output and "internal error" not in result.output
    assert list(tmp.iterdir()) == []


# ------------------------------------------------------------------ Ctrl-C


def wait_for_python(pid: int) -> None:
    """Until the interpreter catches SIGINT: before that, the signal kills a process whatever it runs
    (the kernel's default action), so delays count from there, not from fork()."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        time.sleep(0.05)
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            caught = next(line for line in status.read_text().splitlines() if line.startswith("SigCgt:"))
        except (OSError, StopIteration):
            return
        if int(caught.split()[1], 16) & (1 << (signal.SIGINT - 1)):
            return
        time.sleep(0.001)


@pytest.mark.parametrize("delay", [0.02, 0.06, 0.15, 0.4, 1.0, 2.0])
def test_sigint_at_any_moment_is_exit_130_without_traceback(kube, tmp_path, delay):
    f = tmp_path / "wf.yaml"
    f.write_text(NAMED_WF)
    kube.state.delay = 0.3  # keep apply busy on the cluster for a while
    script = Path(sys.executable).parent / "wfctl"  # what users run (python -m adds runpy's start-up)
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wfctl"]
    proc = subprocess.Popen(
        [*command, "apply", "-f", str(f), "--watch", "--timeout", "60s"],
        env=env_for(os.environ["KUBECONFIG"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_python(proc.pid)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"still running 60 s after SIGINT: {err}")
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err

"""Adversarial `apply` on a real API server: `kill -9` at any moment of `apply --prune`, an object the
API refuses in the middle of a run, kubeconfigs with odd content (client certificates inline and as
files, no CA, insecure-skip-tls-verify, a token with a newline, a missing exec plugin). Nothing
outside the manifests is deleted unless the whole apply succeeded; no secret is printed.
Opt in: `pytest -m e2e` with WFCTL_E2E_KUBECONFIG set (`.ci/run` starts ../shared/realcluster)."""

from __future__ import annotations

import base64
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import E2E, KUBECONFIG, NS, delete, labelled, wfctl_env

pytestmark = E2E


def wft(name: str, label: str, body: str = "suspend: {}") -> str:
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n"
        f"  labels: {{wfctl-faults: '{label}'}}\nspec:\n  templates:\n    - name: t\n      {body}\n"
    )


def wfctl(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wfctl", *args, "-n", NS],
        capture_output=True,
        text=True,
        env=wfctl_env(),
        timeout=timeout,
    )


def names(api, label: str) -> set[str]:
    return labelled(api, f"wfctl-faults={label}")


def write_set(root: Path, label: str, names_: list[str]) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for n in names_:
        (root / f"{n}.yaml").write_text(wft(n, label))
    return root


def test_kill_9_at_any_moment_never_prunes_before_the_whole_apply(api, tmp_path):
    """Whatever the moment of the kill: either every new object exists (the apply had succeeded, so
    prune may have begun), or no old object is gone."""
    label = f"k9-{uuid.uuid4().hex[:6]}"
    old = [f"{label}-old-{i}" for i in range(8)]
    keep = [f"{label}-keep-{i}" for i in range(8)]
    new = [f"{label}-new-{i}" for i in range(8)]
    first = write_set(tmp_path / "first", label, keep + old)
    second = write_set(tmp_path / "second", label, keep + new)
    rng = random.Random(11)
    for _ in range(6):
        assert wfctl("apply", "-f", str(first)).returncode == 0
        for n in new:  # back to the first state
            delete(api, n)
        proc = subprocess.Popen(
            [sys.executable, "-m", "wfctl", "apply", "-f", str(second), "--prune", "-l", f"wfctl-faults={label}"],
            env=wfctl_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        present = names(api, label)
        all_new = set(new) <= present
        assert all_new or set(old) <= present, sorted(present)
        assert set(keep) <= present


def test_an_object_the_api_refuses_stops_apply_names_what_was_applied_and_prunes_nothing(api, tmp_path):
    label = f"bad-{uuid.uuid4().hex[:6]}"
    first = write_set(tmp_path / "first", label, [f"{label}-a", f"{label}-old"])
    assert wfctl("apply", "-f", str(first)).returncode == 0
    second = write_set(tmp_path / "second", label, [f"{label}-a"])
    (second / "m-invalid.yaml").write_text(wft(f"{label}-b", label).replace("templates:\n", "templates: 7\n  x:\n"))
    (second / "z-c.yaml").write_text(wft(f"{label}-c", label))
    result = wfctl("apply", "-f", str(second), "--no-validate", "--prune", "-l", f"wfctl-faults={label}")
    assert result.returncode == 3, result.stderr
    assert "(HTTP 422)" in result.stderr
    assert f"applied before this error:\n    workflowtemplate.argoproj.io/{label}-a unchanged" in result.stderr
    assert names(api, label) == {f"{label}-a", f"{label}-old"}  # c never reached, old not pruned


def test_invalid_namespace_and_exported_workflow_are_refused_before_any_request(api, tmp_path):
    label = f"ns-{uuid.uuid4().hex[:6]}"
    d = write_set(tmp_path / "set", label, [f"{label}-a"])
    bad_ns = subprocess.run(
        [sys.executable, "-m", "wfctl", "apply", "-f", str(d), "-n", "Bad_NS"],
        capture_output=True,
        text=True,
        env=wfctl_env(),
    )
    assert bad_ns.returncode == 2 and "not a valid namespace" in bad_ns.stderr
    (d / "wf.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: exported\n  resourceVersion: '9'\n"
        "spec:\n  entrypoint: t\n  templates: [{name: t, suspend: {}}]\n"
    )
    for dry_run in ("server", "none"):
        result = wfctl("apply", "-f", str(d), f"--dry-run={dry_run}")
        assert result.returncode == 2, result.stderr
        assert "metadata.resourceVersion is set" in result.stderr
    assert names(api, label) == set()


def _variant(tmp_path: Path, name: str, user: dict | None = None, cluster: dict | None = None) -> str:
    config = yaml.safe_load(Path(str(KUBECONFIG)).read_text())
    if user is not None:
        config["users"][0]["user"] = user
    if cluster is not None:
        config["clusters"][0]["cluster"] = cluster
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config))
    return str(path)


def _admin_token() -> str:
    return yaml.safe_load(Path(str(KUBECONFIG)).read_text())["users"][0]["user"]["token"]


def _client_certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A client certificate for `system:masters`, signed by the kit's CA (skip when not at hand)."""
    pki = Path(str(KUBECONFIG)).parent / "run" / "pki"
    if shutil.which("openssl") is None or not (pki / "ca.key").exists():
        pytest.skip("no openssl or no CA key next to the kubeconfig")
    key, csr, crt = tmp_path / "c.key", tmp_path / "c.csr", tmp_path / "c.crt"
    subprocess.run(
        [
            *("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=system:masters/CN=wfctl-e2e"),
            *("-keyout", str(key), "-out", str(csr)),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *("openssl", "x509", "-req", "-in", str(csr), "-CA", str(pki / "ca.crt"), "-CAkey", str(pki / "ca.key")),
            *("-CAcreateserial", "-days", "1", "-out", str(crt)),
        ],
        check=True,
        capture_output=True,
    )
    return crt, key


def test_kubeconfig_variants(tmp_path):
    token = _admin_token()
    crt, key = _client_certificate(tmp_path)
    key_text = key.read_text()
    key_lines = [line for line in key_text.splitlines() if "-----" not in line]
    server = yaml.safe_load(Path(str(KUBECONFIG)).read_text())["clusters"][0]["cluster"]["server"]
    (tmp_path / "tok").write_text(token + "\n")
    b64 = lambda p: base64.b64encode(p.read_bytes()).decode()  # noqa: E731
    d = tmp_path / "one"
    d.mkdir()
    (d / "t.yaml").write_text(wft(f"kc-{uuid.uuid4().hex[:6]}", "kc"))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cases = {
        "token-newline": (_variant(tmp_path, "a", {"token": token + "\n"}), 0, None),
        "token-file": (_variant(tmp_path, "b", {"tokenFile": str(tmp_path / "tok")}), 0, None),
        "cert-inline": (
            _variant(tmp_path, "c", {"client-certificate-data": b64(crt), "client-key-data": b64(key)}),
            0,
            None,
        ),
        "cert-files": (_variant(tmp_path, "d", {"client-certificate": str(crt), "client-key": str(key)}), 0, None),
        "insecure": (
            _variant(tmp_path, "e", {"token": token}, {"server": server, "insecure-skip-tls-verify": True}),
            0,
            None,
        ),
        "no-ca": (_variant(tmp_path, "f", {"token": token}, {"server": server}), 3, "CERTIFICATE_VERIFY_FAILED"),
        "exec-missing": (
            _variant(
                tmp_path,
                "g",
                {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "no-such-plugin",
                        "args": ["--token", token],
                    }
                },
            ),
            3,
            "credential plugin failed",
        ),
    }
    for name, (kubeconfig, code, expected) in cases.items():
        for debug in ((), ("--debug",)):
            env = wfctl_env(KUBECONFIG=kubeconfig, TMPDIR=str(tmp))
            proc = subprocess.run(
                [sys.executable, "-m", "wfctl", *debug, "apply", "-f", str(d), "--dry-run=server", "-n", NS],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            out = proc.stdout + proc.stderr
            assert proc.returncode == code, (name, out)
            assert expected is None or expected in out, (name, out)
            assert "Traceback" not in out and "Warning" not in out, (name, out)
            assert token not in out and "PRIVATE KEY" not in out, name
            assert not any(line in out for line in key_lines), name
    assert list(tmp.iterdir()) == []

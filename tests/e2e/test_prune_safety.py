"""`apply --prune` on a real API server never deletes what it should not: a symlinked directory, an
unreadable directory, a selector that does not require its label, a YAML error with --no-validate.
After each refused or partial run, every object applied before must still exist (opt in: `pytest -m e2e`
with WFCTL_E2E_KUBECONFIG set; `.ci/run` starts ../shared/realcluster for it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import E2E, NS, exists, labelled, wfctl_env

NO_READ_ALL = "-dac_override,-dac_read_search"  # the capabilities that let root read any directory
pytestmark = E2E


def wft(name: str, label: str | None) -> str:
    labels = f"  labels: {{wfctl-e2e: '{label}'}}\n" if label else ""
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n{labels}"
        "spec:\n  templates:\n    - name: t\n      suspend: {}\n"
    )


def names(api, label: str) -> set[str]:
    return labelled(api, f"wfctl-e2e={label}")


@pytest.fixture
def tree(k, api, tmp_path):
    """A labelled set applied by wfctl: tree/a/one.yaml, tree/b/two.yaml, tree/three.yaml (+ an unlabelled one)."""
    label = f"set-{uuid.uuid4().hex[:6]}"
    tag = uuid.uuid4().hex[:6]
    objects = {"one": f"e2e-one-{tag}", "two": f"e2e-two-{tag}", "three": f"e2e-three-{tag}"}
    root = tmp_path / "tree"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "a" / "one.yaml").write_text(wft(objects["one"], label))
    (root / "b" / "two.yaml").write_text(wft(objects["two"], label))
    (root / "three.yaml").write_text(wft(objects["three"], label) + "---\n" + wft(f"e2e-plain-{tag}", None))
    result = k("apply", "-f", str(root))
    assert result.exit_code == 0, result.output
    assert names(api, label) == set(objects.values())
    return root, label, objects, f"e2e-plain-{tag}"


def test_symlinked_directory_is_not_pruned(k, api, tree, tmp_path):
    root, label, objects, _ = tree
    outside = tmp_path / "elsewhere"
    (root / "b").rename(outside)
    (root / "b").symlink_to(outside, target_is_directory=True)
    result = k("apply", "-f", str(root), "--prune", "-l", f"wfctl-e2e={label}")
    assert result.exit_code in (0, 2), result.output
    assert "pruned" not in result.stdout
    assert names(api, label) == set(objects.values())


def test_unreadable_directory_stops_prune(api, tree):
    """Run as root, so the capability that lets root read anything is dropped for the wfctl process."""
    root, label, objects, _ = tree
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to make a directory unreadable")
    (root / "a" / "one.yaml").unlink()  # a prune candidate if the walk went on without telling
    (root / "b").chmod(0)
    try:
        proc = subprocess.run(
            [
                *(
                    setpriv,
                    "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search",
                ),
                *(sys.executable, "-m", "wfctl", "apply", "-f", str(root), "-n", NS, "--prune"),
                *("-l", f"wfctl-e2e={label}"),
            ],
            env=wfctl_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        (root / "b").chmod(0o755)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "permission denied" in proc.stderr.lower() and "nothing was applied" in proc.stderr
    assert names(api, label) == set(objects.values())


@pytest.mark.parametrize("negative", ["!wfctl-e2e", "wfctl-e2e!=other", "wfctl-e2e notin (other)"])
def test_negative_selector_is_refused(k, api, tree, negative):
    root, label, objects, plain = tree
    (root / "three.yaml").unlink()
    result = k("apply", "-f", str(root), "--prune", "-l", negative)
    assert result.exit_code == 2 and "do not carry the label" in result.stderr, result.output
    assert names(api, label) == set(objects.values())
    assert exists(api, plain)  # a wfctl-managed object without the label: the one such selectors reached


def test_parse_error_with_no_validate_applies_and_prunes_nothing(k, api, tree):
    root, label, objects, _ = tree
    fresh = f"e2e-fresh-{uuid.uuid4().hex[:6]}"
    (root / "three.yaml").write_text(wft(fresh, label) + "---\nkind: WorkflowTemplate\nmetadata: {name: [broken\n")
    result = k("apply", "-f", str(root), "--no-validate", "--prune", "-l", f"wfctl-e2e={label}")
    assert result.exit_code == 2 and "WF010" in result.stderr, result.output
    assert not exists(api, fresh)  # document 1 was not applied either
    assert names(api, label) == set(objects.values())


def test_metadata_null_with_no_validate_is_an_input_error(k, api, tree):
    root, label, objects, _ = tree
    (root / "three.yaml").write_text("apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: null\n")
    result = k("apply", "-f", str(root), "--no-validate", "--prune", "-l", f"wfctl-e2e={label}")
    assert result.exit_code == 2 and "metadata is missing" in result.stderr, result.output
    assert "internal error" not in result.stderr
    assert names(api, label) == set(objects.values())


def test_client_dry_run_prune_and_real_prune(k, api, tree):
    root, label, objects, _ = tree
    (root / "three.yaml").unlink()
    result = k("apply", "-f", str(root), "--prune", "-l", f"wfctl-e2e in ({label})", "--dry-run=client")
    assert result.exit_code == 0 and "pruned" not in result.stdout, result.output
    assert names(api, label) == set(objects.values())
    result = k("apply", "-f", str(root), "--prune", "-l", f"wfctl-e2e in ({label})")
    assert result.exit_code == 0 and f"{objects['three']} pruned" in result.stdout, result.output
    assert names(api, label) == {objects["one"], objects["two"]}


def test_tls_key_material_is_not_left_behind(k, tmp_path, monkeypatch):
    """The kit's kubeconfig carries its CA as data: the library's temporary copy is gone at once."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "wfctl", "watch", "does-not-exist", "-n", NS, "--timeout", "5s"],
        env=wfctl_env(TMPDIR=str(tmp)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 3 and "not found" in proc.stderr, proc.stderr
    assert list(Path(tmp).iterdir()) == []

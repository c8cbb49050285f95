"""End to end: many Workflows applied and watched at once on a real API server (opt in: `pytest -m e2e`
with WFCTL_E2E_KUBECONFIG set). The cluster has no Argo controller: the test plays it, patching each
Workflow's status while `wfctl` (a separate process) watches them all over one watch per namespace."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from tests.e2e.conftest import E2E, KUBECONFIG, NS, set_phase, wfctl_env, workflow

pytestmark = E2E
LABEL = "wfctl-e2e-batch"


def write_workflows(folder: Path, prefix: str, count: int, batch: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"{prefix}-{i:03d}" for i in range(count)]
    for name in names:
        (folder / f"{name}.yaml").write_text(workflow(name, {LABEL: batch}))
    return names


class Wfctl:
    """`wfctl ...` in its own process; its stdout is collected line by line as it comes."""

    def __init__(self, *args: str) -> None:
        env = wfctl_env()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wfctl", *args, "-n", NS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_for(self, predicate, timeout: float = 120) -> None:
        limit = time.monotonic() + timeout
        while not predicate(list(self.lines)):
            assert self.proc.poll() is None or self.readers[0].is_alive(), "\n".join(self.lines + self.errors)
            assert time.monotonic() < limit, "\n".join(self.lines[-20:])
            time.sleep(0.05)

    def finish(self, timeout: float = 180) -> tuple[int, str, str, float]:
        self.proc.wait(timeout=timeout)
        took = time.monotonic() - self.started
        for reader in self.readers:
            reader.join(timeout=10)
        return self.proc.returncode, "\n".join(self.lines), "\n".join(self.errors), took


def pending(names: list[str]):
    """All `names` shown as Pending: wfctl listed them and is about to watch."""
    wanted = {f"◷ {n}" for n in names}
    return lambda lines: len(wanted & {line.split("  ")[0].rstrip() for line in lines}) == len(wanted)


def spec_of(api, name: str) -> dict:
    return api.get_namespaced_custom_object("argoproj.io", "v1alpha1", NS, "workflows", name)["spec"]


def test_200_workflows_applied_and_watched_one_fails(api, tmp_path):
    batch = uuid.uuid4().hex[:8]
    names = write_workflows(tmp_path / "runs", f"e2e-many-{batch}", 200, batch)
    broken = names[137]
    wfctl = Wfctl("apply", "-f", str(tmp_path / "runs"), "--watch", "--timeout", "240s")
    wfctl.wait_for(pending(names), timeout=180)
    for name in names:
        set_phase(api, name, "Running")
    order = names[:]
    random.Random(7).shuffle(order)  # they finish in any order
    for name in order:
        set_phase(api, name, "Failed" if name == broken else "Succeeded", "exit code 3" if name == broken else "")
    code, out, err, took = wfctl.finish()
    assert code == 1, out[-3000:] + err
    assert "200 workflows: 199 Succeeded, 1 Failed" in out
    assert f"workflow {broken} Failed: exit code 3" in out and f"  failed: {broken}: exit code 3" in out
    assert sum(1 for line in out.splitlines() if line.startswith("✔ ")) == 199
    assert sum(1 for line in out.splitlines() if line.endswith(" created")) == 200
    print(f"200 workflows applied and watched in {took:.1f} s")


def test_timeout_bounds_50_workflows_that_never_finish(api, tmp_path):
    batch = uuid.uuid4().hex[:8]
    names = write_workflows(tmp_path / "runs", f"e2e-slow-{batch}", 50, batch)
    wfctl = Wfctl("apply", "-f", str(tmp_path / "runs"), "--watch", "--timeout", "20s")
    wfctl.wait_for(pending(names), timeout=60)
    watching = time.monotonic()
    for name in names:
        set_phase(api, name, "Running")
    code, out, err, _ = wfctl.finish(timeout=120)
    waited = time.monotonic() - watching
    assert code == 4, out[-3000:] + err
    assert waited < 25, waited  # one --timeout for the set (whatever applying took), not 50 in a row
    assert "timeout reached: 50 workflows still running" in out
    assert out.count("Running") >= 50  # every workflow's change was seen on the one watch
    assert all("shutdown" not in spec_of(api, n) for n in names[:5])  # watching never stops a workflow


def test_fail_fast_with_a_label_selector(api, tmp_path):
    from tests.conftest import run

    batch = uuid.uuid4().hex[:8]
    names = write_workflows(tmp_path / "runs", f"e2e-ff-{batch}", 20, batch)
    env = {"KUBECONFIG": str(KUBECONFIG)}
    result = run("apply", "-f", str(tmp_path / "runs"), "-n", NS, env=env)
    assert result.exit_code == 0, result.output
    wfctl = Wfctl("watch", "-l", f"{LABEL}={batch}", "--fail-fast", "--timeout", "120s")
    wfctl.wait_for(pending(names), timeout=60)
    for name in names:
        set_phase(api, name, "Running")
    set_phase(api, names[5], "Failed", "exit code 9")
    code, out, err, took = wfctl.finish(timeout=60)
    assert code == 1, out[-3000:] + err
    assert took < 60
    assert f"workflow {names[5]} Failed: exit code 9" in out
    assert "stopped watching at the first failure (--fail-fast); 19 workflows still running" in out
    others = [n for n in names if n != names[5]]
    assert all("shutdown" not in spec_of(api, n) for n in others)  # the others keep running

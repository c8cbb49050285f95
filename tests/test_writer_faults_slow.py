"""Random-fault soak for `dedupe --write` (slow, skipped unless WFCTL_SLOW=1): kill -9, SIGTERM, SIGINT and
SIGHUP at random moments of the write phase, and a concurrent editor appending in a loop.

After every run each input is either byte-identical to before or exactly the verified new content, the new
WorkflowTemplate is absent or complete, no traceback is printed, and temporary files remain only after
kill -9 (named `.NAME.XXXXXXXX.wfctl-tmp`, ignored by the next run). The deterministic versions of these
faults (through `wfctl.writer._test_hook`) are in test_writer.py and test_dedupe.py.

    WFCTL_SLOW=1 WFCTL_SLOW_RUNS=40 pytest -q tests/test_writer_faults_slow.py
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wfctl.writer import TEMP_SUFFIX

pytestmark = pytest.mark.skipif(os.environ.get("WFCTL_SLOW") != "1", reason="slow soak: set WFCTL_SLOW=1")
RUNS = int(os.environ.get("WFCTL_SLOW_RUNS", "20"))


def workflow(n: int, copies: int) -> str:
    lines = ["apiVersion: argoproj.io/v1alpha1", "kind: Workflow", "metadata:", f"  generateName: w{n}-", "spec:"]
    lines += ["  entrypoint: main", "  templates:", "    - name: main", "      steps:"]
    for i in range(copies):
        lines += [f"        - - name: s{i}", f"            template: t{i}"]
    for i in range(copies):
        lines += [
            f"    - name: t{i}",
            "      container:",
            f"        image: busybox:1.{i % 3}",
            "        args: [echo, hi]",
        ]
    return "\n".join(lines) + "\n"


def wfctl(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wfctl", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def dedupe_args(d: Path) -> list[object]:
    inputs = sorted(d.glob("wf*.yaml"))
    return ["dedupe", "-o", "json", "--write", "--extract-to", d / "common.yaml", "--name", "common", *inputs]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    src = tmp_path_factory.mktemp("src")
    for n in range(4):
        (src / f"wf{n}.yaml").write_text(workflow(n, 300))
    expected = tmp_path_factory.mktemp("expected")
    shutil.copytree(src, expected, dirs_exist_ok=True)
    proc = wfctl(*dedupe_args(expected))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    old = {p.name: p.read_bytes() for p in src.iterdir()}
    return src, old, {p.name: p.read_bytes() for p in expected.iterdir()}


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_random_signals_never_leave_a_half_written_file(tmp_path, corpus, signum):
    src, old, new = corpus
    for run in range(RUNS):
        d = tmp_path / f"run{run}"
        shutil.copytree(src, d)
        proc = wfctl(*dedupe_args(d))
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:  # wait for the write phase
            if any(p.name.endswith(TEMP_SUFFIX) for p in d.iterdir()):
                break
            time.sleep(0.0005)
        time.sleep(random.uniform(0, 0.02))
        if proc.poll() is None:
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, err
        for name, data in old.items():
            assert (d / name).read_bytes() in (data, new[name]), f"run {run}: {name} is neither old nor new"
        common = d / "common.yaml"
        assert not common.exists() or common.read_bytes() == new["common.yaml"]
        temps = [p.name for p in d.iterdir() if p.name not in new]
        assert all(t.startswith(".") and t.endswith(TEMP_SUFFIX) for t in temps), temps
        if signum != signal.SIGKILL:
            assert not temps, f"run {run}: {temps} left after signal {signum}"
            assert proc.returncode in (0, -signum, 130), (proc.returncode, err)
        if temps:  # the next run ignores what kill -9 left behind
            again = subprocess.run(
                [sys.executable, "-m", "wfctl", "validate", d], cwd=ROOT, capture_output=True, text=True
            )
            assert again.returncode == 0 and "wfctl-tmp" not in again.stdout + again.stderr


def append_lines(f: Path, stop: threading.Event, count: list[int]) -> None:
    """A colleague's editor: append a numbered line, again and again, until told to stop."""
    while not stop.is_set():
        with open(f, "a") as fh:
            fh.write(f"# edit {count[0]}\n")
        count[0] += 1
        time.sleep(random.uniform(0, 0.01))


def test_an_editor_appending_in_a_loop_never_loses_a_line(tmp_path, corpus):
    src, _, _ = corpus
    for run in range(RUNS):
        d = tmp_path / f"run{run}"
        d.mkdir()
        f = d / "wf0.yaml"
        shutil.copy(src / "wf0.yaml", f)
        stop, count = threading.Event(), [0]

        proc = wfctl("dedupe", "-o", "json", "--write", f)
        time.sleep(random.uniform(0, 1.5))
        thread = threading.Thread(target=append_lines, args=(f, stop, count))
        thread.start()
        _, err = proc.communicate(timeout=120)
        stop.set()
        thread.join()
        text = f.read_text() + "".join(p.read_text() for p in d.glob("*.wfctl-edited*"))
        lost = [k for k in range(count[0]) if f"# edit {k}\n" not in text]
        assert not lost, f"run {run}: lost edits {lost[:5]} ({err})"
        assert proc.returncode in (0, 2) and "Traceback" not in err

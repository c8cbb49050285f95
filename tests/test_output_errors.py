"""Output that cannot be written (a full disk, a closed stdout, a reader that goes away) is an error
with exit 2 and a message on stderr, never an internal error or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "fixtures" / "demo")
WFCTL = [sys.executable, "-c", "from wfctl.cli import main; main()"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["validate", DEMO], ["lint", "-o", "json", DEMO], ["rules"]])
def test_full_disk_on_stdout(args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*WFCTL, *args, "--no-cache"] if args[0] != "rules" else [*WFCTL, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
    assert proc.returncode == 2
    assert "wfctl: error: writing the output: No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_closed_stdout():
    proc = subprocess.run(
        ["sh", "-c", '"$0" -c "from wfctl.cli import main; main()" validate "$1" >&-', sys.executable, DEMO],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "standard output is closed" in proc.stderr and "Traceback" not in proc.stderr


def test_reader_goes_away():
    proc = subprocess.run(
        ["sh", "-c", '"$0" -c "from wfctl.cli import main; main()" rules | head -n 1', sys.executable],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.startswith("WF") and proc.stderr == ""


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("command", ["lint", "rules"])
def test_reader_gone_exits_141_quietly_on_every_path(tmp_path, command, fast):
    """`wfctl ... | head -c0`: the command stops at the first write that fails, says nothing and exits
    141 (128 + SIGPIPE, what cat or grep report), whether click or the fast path ran it. (`head -c0`
    exits at once, long before Python has started, so the first write already finds the pipe closed.)"""
    many = tmp_path / "many"
    many.mkdir()
    typos = (ROOT / "fixtures" / "invalid" / "typos.yaml").read_text()
    for i in range(300):  # far more output than a pipe buffer holds
        (many / f"wf-{i:03}.yaml").write_text(typos)
    args = [command, "--no-cache", str(many)] if command == "lint" else [command]
    code = f"from wfctl.cli import main; main({args!r}, fast={fast})"
    proc = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" -c "$1" | head -c0', sys.executable, code],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""

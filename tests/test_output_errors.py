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

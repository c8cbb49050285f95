"""The README's promises that a newcomer meets first: the two quickstart commands and the demo output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import run

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "no sh block in the quickstart"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_two_commands_each_in_a_virtualenv():
    commands = _quickstart_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert commands[0].endswith("wfctl lint fixtures/demo")
    assert commands[1].endswith("pytest -q")


def test_quickstart_demo_shows_findings_as_the_readme_says():
    """The first command's lint shows findings, and the README's sample output is what it prints."""
    result = run("lint", "--no-cache", "fixtures/demo")
    assert result.exit_code == 1
    shown = README.split("```text\n", 1)[1].split("```", 1)[0].strip().splitlines()
    printed = result.stdout.strip().splitlines()
    assert printed == shown
    rules = {re.search(r" (WF\d{3}) ", line).group(1) for line in printed[:-1]}
    assert {"WF001", "WF112", "WF120", "WF201", "WF305"} <= rules


def test_shell_completion_as_documented():
    assert "_WFCTL_COMPLETE=bash_source wfctl" in README
    env = {**os.environ, "COMP_WORDS": "wfctl val", "COMP_CWORD": "1", "_WFCTL_COMPLETE": "bash_complete"}
    out = subprocess.run(
        [sys.executable, "-c", "from wfctl.cli import main; main()"], env=env, capture_output=True, text=True
    )
    assert "validate" in out.stdout
    script = subprocess.run(
        [sys.executable, "-c", "from wfctl.cli import main; main()"],
        env={**os.environ, "_WFCTL_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
    ).stdout
    assert "complete " in script and "_wfctl_completion" in script

"""A throw-away git repository for the tests of the commands that read a git revision (diff, graph)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, Path | str]) -> Callable[..., None]:
    """A repository in `tmp_path` (then the current directory) whose first commit holds `files`: a relative
    path -> a file to copy, or the text to write. Returns `git(*args)`, run in it; skips without git."""
    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    git("add", ".")
    git("commit", "-qm", "one")
    monkeypatch.chdir(tmp_path)
    return git

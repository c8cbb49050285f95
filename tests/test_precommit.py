"""The published pre-commit hooks, installed for real with `pre-commit try-repo`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import FIXTURES, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hooks_file_names_real_commands():
    hooks = YAML(typ="safe").load(HOOKS.read_text())
    from wfctl.cli.root import COMMANDS

    readme = (ROOT / "README.md").read_text()
    for hook in hooks:
        assert hook["entry"].split()[0] == "wfctl"
        assert hook["entry"].split()[1] in COMMANDS
        assert hook["language"] == "python"
        assert hook["id"] in readme


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("the project is not a git checkout")
    return tmp_path_factory.mktemp("pre-commit-home")


BAD = {
    "wfctl-validate": FIXTURES / "invalid" / "typos.yaml",
    "wfctl-lint": FIXTURES / "invalid" / "typos.yaml",
    "wfctl-dedupe": FIXTURES / "dedupe" / "chain.yaml",
}
EXPECT = {"wfctl-validate": "WF001", "wfctl-lint": "WF001", "wfctl-dedupe": "would rewrite 1 of 1 files"}


@pytest.mark.parametrize("hook", ["wfctl-validate", "wfctl-lint", "wfctl-dedupe"])
def test_try_repo_fails_on_bad_and_passes_on_good(tmp_path, precommit_home, hook):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copy(FIXTURES / "examples" / "hello-world.yaml", repo / "good.yaml")
    shutil.copy(BAD[hook], repo / "bad.yaml")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(precommit_home), "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files"]
    bad = subprocess.run([*cmd, "bad.yaml"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert EXPECT[hook] in bad.stdout
    good = subprocess.run([*cmd, "good.yaml"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    assert good.returncode == 0, good.stdout + good.stderr

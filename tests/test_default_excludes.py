"""`diff` and `dedupe` walk directories like `validate`/`lint`: hidden directories, .venv, venv, node_modules,
.tox and __pycache__ are left out (and .gitignore honoured) unless `--no-default-excludes`; in `diff --git`
the tree at REV is filtered the same way as the working tree, and a path named on the command line is
always read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run
from tests.gitrepo import git_repo
from wfctl.diff import sources

IMAGE = FIXTURES / "diff" / "image"
DEDUPE = FIXTURES / "dedupe" / "chain.yaml"


def tree(root: Path, workflow: Path, *dirs: str) -> None:
    """The same workflow at `root/wf/p.yaml` and in each of `dirs` (one file per directory)."""
    for d in ("wf", *dirs):
        (root / d).mkdir(parents=True, exist_ok=True)
        shutil.copy(workflow, root / d / "p.yaml")


# --- diff, path mode ---------------------------------------------------------------------------------


def test_diff_directories_skip_default_excludes(tmp_path):
    """OLD and NEW differ only inside .venv and node_modules: no difference by default; with
    --no-default-excludes those files are compared too."""
    tree(tmp_path / "old", IMAGE / "old.yaml", ".venv/lib/pkg", "node_modules/x")
    tree(tmp_path / "new", IMAGE / "old.yaml")
    for d in (".venv/lib/pkg", "node_modules/x"):
        (tmp_path / "new" / d).mkdir(parents=True)
        shutil.copy(IMAGE / "new.yaml", tmp_path / "new" / d / "p.yaml")
    old, new = str(tmp_path / "old"), str(tmp_path / "new")
    quiet = run("diff", old, new)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout.strip() == "no differences (1 resource compared)"
    full = run("diff", "--no-default-excludes", "-o", "json", old, new)
    assert full.exit_code == 1, full.output
    files = {(c["old_file"], c["new_file"]) for c in json.loads(full.stdout)["changes"]}
    assert files == {
        (f"{old}/.venv/lib/pkg/p.yaml", f"{new}/.venv/lib/pkg/p.yaml"),
        (f"{old}/node_modules/x/p.yaml", f"{new}/node_modules/x/p.yaml"),
    }


def test_load_paths_unit(tmp_path):
    tree(tmp_path, IMAGE / "old.yaml", "venv/a", ".hidden")
    default = sources.load_paths((str(tmp_path),), pair=True)
    assert [r.origin for r in default.resources] == ["wf/p.yaml"]
    everything = sources.load_paths((str(tmp_path),), pair=True, default_excludes=False)
    assert sorted(r.origin for r in everything.resources) == [".hidden/p.yaml", "venv/a/p.yaml", "wf/p.yaml"]


# --- diff --git: the tree at REV is walked like the working tree ----------------------------------------


@pytest.fixture
def repo(tmp_path, monkeypatch):
    tree(tmp_path, IMAGE / "old.yaml", "node_modules/pkg", ".argo")
    return git_repo(tmp_path, monkeypatch, {})


def test_git_unchanged_tree_with_tracked_excluded_dirs_is_clean(repo):
    """Before: a tracked node_modules/*.yaml was read at REV but not in the working tree, so an
    untouched repository showed a removed workflow."""
    result = run("diff", "--git", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "no differences (1 resource compared)"
    full = run("diff", "--git", "HEAD", "--no-default-excludes")
    assert full.exit_code == 0, full.output
    assert full.stdout.strip() == "no differences (3 resources compared)"


def test_git_change_inside_excluded_dir_shows_only_when_asked(repo, tmp_path):
    shutil.copy(IMAGE / "new.yaml", tmp_path / "node_modules" / "pkg" / "p.yaml")
    assert run("diff", "--git", "HEAD").exit_code == 0
    result = run("diff", "--git", "HEAD", "--no-default-excludes", "-o", "json")
    assert result.exit_code == 1, result.output
    changed = {(c["old_file"], c["new_file"]) for c in json.loads(result.stdout)["changes"]}
    assert changed == {("node_modules/pkg/p.yaml@HEAD", "node_modules/pkg/p.yaml")}
    repo("commit", "-qam", "two")
    both = run("diff", "--git", "HEAD~1", "--to", "HEAD", "--no-default-excludes", "-o", "json")
    assert both.exit_code == 1, both.output
    assert {(c["old_file"], c["new_file"]) for c in json.loads(both.stdout)["changes"]} == {
        ("node_modules/pkg/p.yaml@HEAD~1", "node_modules/pkg/p.yaml@HEAD")
    }
    assert run("diff", "--git", "HEAD~1", "--to", "HEAD").stdout.strip() == "no differences (1 resource compared)"


@pytest.mark.parametrize("named", [".argo/p.yaml", "./.argo/p.yaml", ".argo", "./.argo/"])
def test_git_path_named_in_a_hidden_directory_is_read(repo, tmp_path, named):
    """Before: `.argo/p.yaml` lost its leading dot and hidden paths were never read at REV, so the
    unchanged file showed as added."""
    result = run("diff", "--git", "HEAD", named)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "no differences (1 resource compared)"
    shutil.copy(IMAGE / "new.yaml", tmp_path / ".argo" / "p.yaml")
    _, payload = json_diff("--git", "HEAD", named)
    assert {(c["old_file"], c["new_file"]) for c in payload["changes"]} == {(".argo/p.yaml@HEAD", ".argo/p.yaml")}


def test_git_absolute_path_is_relative_to_the_repository(repo, tmp_path):
    shutil.copy(IMAGE / "new.yaml", tmp_path / "wf" / "p.yaml")
    _, payload = json_diff("--git", "HEAD", str(tmp_path / "wf"))
    assert {(c["old_file"], c["new_file"]) for c in payload["changes"]} == {("wf/p.yaml@HEAD", "wf/p.yaml")}


def json_diff(*args: str) -> tuple[int, dict]:
    result = run("diff", *args, "-o", "json")
    return result.exit_code, json.loads(result.stdout)


def test_git_helpers_unit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sources.git_relative(".") == "" and sources.git_relative("./") == ""
    assert sources.git_relative("./wf/") == "wf" and sources.git_relative(".argo/x.yaml") == ".argo/x.yaml"
    assert sources.git_relative(str(tmp_path / "wf")) == "wf"
    assert sources.walk_skips(".hidden.yaml") and sources.walk_skips("a/.b/c.yaml")
    assert sources.walk_skips("x/node_modules/c.yaml") and sources.walk_skips("venv/c.yaml")
    assert not sources.walk_skips("wf/c.yaml") and not sources.walk_skips("venv.yaml")


# --- dedupe ------------------------------------------------------------------------------------------


def test_dedupe_skips_default_excludes(tmp_path, monkeypatch):
    (tmp_path / "wf").mkdir()
    (tmp_path / ".venv" / "pkg").mkdir(parents=True)
    shutil.copy(DEDUPE, tmp_path / "wf" / "a.yaml")
    shutil.copy(DEDUPE, tmp_path / ".venv" / "pkg" / "b.yaml")
    monkeypatch.chdir(tmp_path)
    default = run("dedupe", "-o", "json", ".")
    assert default.exit_code == 0, default.output
    assert [f["file"] for f in json.loads(default.stdout)["files"]] == ["wf/a.yaml"]
    full = run("dedupe", "-o", "json", "--no-default-excludes", ".")
    assert full.exit_code == 0, full.output
    assert [f["file"] for f in json.loads(full.stdout)["files"]] == [".venv/pkg/b.yaml", "wf/a.yaml"]
    # --write by default never touches a virtualenv's files
    before = (tmp_path / ".venv" / "pkg" / "b.yaml").read_bytes()
    written = run("dedupe", "--write", ".")
    assert written.exit_code == 0, written.output
    assert (tmp_path / ".venv" / "pkg" / "b.yaml").read_bytes() == before
    assert (tmp_path / "wf" / "a.yaml").read_bytes() != before


def test_dedupe_paths_unit(tmp_path):
    from wfctl.dedupe.run import dedupe_paths

    (tmp_path / "node_modules").mkdir()
    shutil.copy(DEDUPE, tmp_path / "node_modules" / "c.yaml")
    assert dedupe_paths((str(tmp_path),), write=False).reports == []
    outcome = dedupe_paths((str(tmp_path),), write=False, default_excludes=False)
    assert [Path(r.file).name for r in outcome.reports] == ["c.yaml"] and outcome.changed


# --- dedupe skips a walked file that neither parses nor looks like Argo ------------------------------


def test_dedupe_skips_unparsable_non_argo_files_in_a_walk(tmp_path, monkeypatch):
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    helm = tmp_path / "chart" / "templates" / "deploy.yaml"
    helm.write_text('name: {{ include "x" . }}\nkey: [\n')
    shutil.copy(DEDUPE, tmp_path / "wf.yaml")
    monkeypatch.chdir(tmp_path)
    result = run("dedupe", "--check", ".")
    assert result.exit_code == 1, result.output  # wf.yaml would change; the Helm template is no error
    assert "note: skipped chart/templates/deploy.yaml: not an Argo manifest and does not parse (WF010 at 2:" in (
        result.stdout
    )
    assert result.stderr == ""
    # named on the command line (as pre-commit names it) it is skipped the same way, as validate and fix skip it
    named = run("dedupe", "--check", "chart/templates/deploy.yaml")
    assert named.exit_code == 0 and named.stderr == ""
    assert named.stdout.startswith("note: skipped chart/templates/deploy.yaml: not an Argo manifest and does not parse")
    # a broken file that says it is an Argo manifest stays an error in a walk
    (tmp_path / "broken-argo.yaml").write_text("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: [\n")
    broken = run("dedupe", ".")
    assert broken.exit_code == 2 and broken.stderr.startswith("broken-argo.yaml:3:") and "error WF010" in broken.stderr
    assert "deploy.yaml" not in broken.stderr

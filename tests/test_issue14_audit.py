"""What an audit of issue 14 found on inputs the first tests did not try: `diff --git` and `graph --diff`
run from a subdirectory, on files whose names git quotes (non-ASCII, not UTF-8) or outside the
repository; standard input given twice or with --git; every unreadable path of a walk named by dedupe and
fix; a file deleted between the walk and the read named the same by the commands that rewrite."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run
from tests.gitrepo import git_repo
from wfctl.diff import sources

GOOD = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: a\nspec:\n  entrypoint: main\n"
    "  templates:\n  - name: main\n    container:\n      image: alpine:3.20\n"
)
SYNTAX = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: [a\n"


def _bump(path: Path) -> None:
    path.write_text(path.read_text().replace("alpine:3.20", "alpine:3.21"))


# --- diff --git / graph --diff: where the paths are -----------------------------------------------


def test_git_diff_from_a_subdirectory_reaches_files_above_it(tmp_path, monkeypatch):
    git_repo(tmp_path, monkeypatch, {"wf.yaml": GOOD, "sub/other.yaml": GOOD.replace("name: a", "name: b")})
    _bump(tmp_path / "wf.yaml")
    monkeypatch.chdir(tmp_path / "sub")
    one = run("diff", "--git", "HEAD", "../wf.yaml")
    assert one.exit_code == 1, one.stderr
    assert one.stdout.splitlines()[0] == "Workflow/a  (../wf.yaml@HEAD → ../wf.yaml)"  # changed, not "added"
    assert "'alpine:3.20' -> 'alpine:3.21'" in one.stdout and "added" not in one.stdout
    whole = run("diff", "--git", "HEAD", "..")
    assert whole.exit_code == 1 and whole.stdout.rstrip().endswith("1 change in 1 resource (1 changed)")
    assert "added" not in whole.stdout  # sub/other.yaml, under `..`, is found at HEAD too
    here = run("diff", "--git", "HEAD")  # `.`: only what is under the current directory
    assert here.exit_code == 0 and here.stdout == "no differences (1 resource compared)\n", here.stdout


def test_graph_diff_from_a_subdirectory_marks_only_what_changed(tmp_path, monkeypatch):
    git_repo(tmp_path, monkeypatch, {"loops.yaml": FIXTURES / "graph" / "loops.yaml", "sub/.keep": ""})
    target = tmp_path / "loops.yaml"
    target.write_text(target.read_text().replace("busybox:1.36", "busybox:1.37"))
    monkeypatch.chdir(tmp_path / "sub")
    result = run("graph", "--diff", "HEAD", "../loops.yaml")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "    list: emit" in lines  # emit did not change: no mark, and nothing drawn as added
    assert not [x for x in lines if x.startswith("+")]
    assert [x.split(":")[0] for x in lines if x.startswith("~")] == [
        "~   per-region",
        "~   per-file",
        "~   shards",
        "~   publish",
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 need a POSIX file system")
def test_git_diff_reads_names_git_quotes(tmp_path, monkeypatch):
    raw = os.fsdecode(b"raw\xff.yaml")
    git = git_repo(tmp_path, monkeypatch, {"café.yaml": GOOD, "sp ace.yaml": GOOD.replace("name: a", "name: c")})
    (tmp_path / raw).write_text(GOOD.replace("name: a", "name: b"))
    git("add", ".")
    git("commit", "-qm", "two")
    same = run("diff", "--git", "HEAD")
    assert same.exit_code == 0 and same.stdout == "no differences (3 resources compared)\n", same.stdout
    _bump(tmp_path / "café.yaml")
    _bump(tmp_path / raw)
    changed = run("diff", "--git", "HEAD")
    assert changed.exit_code == 1, changed.stderr
    headers = [x for x in changed.stdout.splitlines() if x.startswith("Workflow/")]
    assert headers == [
        "Workflow/a  (café.yaml@HEAD → café.yaml)",
        "Workflow/b  (raw\\xff.yaml@HEAD → raw\\xff.yaml)",
    ]
    assert "added" not in changed.stdout and "removed" not in changed.stdout


def test_git_diff_refuses_paths_it_cannot_find_in_git(tmp_path, monkeypatch):
    inside = tmp_path / "repo"
    inside.mkdir()
    (tmp_path / "outside.yaml").write_text(GOOD)
    git_repo(inside, monkeypatch, {"wf.yaml": GOOD})
    outside = run("diff", "--git", "HEAD", "../outside.yaml")
    assert outside.exit_code == 2 and outside.stdout == ""
    assert outside.stderr == "wfctl: error: ../outside.yaml: outside the git repository; --git compares its files\n"
    stdin = run("diff", "--git", "HEAD", "-", input=GOOD)
    assert stdin.exit_code == 2 and "standard input (-) has no revision" in stdin.stderr and stdin.stdout == ""
    graph = run("graph", "--diff", "HEAD", str(tmp_path / "outside.yaml"))
    assert graph.exit_code == 2 and graph.stderr.endswith(": outside the git repository; --git compares its files\n")
    monkeypatch.chdir(tmp_path)  # not a repository at all
    if (tmp_path / ".git").exists() or run("diff", "--git", "HEAD", "outside.yaml").exit_code != 2:
        pytest.skip("the temporary directory is inside a git repository here")
    none = run("diff", "--git", "HEAD", "outside.yaml")
    assert none.stderr == f"wfctl: error: {tmp_path} is not in a git repository (--git needs one)\n"


def test_git_relative_paths_and_what_lies_below_them():
    assert sources._below("a/b.yaml", "") == "a/b.yaml"  # '' is the repository's top
    assert sources._below("a/b.yaml", "a") == "b.yaml" and sources._below("ab/c.yaml", "a") is None
    assert sources._above("..") and sources._above("../x") and not sources._above("..x.yaml")
    with pytest.raises(sources.InputError, match="no git revision"):
        sources._in_repository(("-",), "")
    assert sources._in_repository(("..", ".", "../x/y.yaml", "z.yaml"), "sub/") == ["", "sub", "x/y.yaml", "sub/z.yaml"]
    with pytest.raises(sources.InputError, match="outside the git repository"):
        sources._in_repository(("../..",), "sub/")


# --- standard input ----------------------------------------------------------------------------------


def test_diff_reads_standard_input_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("diff", "-", "-", input=GOOD)  # once read, the second `-` would be empty: all "removed"
    assert result.exit_code == 2 and result.stdout == ""
    assert "standard input (-) can be read once" in result.stderr
    (tmp_path / "a.yaml").write_text(GOOD)
    assert run("diff", "-", "a.yaml", input=GOOD).stdout == "no differences (1 resource compared)\n"


# --- every unreadable path of a walk is named ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_dedupe_and_fix_name_every_path_they_cannot_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    os.symlink("nowhere.yaml", tmp_path / "dangling.yaml")
    os.symlink("loop2.yaml", tmp_path / "loop1.yaml")
    os.symlink("loop1.yaml", tmp_path / "loop2.yaml")
    expected = [
        "wfctl: error: dangling.yaml: broken symbolic link",
        "wfctl: error: loop1.yaml: too many levels of symbolic links",
        "wfctl: error: loop2.yaml: too many levels of symbolic links",
    ]
    reference = run("graph", ".")
    assert reference.exit_code == 2 and reference.stderr.splitlines() == expected
    for args in (("dedupe",), ("dedupe", "--write"), ("fix",), ("fix", "--write")):
        result = run(*args, ".")
        assert result.exit_code == 2 and result.stdout == "", args
        assert result.stderr.splitlines() == expected, (args, result.stderr)
    assert (tmp_path / "good.yaml").read_text() == GOOD


def test_a_file_deleted_after_the_walk_is_named_the_same_by_every_command(tmp_path, monkeypatch):
    """The walk finds the file, then it is gone when read: the line is the loader's, --write or not."""
    from wfctl.loader import discovery

    found = discovery.discover

    def walk_then_delete(paths, **kw):  # type: ignore[no-untyped-def]
        sources_, errors = found(paths, **kw)
        for s in sources_:
            if s.path is not None and s.path.name == "gone.yaml" and s.path.exists():
                s.path.unlink()
        return sources_, errors

    monkeypatch.setattr(discovery, "discover", walk_then_delete)
    monkeypatch.chdir(tmp_path)
    expected = "wfctl: error: w/gone.yaml: no such file or directory"
    for args in (("graph",), ("dedupe",), ("dedupe", "--write"), ("fix",), ("fix", "--write")):
        shutil.rmtree(tmp_path / "w", ignore_errors=True)
        (tmp_path / "w").mkdir()
        (tmp_path / "w" / "gone.yaml").write_text(GOOD)
        result = run(*args, "w")
        assert result.exit_code == 2 and result.stdout == "", args
        assert result.stderr.splitlines() == [expected], (args, result.stderr)


# --- --write with nothing to change says so in the past tense --------------------------------------


def test_write_with_nothing_to_do_does_not_say_would(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    fixed = run("fix", "--write", "good.yaml")
    assert fixed.exit_code == 0 and fixed.stderr == "wfctl: fixed 0 findings in 0 of 1 files\n"
    assert run("fix", "good.yaml").stderr == "wfctl: would fix 0 findings in 0 of 1 files\n"
    deduped = run("dedupe", "--write", "good.yaml")
    assert deduped.exit_code == 0 and deduped.stdout.startswith("rewrote 0 of 1 files: templates 1 -> 1")
    assert run("dedupe", "good.yaml").stdout.startswith("would rewrite 0 of 1 files")
    (tmp_path / "bad.yaml").write_text(SYNTAX)  # nothing written because of it: not "rewrote"
    shutil.copy(FIXTURES / "dedupe" / "chain.yaml", tmp_path / "chain.yaml")
    stopped = run("dedupe", "--write", "good.yaml", "bad.yaml", "chain.yaml")
    assert stopped.exit_code == 2 and "would rewrite 1 of 2 files" in stopped.stdout
    assert (tmp_path / "chain.yaml").read_bytes() == (FIXTURES / "dedupe" / "chain.yaml").read_bytes()


# --- a named file that is plainly not Argo's and does not parse: every hook command skips it ---------


def test_a_named_helm_template_is_skipped_by_every_hook_command(tmp_path, monkeypatch):
    """pre-commit names every staged .yaml file: validate, lint, fix and dedupe (the four hooks) skip a Helm
    template as "not an Argo manifest" rather than fail on it; one that declares an Argo kind fails them all."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tpl.yaml").write_text('metadata:\n  labels: {{ include "x" . }}\n')
    (tmp_path / "good.yaml").write_text(GOOD)
    for args in (("validate", "--no-cache"), ("lint", "--no-cache"), ("fix", "--write"), ("dedupe", "--check")):
        result = run(*args, "tpl.yaml", "good.yaml")
        assert result.exit_code in (0, 1) and "WF010" not in result.stderr, (args, result.stderr)
        if args[0] in ("validate", "fix", "dedupe"):
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
    dedupe = run("dedupe", "tpl.yaml")
    assert dedupe.exit_code == 0
    assert dedupe.stdout.startswith("note: skipped tpl.yaml: not an Argo manifest and does not parse (WF010 at 2:")
    (tmp_path / "argo.yaml").write_text(SYNTAX)  # declares kind: Workflow: an error everywhere
    line = run("validate", "--no-cache", "argo.yaml").stdout.splitlines()[0]
    assert line.startswith("argo.yaml:4:11: error WF010 ")
    for args in (("fix", "--write"), ("dedupe", "--check")):
        result = run(*args, "tpl.yaml", "argo.yaml")
        assert result.exit_code == 2 and line in result.stderr.splitlines(), (args, result.stderr)


def test_graph_diff_refuses_hera_modules(tmp_path, monkeypatch):
    git_repo(tmp_path, monkeypatch, {"flow.py": FIXTURES / "python" / "hello_hera.py"})
    result = run("graph", "--hera", "--diff", "HEAD", "flow.py")  # was: every node marked "+", exit 0
    assert result.exit_code == 2 and result.stdout == ""
    assert "--diff cannot be combined with --hera" in result.stderr


def test_every_problem_of_an_unreadable_file_is_named_by_every_command(tmp_path, monkeypatch):
    """Two duplicate keys: validate lists both; dedupe and fix named only the first."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "dup.yaml").write_text(GOOD.replace("  name: a\n", "  name: a\n  name: b\n") + "  entrypoint: x\n")
    report = run("validate", "--no-cache", "dup.yaml").stdout.splitlines()
    expected = [x for x in report if " error WF011 " in x]
    assert [x.split(":")[1] for x in expected] == ["5", "12"]
    for args in (("graph",), ("diff", "good.yaml"), ("dedupe",), ("dedupe", "--write"), ("fix",), ("fix", "--write")):
        result = run(*args, "dup.yaml")
        assert result.exit_code == 2 and result.stdout == "", args
        assert result.stderr.splitlines() == expected, (args, result.stderr)
    assert "name: b" in (tmp_path / "dup.yaml").read_text()  # nothing rewritten


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_git_diff_reads_a_committed_symlink_through(tmp_path, monkeypatch):
    """git stores a link as its target's name: read as is, an unchanged repository showed the link's
    workflow as "added" (and, named, as an input error)."""
    git = git_repo(tmp_path, monkeypatch, {"real/wf.yaml": GOOD})
    os.symlink("real/wf.yaml", tmp_path / "link.yaml")
    os.symlink("nowhere.yaml", tmp_path / "dead.yaml")
    git("add", ".")
    git("commit", "-qm", "links")
    (tmp_path / "dead.yaml").unlink()  # it led nowhere then; gone now
    whole = run("diff", "--git", "HEAD", "-v")
    assert whole.exit_code == 0, (whole.stdout, whole.stderr)
    assert whole.stdout.splitlines() == [
        "skipped dead.yaml@HEAD: a symbolic link that leads to no file of the tree at this revision",
        "no differences (1 resource compared); 1 file skipped (no Argo workflow in it)",
    ]  # link.yaml and real/wf.yaml are one file: read once on both sides, as discovery reads it
    named = run("diff", "--git", "HEAD", "link.yaml")
    assert named.exit_code == 0 and named.stdout == "no differences (1 resource compared)\n", named.stderr
    _bump(tmp_path / "real" / "wf.yaml")  # the link's content changes with its target
    changed = run("diff", "--git", "HEAD", "link.yaml")
    assert changed.exit_code == 1 and "'alpine:3.20' -> 'alpine:3.21'" in changed.stdout

"""The directory walk and bounded reading: symlinked directories and loops, unreadable paths, special
files, stdin and file size bounds, `.gitignore` (checked against git itself), default excludes, and
files that are plainly not Argo manifests."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run
from wfctl.loader import discovery, gitignore
from wfctl.loader.discovery import Source, discover, read

WORKFLOW = (FIXTURES / "invalid" / "typos.yaml").read_text()  # has WF001 findings
CLEAN = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: alpine:3.20
"""


def names(sources: list[Source]) -> list[str]:
    return [Path(s.display).name for s in sources]


def write(path: Path, text: str = CLEAN) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def collect(*paths: Path, **kwargs) -> tuple[list[Source], list[str], list[str]]:
    notes: list[str] = []
    sources, errors = discover(tuple(str(p) for p in paths), note=notes.append, **kwargs)
    return sources, errors, notes


# --- symbolic links -------------------------------------------------------------------------------


def test_symlinked_directory_is_followed(tmp_path):
    write(tmp_path / "real" / "a.yaml")
    (tmp_path / "tree").mkdir()
    write(tmp_path / "tree" / "b.yaml")
    (tmp_path / "tree" / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    sources, errors, notes = collect(tmp_path / "tree")
    assert names(sources) == ["b.yaml", "a.yaml"] and errors == [] and notes == []
    assert sources[1].display.endswith("tree/linked/a.yaml")


def test_symlink_loop_is_noted_once_and_not_followed(tmp_path):
    write(tmp_path / "tree" / "sub" / "a.yaml")
    (tmp_path / "tree" / "sub" / "up").symlink_to(tmp_path / "tree", target_is_directory=True)
    (tmp_path / "tree" / "self").symlink_to(".", target_is_directory=True)
    sources, errors, notes = collect(tmp_path / "tree")
    assert names(sources) == ["a.yaml"] and errors == []
    assert len(notes) == 2 and all("symbolic link loop" in n for n in notes)
    assert any(n.split(":")[0].endswith("tree/sub/up") for n in notes)


def test_two_links_to_one_directory_walk_it_once(tmp_path):
    write(tmp_path / "shared" / "a.yaml")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "x").symlink_to(tmp_path / "shared", target_is_directory=True)
    (tree / "y").symlink_to(tmp_path / "shared", target_is_directory=True)
    sources, errors, notes = collect(tree)
    assert names(sources) == ["a.yaml"] and errors == []
    assert notes == []  # nothing is missing (a virtualenv's lib64 -> lib must not be noted on every run)


def test_broken_symlink_to_a_manifest_is_an_error(tmp_path):
    tree = tmp_path / "tree"
    write(tree / "ok.yaml")
    (tree / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tree / "gone-dir").symlink_to(tmp_path / "nowhere")  # not a manifest name: nothing was lost
    (tree / "ignored.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tree / ".gitignore").write_text("ignored.yaml\n")
    sources, errors, _ = collect(tree)
    assert names(sources) == ["ok.yaml"]
    assert len(errors) == 1 and errors[0].endswith("gone.yaml: broken symbolic link")


def test_cli_follows_symlinked_directory_and_survives_loops(tmp_path):
    write(tmp_path / "real" / "bad.yaml", WORKFLOW)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    result = run("validate", "-o", "json", str(tree))
    payload = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {f["file"].rsplit("/", 2)[-2] for f in payload["findings"]} == {"linked"}
    assert "symbolic link loop" in result.stderr


# --- unreadable paths -----------------------------------------------------------------------------


@pytest.fixture
def locked(monkeypatch):
    """Make directories named `locked` unreadable, as for a user without the permission (we run as root)."""
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_directory_is_an_error_with_its_path(tmp_path, locked):
    write(tmp_path / "tree" / "a.yaml")
    write(tmp_path / "tree" / "deep" / "locked" / "b.yaml")
    sources, errors, _ = collect(tmp_path / "tree")
    assert names(sources) == ["a.yaml"]
    assert errors == [
        f"{discovery.display_path(tmp_path / 'tree' / 'deep' / 'locked')}: cannot read directory: permission denied"
    ]


@pytest.mark.parametrize("command", ["validate", "lint", "dedupe", "diff", "apply"])
def test_unreadable_directory_is_exit_2_for_every_command(tmp_path, locked, command):
    write(tmp_path / "tree" / "a.yaml")
    write(tmp_path / "tree" / "locked" / "b.yaml")
    args = [command, str(tmp_path / "tree")]
    if command == "diff":
        args = ["diff", str(tmp_path / "tree"), str(tmp_path / "tree")]
    if command == "apply":  # client-side dry run: no cluster needed, and still nothing may be planned
        args = ["apply", "-f", str(tmp_path / "tree"), "--dry-run=client"]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "locked" in result.stderr and "permission denied" in result.stderr


def test_unreadable_file_in_a_walk_is_exit_2(tmp_path, monkeypatch):
    write(tmp_path / "tree" / "a.yaml", WORKFLOW)
    write(tmp_path / "tree" / "secret.yaml")
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self.name == "secret.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = run("validate", str(tmp_path / "tree"))
    assert result.exit_code == 2
    assert "secret.yaml: permission denied" in result.stderr
    assert "WF001" in result.stdout  # the other files are still checked


DROP_CAPS = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


@pytest.mark.skipif(shutil.which("setpriv") is None or os.geteuid() != 0, reason="needs root and setpriv")
def test_unreadable_directory_for_real_without_root_privileges(tmp_path):
    """The same, with the kernel refusing: root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH."""
    write(tmp_path / "tree" / "a.yaml")
    write(tmp_path / "tree" / "locked" / "b.yaml")
    (tmp_path / "tree" / "locked").chmod(0)
    try:
        proc = subprocess.run(
            [*DROP_CAPS, sys.executable, "-m", "wfctl", "validate", "--no-cache", str(tmp_path / "tree")],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    finally:
        (tmp_path / "tree" / "locked").chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert "tree/locked: cannot read directory: permission denied" in proc.stderr


# --- special files and bounded reading ------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
def test_fifo_in_a_walk_is_skipped_with_a_note_never_opened(tmp_path):
    write(tmp_path / "tree" / "a.yaml")
    os.mkfifo(tmp_path / "tree" / "pipe.yaml")
    sources, errors, notes = collect(tmp_path / "tree")
    assert names(sources) == ["a.yaml"] and errors == []
    assert len(notes) == 1 and "pipe.yaml: skipped, a FIFO (named pipe) is not a regular file" in notes[0]


@pytest.mark.skipif(not hasattr(__import__("socket"), "AF_UNIX"), reason="no Unix sockets here")
def test_socket_in_a_walk_is_skipped_with_a_note(tmp_path):
    import socket

    write(tmp_path / "tree" / "a.yaml")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "tree" / "s.yaml"))
    except OSError:  # path too long for a socket address
        pytest.skip("cannot bind a Unix socket here")
    try:
        sources, errors, notes = collect(tmp_path / "tree")
    finally:
        server.close()
    assert names(sources) == ["a.yaml"] and errors == []
    assert len(notes) == 1 and "s.yaml: skipped, a socket is not a regular file" in notes[0]


@needs_fifo
def test_validate_does_not_hang_on_a_fifo_in_a_directory(tmp_path):
    write(tmp_path / "tree" / "a.yaml", WORKFLOW)
    os.mkfifo(tmp_path / "tree" / "pipe.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "wfctl", "validate", "--no-cache", str(tmp_path / "tree")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 1  # a's findings; the FIFO is not an input error
    assert "WF001" in proc.stdout and "pipe.yaml: skipped" in proc.stderr


@needs_fifo
def test_special_file_named_on_the_command_line_is_exit_2(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run("validate", str(tmp_path / "pipe.yaml"))
    assert result.exit_code == 2
    assert "pipe.yaml: a FIFO (named pipe), not a regular file (use - for standard input)" in result.stderr
    _, errors = discover((os.devnull,))
    assert errors == [f"{os.devnull}: a character device, not a regular file (use - for standard input)"]


def test_read_refuses_a_path_that_became_special(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "p.yaml")
    result = read(Source("p.yaml", tmp_path / "p.yaml"))
    assert result.raw is None and result.error == "p.yaml: a FIFO (named pipe), not a regular file"


class Endless(io.RawIOBase):
    """A stream that never ends, counting what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        buffer[:] = b"a" * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


def test_stdin_is_read_with_the_bound_enforced_while_reading():
    stream = Endless()
    source = Source("<stdin>", stream=stream)  # type: ignore[arg-type]
    result = read(source, max_bytes=1000)
    assert result.raw is None and result.too_large == 1001 and not result.size_known
    assert stream.taken == 1001
    assert result.size_text == "more than 1,000 bytes"
    again = read(source, max_bytes=1000)  # the engine reads a source twice: the same answer, no more reading
    assert again.too_large == 1001 and stream.taken == 1001


def test_stdin_under_the_bound_is_read_whole():
    source = Source("<stdin>", stream=io.BytesIO(b"a: 1\n"))
    assert read(source, max_bytes=100).raw == b"a: 1\n"
    assert read(source, max_bytes=100).raw == b"a: 1\n"


def test_validate_stdin_from_dev_zero_stops_at_the_limit():
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run(
            [sys.executable, "-m", "wfctl", "validate", "--max-file-size", "1M", "-o", "json", "-"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    payload = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [f["rule"] for f in payload["findings"]] == ["WF014"]
    assert "more than 1,048,576 bytes" in payload["findings"][0]["message"]


def test_large_file_size_is_reported_exactly(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    result = read(Source("big.yaml", big), max_bytes=100)
    assert result.too_large == 5000 and result.size_known and result.size_text == "5,000 bytes"


# --- .gitignore -----------------------------------------------------------------------------------

GITIGNORE_CASES = [
    # (pattern lines, path, is_dir)
    (["*.yaml"], "a.yaml", False),
    (["*.yaml"], "d/a.yaml", False),
    (["*.yaml", "!keep.yaml"], "keep.yaml", False),
    (["*.yaml", "!keep.yaml"], "d/keep.yaml", False),
    (["build/"], "build", True),
    (["build/"], "build", False),
    (["build/"], "src/build", True),
    (["/build"], "src/build", True),
    (["/build"], "build", True),
    (["doc/frotz"], "doc/frotz", True),
    (["doc/frotz"], "a/doc/frotz", True),
    (["**/charts"], "x/y/charts", True),
    (["**/charts"], "charts", True),
    (["a/**/b.yaml"], "a/b.yaml", False),
    (["a/**/b.yaml"], "a/x/y/b.yaml", False),
    (["a/**"], "a/x.yaml", False),
    (["gen-?.yaml"], "gen-1.yaml", False),
    (["gen-?.yaml"], "gen-10.yaml", False),
    (["gen-[0-4].yaml"], "gen-3.yaml", False),
    (["gen-[!0-4].yaml"], "gen-3.yaml", False),
    (["gen-[!0-4].yaml"], "gen-7.yaml", False),
    (["# comment", "", "\\#hash.yaml"], "#hash.yaml", False),
    (["\\!bang.yaml"], "!bang.yaml", False),
    (["trailing.yaml   "], "trailing.yaml", False),
    (["x*y"], "x/y", False),
    (["*.yml", "!*.yml", "*.yml"], "a.yml", False),
    (["foo/**/"], "foo/x/y", True),
    (["foo/**/"], "foo/x.yaml", False),
    (["**"], "deep/a.yaml", False),
    (["d/*", "!d/keep.yaml"], "d/keep.yaml", False),
    (["d/*", "!d/keep.yaml"], "d/other.yaml", False),
    (["/*.yaml"], "sub/a.yaml", False),
    (["space\\ .yaml"], "space .yaml", False),
    (["[ab].yaml"], "b.yaml", False),
    (["[ab].yaml"], "c.yaml", False),
]


@pytest.mark.parametrize(("lines", "path", "is_dir"), GITIGNORE_CASES)
def test_gitignore_matcher_agrees_with_git(tmp_path, lines, path, is_dir):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("\n".join(lines) + "\n")
    target = tmp_path / path
    if is_dir:
        target.mkdir(parents=True, exist_ok=True)
        (target / "f").write_text("x")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x")
    proc = subprocess.run(
        [
            "git",
            "-c",
            "core.excludesFile=/dev/null",
            "check-ignore",
            "-q",
            "--no-index",
            path + ("/" if is_dir else ""),
        ],
        cwd=tmp_path,
        check=False,
    )
    git_says = proc.returncode == 0
    ours = gitignore.ignored(
        (gitignore.IgnoreFile(str(tmp_path), gitignore.parse("\n".join(lines))),), str(target), is_dir
    )
    assert ours == git_says, (lines, path, is_dir, git_says)


def test_deeper_gitignore_wins_and_negation_reincludes(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").write_text("generated/\n*.tmp.yaml\n")
    write(root / "wf" / "a.yaml")
    write(root / "wf" / "generated" / "g.yaml")
    write(root / "wf" / "x.tmp.yaml")
    write(root / "wf" / "sub" / "y.tmp.yaml")
    (root / "wf" / "sub" / ".gitignore").write_text("!y.tmp.yaml\n")
    sources, errors, _ = collect(root / "wf")  # the repository's root .gitignore applies to a subdirectory walk
    assert names(sources) == ["a.yaml", "y.tmp.yaml"] and errors == []
    sources, _, _ = collect(root / "wf", default_excludes=False)
    assert names(sources) == ["a.yaml", "x.tmp.yaml", "g.yaml", "y.tmp.yaml"]


def test_gitignore_above_a_nested_repository_does_not_apply(tmp_path):
    outer = tmp_path / "outer"
    (outer / ".git").mkdir(parents=True)
    (outer / ".gitignore").write_text("*.yaml\n")
    inner = outer / "inner"
    (inner / ".git").mkdir(parents=True)
    write(inner / "wf.yaml")
    assert names(collect(inner)[0]) == ["wf.yaml"]
    assert names(collect(outer)[0]) == []  # the outer repository's own walk honours its .gitignore


def test_gitignore_without_a_repository_applies_inside_the_walk(tmp_path):
    tree = tmp_path / "tree"
    write(tree / "keep.yaml")
    write(tree / "charts" / "t.yaml")
    (tree / ".gitignore").write_text("charts\n")
    sources, _, _ = collect(tree)
    assert names(sources) == ["keep.yaml"]


def test_default_excludes_and_explicit_paths(tmp_path):
    tree = tmp_path / "repo"
    write(tree / "wf.yaml")
    for skipped in (".venv", "venv", "node_modules", ".tox", "__pycache__", ".git", ".hidden"):
        write(tree / skipped / "lib" / "x.yaml", "not: argo\n")
    sources, _, _ = collect(tree)
    assert names(sources) == ["wf.yaml"]
    sources, _, _ = collect(tree, default_excludes=False)
    assert len(sources) == 8
    # named on the command line: always checked, even inside an excluded directory
    sources, _, _ = collect(tree / "venv", tree / "node_modules" / "lib" / "x.yaml")
    assert [s.display.split("/")[-3] for s in sources] == ["venv", "node_modules"]


def test_exclude_globs_still_apply(tmp_path):
    tree = tmp_path / "tree"
    write(tree / "a.yaml")
    write(tree / "gen" / "b.yaml")
    write(tree / "c.generated.yaml")
    sources, _, _ = collect(tree, exclude=("gen", "*.generated.yaml"))
    assert names(sources) == ["a.yaml"]


def test_cli_virtualenv_and_gitignore_and_no_default_excludes(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / "workflows" / "ok.yaml")
    write(repo / ".venv" / "lib" / "site-packages" / "pkg" / "bad.yaml", WORKFLOW)
    write(repo / "build" / "bad.yaml", WORKFLOW)
    (repo / ".gitignore").write_text("/build/\n")
    monkeypatch.chdir(repo)
    result = run("validate", "--no-cache", "-o", "json", ".")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["files"] == 1
    result = run("validate", "--no-cache", "-o", "json", "--no-default-excludes", ".")
    payload = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {f["file"] for f in payload["findings"]} == {".venv/lib/site-packages/pkg/bad.yaml", "build/bad.yaml"}
    named = run("validate", "--no-cache", "build/bad.yaml")  # named: checked even if ignored
    assert named.exit_code == 1 and "build/bad.yaml:" in named.stdout and " error WF" in named.stdout


# --- files that are not Argo manifests ------------------------------------------------------------

HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
"""
TSCONFIG = '{\n  // comments are fine in tsconfig\n  "compilerOptions": {"strict": true,},\n}\n'
JSON_ARRAY = '[{"name": "a"}, {"name": "b"}]\n'
BROKEN_ARGO = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x\n"


def test_not_argo_files_are_skipped_and_counted_argo_ones_stay_errors(tmp_path):
    tree = tmp_path / "repo"
    write(tree / "chart" / "templates" / "deployment.yaml", HELM)
    write(tree / "tsconfig.json", TSCONFIG)
    write(tree / "list.json", JSON_ARRAY)
    write(tree / "ok.yaml")
    result = run("validate", "--no-cache", "-v", str(tree))
    assert result.exit_code == 0, result.output
    for name in ("deployment.yaml", "tsconfig.json", "list.json"):
        assert any(name in line and "not an Argo manifest" in line for line in result.stdout.splitlines()), name
    assert "(1 Argo document checked, 3 other skipped)" in result.stdout
    write(tree / "broken.yaml", BROKEN_ARGO)
    result = run("validate", "--no-cache", "-o", "json", str(tree))
    assert result.exit_code == 1
    assert [(f["file"].rsplit("/", 1)[-1], f["rule"]) for f in json.loads(result.stdout)["findings"]] == [
        ("broken.yaml", "WF010")
    ]


def test_not_argo_manifest_unit():
    from wfctl.engine import Settings, load

    def loaded(text: str):
        return load(Source("f.yaml", content=text.encode()), Settings())

    helm = loaded(HELM)
    assert helm.problems == [] and len(helm.skipped) == 1
    assert helm.skipped[0].description.startswith("not an Argo manifest")
    assert loaded(JSON_ARRAY).problems == [] and loaded(TSCONFIG).problems == []
    assert [p.rule for p in loaded(BROKEN_ARGO).problems] == ["WF010"]
    # an Argo kind without the apiVersion still counts as Argo's
    assert [p.rule for p in loaded("kind: CronWorkflow\nspec: [\n").problems] == ["WF010"]
    # an argoproj.io apiVersion with no kind (maybe templated) counts too
    assert [p.rule for p in loaded("apiVersion: argoproj.io/v1alpha1\nkind: {{ .Kind }}\n").problems] == []
    assert [p.rule for p in loaded("apiVersion: argoproj.io/v1alpha1\nmetadata: {name: x\n").problems] == ["WF010"]
    # argoproj.io only as an RBAC api group or a CRD group, or Argo CD's kinds: a Helm template like any other
    rbac = "{{- if .Values.rbac.create }}\nkind: Role\nrules: [{apiGroups: [argoproj.io], resources: [workflows]}]\n"
    assert loaded(rbac + "{{- end }}\n").problems == []
    argocd = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: {{ .Values.name }}}\n"
    assert loaded(argocd).problems == []
    # a clean non-Argo file is skipped as before, per document
    assert [s.description for s in loaded("apiVersion: v1\nkind: ConfigMap\n").skipped] == ["v1 ConfigMap"]


# --- what the pre-commit hooks check --------------------------------------------------------------


def test_precommit_files_pattern_is_the_walks_extensions_and_the_readme_says_so():
    import re

    from ruamel.yaml import YAML

    hooks = {h["id"]: h for h in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    readme = (ROOT / "README.md").read_text()
    for hook_id in ("wfctl-validate", "wfctl-lint"):
        pattern = re.compile(hooks[hook_id]["files"])
        assert [
            n for n in ("a.yaml", "d/b.yml", "c.json", "x.txt", "y.yaml.bak", "tsconfig.jsonc") if pattern.search(n)
        ] == [
            "a.yaml",
            "d/b.yml",
            "c.json",
        ]
        assert all(pattern.search("f" + ext) for ext in discovery.EXTENSIONS)
        assert f"`{hooks[hook_id]['files']}`" in readme
    assert f"`{hooks['wfctl-dedupe']['files']}`" in readme


# ------------------------------------------------------------------ each input once


def test_a_file_named_twice_or_also_walked_is_read_once(tmp_path):
    first = write(tmp_path / "a.yaml")
    write(tmp_path / "b.yaml")
    os.link(first, tmp_path / "hard.yaml")  # the same file under another name
    sources, errors = discover((str(first), str(first), str(tmp_path)))
    assert errors == []
    assert names(sources) == ["a.yaml", "b.yaml"]  # in the order first found, under the first name


def test_stdin_given_twice_is_an_input_error(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLEAN.encode())))
    sources, errors = discover(("-", "-"))
    assert len(sources) == 1
    assert errors == ["-: standard input given more than once"]


def test_cli_checks_a_repeated_file_once_and_refuses_stdin_twice(tmp_path):
    bad = tmp_path / "typos.yaml"
    bad.write_text(WORKFLOW)
    once = run("lint", "-o", "json", str(bad))
    twice = run("lint", "-o", "json", str(bad), str(bad), str(tmp_path))
    assert twice.exit_code == once.exit_code == 1
    assert json.loads(twice.stdout)["findings"] == json.loads(once.stdout)["findings"]
    assert json.loads(twice.stdout)["summary"]["files"] == 1
    doubled = run("validate", "-", "-", input=CLEAN)
    assert doubled.exit_code == 2
    assert "wfctl: error: -: standard input given more than once" in doubled.stderr


def test_not_a_file_says_why(tmp_path):
    good = write(tmp_path / "a.yaml")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "gone.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    assert discovery.not_a_file(good) is None
    assert discovery.not_a_file(tmp_path / "missing.yaml") == "no such file or directory"
    assert discovery.not_a_file(tmp_path / "link.yaml") == "broken symbolic link"
    assert discovery.not_a_file(tmp_path) == "a directory, not a regular file"
    assert discovery.not_a_file(tmp_path / "fifo.yaml") == "a FIFO (named pipe), not a regular file"

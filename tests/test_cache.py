"""The results cache: same findings with and without it, replay, invalidation, robustness, `wfctl clean`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import wfctl
from tests.conftest import FIXTURES, ROOT, run
from wfctl import cache as cache_mod
from wfctl.engine import Settings
from wfctl.model import FileResult, Finding, Severity

LIB = """apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: lib
spec:
  templates:
    - name: greet
      inputs:
        parameters:
          - name: who{default}
      container:
        image: busybox:1.36
        command: [echo, "{{{{inputs.parameters.who}}}}"]
"""

USER = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: user-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: hello
            templateRef:
              name: lib
              template: greet
"""

SUPPRESSED = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: Bad_Name
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: busybox:1.36
        imagePullPolicy: Sometimes  # wfctl: ignore[WF101]
        bogus: 1
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (its own .git) with a cross-file reference and findings with positions and suppressions."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "a-user.yaml").write_text(USER)
    (tmp_path / "lib.yaml").write_text(LIB.format(default=""))
    (tmp_path / "odd.yaml").write_text(SUPPRESSED)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WFCTL_CACHE_DIR", raising=False)
    monkeypatch.delenv("WFCTL_CONFIG", raising=False)
    return tmp_path


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("v1/*/*/*.json"))


def json_findings(*args: str) -> tuple[int, list[dict]]:
    result = run("lint", "-o", "json", *args)
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_default_location_gitignore_and_same_findings(project: Path) -> None:
    cold_code, cold = json_findings(".", "-j1")
    cache_dir = project / ".wfctl_cache"
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    assert (cache_dir / "CACHEDIR.TAG").is_file()
    assert len(entries(cache_dir)) == 3
    warm_code, warm = json_findings(".", "-j1")
    none_code, uncached = json_findings(".", "--no-cache")
    assert cold_code == warm_code == none_code == 1
    assert cold == warm == uncached
    rules = {f["rule"] for f in cold}
    assert {"WF120", "WF104"} <= rules
    # the suppression comment still holds on replay; positions are kept
    odd = [f for f in warm if f["file"] == "odd.yaml"]
    assert odd and all(f["line"] >= 1 and f["column"] >= 1 for f in odd)
    assert not any(f["rule"] == "WF101" and f["line"] == 11 for f in odd)


def test_text_output_identical_cold_and_warm(project: Path) -> None:
    cold = run("lint", ".", "--color", "never")
    warm = run("lint", ".", "--color", "never")
    assert cold.exit_code == warm.exit_code == 1
    assert cold.stdout == warm.stdout
    assert "a-user.yaml:10:13" in warm.stdout


def _mark_entries(cache_dir: Path, marker: str) -> int:
    """Rewrite every cached message, so that a replayed result can be told from a re-checked one."""
    marked = 0
    for path in entries(cache_dir):
        data = json.loads(path.read_text())
        for row in data["findings"]:
            row[2] = marker
            marked += 1
        path.write_text(json.dumps(data))
    return marked


def test_unchanged_files_are_replayed_not_rechecked(project: Path) -> None:
    run("lint", ".")
    assert _mark_entries(project / ".wfctl_cache", "REPLAYED") > 0
    again = run("lint", ".")
    assert "REPLAYED" in again.stdout
    assert "REPLAYED" not in run("lint", ".", "--no-cache").stdout


def test_template_change_in_another_file_invalidates(project: Path) -> None:
    _code, findings = json_findings(".")
    assert any(f["rule"] == "WF120" and f["file"] == "a-user.yaml" for f in findings)
    _mark_entries(project / ".wfctl_cache", "REPLAYED")
    (project / "lib.yaml").write_text(LIB.format(default="\n            default: world"))
    result = run("lint", ".")
    # a-user.yaml did not change, but the template it references did: it is checked again
    assert "WF120" not in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("a-user") and "REPLAYED" in line]
    assert "REPLAYED" in result.stdout  # odd.yaml references nothing: still replayed
    (project / "lib.yaml").write_text(LIB.format(default=""))
    assert "WF120" in run("lint", ".").stdout


def test_removing_the_referenced_template_invalidates(project: Path) -> None:
    run("validate", "--strict-refs", ".")
    (project / "lib.yaml").unlink()
    result = run("validate", "--strict-refs", ".")
    assert "WF109" in result.stdout and "'lib'" in result.stdout


def test_config_change_invalidates(project: Path) -> None:
    assert "WF104" in run("lint", ".").stdout
    _mark_entries(project / ".wfctl_cache", "REPLAYED")
    (project / ".wfctl.yaml").write_text("ignore: [WF104]\n")
    result = run("lint", ".")
    assert "WF104" not in result.stdout
    assert "REPLAYED" not in result.stdout  # new settings: nothing replayed
    assert result.exit_code == 1  # WF120 still there


def test_version_change_invalidates(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("lint", ".")
    _mark_entries(project / ".wfctl_cache", "REPLAYED")
    assert "REPLAYED" in run("lint", ".").stdout
    monkeypatch.setattr(wfctl, "__version__", "99.0.0")
    assert "REPLAYED" not in run("lint", ".").stdout


def test_run_key_depends_on_settings_version_and_argo_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = cache_mod.run_key(Settings())
    assert cache_mod.run_key(Settings()) == base
    assert cache_mod.run_key(Settings(argo_version="3.7")) != base
    assert cache_mod.run_key(Settings(ignore={"WF104"})) != base
    assert cache_mod.run_key(Settings(stages=("input", "argo", "practice"))) != base
    monkeypatch.setattr(wfctl, "__version__", "99.0.0")
    assert cache_mod.run_key(Settings()) != base


def test_corrupt_and_foreign_entries_are_ignored_and_rebuilt(project: Path) -> None:
    _, expected = json_findings(".")
    paths = entries(project / ".wfctl_cache")
    paths[0].write_bytes(b"\x00\xffnot json")
    paths[1].write_text(json.dumps({"file": "elsewhere", "hash": "x"}))
    paths[2].write_text(json.dumps(["some", "other", "tool"]))
    (project / ".wfctl_cache" / "v1" / "junk").write_text("foreign")
    code, findings = json_findings(".")
    assert code == 1 and findings == expected
    for path in paths:  # rewritten as proper entries
        assert json.loads(path.read_text())["file"] in {"a-user.yaml", "lib.yaml", "odd.yaml"}


def test_no_cache_writes_nothing_and_cache_dir_env(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    run("validate", ".", "--no-cache")
    assert not (project / ".wfctl_cache").exists()
    elsewhere = tmp_path_factory.mktemp("c") / "cache"
    run("validate", ".", env={"WFCTL_CACHE_DIR": str(elsewhere)})
    assert len(entries(elsewhere)) == 3 and not (project / ".wfctl_cache").exists()
    flag = tmp_path_factory.mktemp("d") / "cache"
    run("validate", ".", "--cache-dir", str(flag), env={"WFCTL_CACHE_DIR": str(elsewhere)})
    assert len(entries(flag)) == 3


def test_unusable_cache_dir_does_not_fail_the_run(project: Path) -> None:
    blocker = project / "not-a-dir"
    blocker.write_text("a user's file\n")
    result = run("validate", ".", "--cache-dir", str(blocker))
    assert result.exit_code == 1 and "WF120" in result.stdout
    assert blocker.read_text() == "a user's file\n"


def test_clean(project: Path) -> None:
    run("validate", ".")
    assert (project / ".wfctl_cache").is_dir()
    result = run("clean")
    assert result.exit_code == 0 and "removed" in result.stderr
    assert not (project / ".wfctl_cache").exists()
    assert run("clean").exit_code == 0
    mine = project / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    refused = run("clean", "--cache-dir", str(mine))
    assert refused.exit_code == 2 and "does not look like a wfctl cache" in refused.stderr
    assert (mine / "notes.txt").read_text() == "keep me"


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    cache = cache_mod.Cache(tmp_path / "c", "k")
    result = FileResult("f.yaml", [Finding("WF104", Severity.ERROR, "m" * 2000, "f.yaml", 3, 5, 3, 9)], 1)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(200):
                cache.put("f.yaml", "h", [], result)
                got = cache.get("f.yaml", "h")
                assert got is not None and got[1].findings[0].line == 3
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not list((tmp_path / "c").rglob(".tmp-*"))


def test_concurrent_processes(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "wfctl", "lint", "-o", "json", ".", str(FIXTURES / "examples")]
    procs = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE) for _ in range(3)]
    outputs = [json.loads(p.communicate(timeout=120)[0])["findings"] for p in procs]
    assert outputs[0] == outputs[1] == outputs[2]
    for path in entries(project / ".wfctl_cache"):
        assert json.loads(path.read_text())["hash"]
    again = subprocess.run(cmd, cwd=project, env=env, capture_output=True, timeout=120)
    assert json.loads(again.stdout)["findings"] == outputs[0]


def test_a_file_changed_during_the_run_is_not_cached_under_the_wrong_content(tmp_path: Path) -> None:
    from wfctl import engine
    from wfctl.loader.discovery import Source

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(SUPPRESSED)
    b.write_text(SUPPRESSED)
    settings = Settings()
    cache = cache_mod.Cache(tmp_path / "c", cache_mod.run_key(settings))
    results = engine.run([Source("a.yaml", a), Source("b.yaml", b)], settings, cache=cache)
    next(results)  # every file scanned, a.yaml checked
    old_hash = cache_mod.content_hash(b.read_bytes())
    b.write_text(USER)  # changes before it is checked
    _, result = next(results)
    assert result is not None and not any(f.rule == "WF104" for f in result.findings)
    assert cache.get("a.yaml", cache_mod.content_hash(a.read_bytes())) is not None
    assert cache.get("b.yaml", old_hash) is None
    assert cache.get("b.yaml", cache_mod.content_hash(b.read_bytes())) is None


def test_clean_removes_only_what_wfctl_wrote(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a user's directory named as the cache got `.gitignore` (`*`) and CACHEDIR.TAG, and
    `wfctl clean` then removed the whole directory, `.git` and notes included."""
    (project / "NOTES.md").write_text("mine")
    (project / ".git").mkdir(exist_ok=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = {p.relative_to(project) for p in project.rglob("*")}
    for flag in (["--cache-dir", str(project)], ["--cache-dir", "."]):
        monkeypatch.chdir(project)
        assert run("validate", ".", *flag).exit_code in (0, 1)
        assert not (project / ".gitignore").exists() and not (project / "CACHEDIR.TAG").exists()
        assert (project / cache_mod.FORMAT).is_dir()  # the entries themselves
        result = run("clean", *flag)
        assert result.exit_code == 0 and "removed" in result.stderr, result.stderr
        assert {p.relative_to(project) for p in project.rglob("*")} == before
        assert (project / "NOTES.md").read_text() == "mine"


def test_clean_refuses_a_v1_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / cache_mod.FORMAT).mkdir()
    (tmp_path / cache_mod.FORMAT / "design.md").write_text("mine")
    (tmp_path / "CACHEDIR.TAG").write_text(cache_mod.TAG)
    result = run("clean", "--cache-dir", str(tmp_path))
    assert result.exit_code == 2 and "did not write" in result.stderr
    assert (tmp_path / cache_mod.FORMAT / "design.md").read_text() == "mine"

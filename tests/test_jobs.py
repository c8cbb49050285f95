"""`--jobs`: the same output in the same order as one job; the light template index; progress display."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, UPSTREAM_EXAMPLES, run
from wfctl import engine, progress
from wfctl.argo.index import TemplateIndex
from wfctl.engine import Settings, load
from wfctl.loader.discovery import Source
from wfctl.parallel import ordered_map
from wfctl.scan import LazyIndex, quick_templates


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Every rule fixture (findings of every kind), plus a reference from an early file to a late one."""
    out = tmp_path / "corpus"
    for i, path in enumerate(sorted((FIXTURES / "rules").rglob("*.yaml"))):
        target = out / f"{i:03d}-{path.parent.name}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    (out / "000-caller.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: c-\nspec:\n"
        "  entrypoint: main\n  templates:\n    - name: main\n      steps:\n        - - name: s\n"
        "            templateRef: {name: zz-lib, template: nope}\n"
    )
    (out / "zzz-lib.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: zz-lib\nspec:\n"
        "  templates:\n    - name: real\n      container: {image: busybox:1.36}\n"
    )
    assert len(list(out.iterdir())) >= engine.POOL_MIN_FILES  # enough for worker processes to start
    return out


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_give_the_same_output_in_the_same_order(corpus: Path, fmt: str) -> None:
    one = run("lint", "-o", fmt, "-j1", "--no-cache", "--isolated", str(corpus))
    two = run("lint", "-o", fmt, "-j2", "--no-cache", "--isolated", str(corpus))
    many = run("lint", "-o", fmt, "-j", "7", "--no-cache", "--isolated", str(corpus))
    assert one.exit_code == two.exit_code == many.exit_code == 1
    assert one.stdout == two.stdout == many.stdout
    assert "has no template 'nope'" in one.stdout  # the reference to a later file resolved


def test_jobs_with_a_warm_cache(corpus: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    expected = run("lint", "-o", "json", "-j1", "--no-cache", "--isolated", str(corpus)).stdout
    cold = run("lint", "-o", "json", "-j2", "--cache-dir", cache, "--isolated", str(corpus)).stdout
    warm = run("lint", "-o", "json", "-j2", "--cache-dir", cache, "--isolated", str(corpus)).stdout
    assert json.loads(expected) == json.loads(cold) == json.loads(warm)


def test_default_jobs_is_every_core(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = engine.run

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["jobs"])
        return real(*args, **kwargs)

    monkeypatch.setattr("wfctl.cli.checkrun.run", spy)
    run("validate", "--no-cache", str(corpus))
    assert seen == [len(os.sched_getaffinity(0))]


def test_ordered_map_keeps_order() -> None:
    items = list(range(300))
    assert list(ordered_map(abs, [-i for i in items], 3)) == items


def _real_templates(path: Path) -> list[tuple[str, str, str]]:
    docs = load(Source(path.name, path), Settings()).documents
    return [
        (d.kind, d.metadata["name"], d.namespace)
        for d in docs
        if d.kind in ("WorkflowTemplate", "ClusterWorkflowTemplate") and isinstance(d.metadata.get("name"), str)
    ]


def _all_inputs() -> list[Path]:
    paths = sorted(FIXTURES.rglob("*.yaml")) + sorted(FIXTURES.rglob("*.json"))
    if UPSTREAM_EXAMPLES.is_dir():
        paths += sorted(UPSTREAM_EXAMPLES.rglob("*.yaml"))
    return paths


def test_quick_scan_agrees_with_the_parser() -> None:
    quick_answers = 0
    for path in _all_inputs():
        found = quick_templates(path.read_bytes())
        if found is not None:
            quick_answers += 1
            assert found == _real_templates(path), path
    assert quick_answers > 50


@pytest.mark.parametrize(
    "text",
    [
        '{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate", "metadata": {"name": "j"}}',
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: flow}\n",
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: argoproj.io/v1alpha1\n    kind: WorkflowTemplate\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: &a x\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: yes\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: a\n  name: b\n",
    ],
)
def test_quick_scan_defers_what_it_cannot_be_sure_of(text: str) -> None:
    assert quick_templates(text.encode()) is None


def test_quick_scan_simple_cases() -> None:
    assert quick_templates(b"apiVersion: v1\nkind: ConfigMap\n") == []
    text = (
        b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: w\n---\n"
        b"apiVersion: argoproj.io/v1alpha1\nkind: ClusterWorkflowTemplate\nmetadata:\n"
        b"  labels:\n    name: not-this\n  name: 'c1'  # comment\n---\n"
        b'apiVersion: "argoproj.io/v1alpha1"\nkind: WorkflowTemplate\nmetadata:\n    namespace: ns\n    name: t.2\n'
    )
    assert quick_templates(text) == [("ClusterWorkflowTemplate", "c1", ""), ("WorkflowTemplate", "t.2", "ns")]
    assert quick_templates("kind: WorkflowTemplate".encode("utf-16")) is None


def test_lazy_index_answers_like_the_full_index() -> None:
    paths = [p for p in _all_inputs() if b"WorkflowTemplate" in p.read_bytes()]
    settings = Settings()
    sources = [Source(p.name, p) for p in paths]
    full = TemplateIndex()
    lazy = engine.scan(sources, settings)
    names: set[tuple[str, str]] = set()
    for s in sources:
        docs = load(s, settings).documents
        full.add(docs)
        names |= {(str(d.metadata.get("name")), d.namespace) for d in docs}
    assert names
    for name, namespace in [*sorted(names), ("absent", ""), ("absent", "ns")]:
        for cluster in (False, True):
            for ns in {namespace, "", "elsewhere"}:
                want = full.lookup(name, cluster_scope=cluster, namespace=ns)
                got = lazy.lookup(name, cluster_scope=cluster, namespace=ns)
                assert (want is None) == (got is None), (name, cluster, ns)
                if want is not None and got is not None:
                    assert want.data == got.data and want.kind == got.kind


def test_lazy_index_records_lookups_and_keeps_few_files(tmp_path: Path) -> None:
    sources = []
    for i in range(40):
        path = tmp_path / f"t{i}.yaml"
        path.write_text(f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: t{i}\n")
        sources.append(Source(path.name, path))
    index = engine.scan(sources, Settings())
    assert isinstance(index, LazyIndex)
    index.deps = []
    for i in range(40):
        assert index.lookup(f"t{i}", cluster_scope=False) is not None
    assert index.lookup("t0", cluster_scope=True) is None
    assert len(index.recent) <= index.keep
    assert len(index.deps) == 41 and index.still_valid(index.deps)
    (tmp_path / "t3.yaml").write_text((tmp_path / "t3.yaml").read_text() + "spec: {}\n")
    assert not engine.scan(sources, Settings()).still_valid(index.deps)


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shown_only_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = FakeTTY()
    p = progress.Progress(10, stream)
    p.advance()
    assert stream.getvalue() == ""  # a short run shows nothing
    monkeypatch.setattr(progress, "DELAY", 0.0)
    p = progress.Progress(10, stream)
    p.advance(3)
    assert "3/10 files" in stream.getvalue() and "files/s" in stream.getvalue()
    p.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert progress.wanted(FakeTTY(), quiet=False, output="text")
    assert not progress.wanted(io.StringIO(), quiet=False, output="text")  # not a terminal
    assert not progress.wanted(FakeTTY(), quiet=True, output="text")
    assert not progress.wanted(FakeTTY(), quiet=False, output="json")
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(FakeTTY(), quiet=False, output="text")


def test_progress_reaches_stderr_on_a_terminal(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "wanted", lambda stream, quiet, output: not quiet and output == "text")
    shown = run("validate", "--no-cache", "-j1", str(corpus))
    assert f"/{len(list(corpus.iterdir()))} files" in shown.stderr
    assert "files" not in run("validate", "--no-cache", "-j1", "-q", str(corpus)).stderr


def test_spawned_workers_give_the_same_results(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is not available (macOS, Windows) the job is pickled into spawned workers."""
    import multiprocessing

    settings = Settings(stages=("input", "argo", "practice"))
    sources = [Source(p.name, p) for p in sorted(corpus.iterdir())]
    expected = [
        (r.file, [(f.rule, f.line, f.column, f.message) for f in r.findings]) for _, r in engine.run(sources, settings)
    ]
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    got = [
        (r.file, [(f.rule, f.line, f.column, f.message) for f in r.findings])
        for _, r in engine.run(sources, settings, jobs=2)
    ]
    assert got == expected
    assert any(findings for _, findings in got)


def test_memory_does_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    """Parsed files are dropped once checked: peak memory for 300 files is close to that for 60."""
    import gc
    import tracemalloc

    text = (FIXTURES / "rules" / "WF104" / "fail.yaml").read_text()

    def peak(count: int) -> int:
        directory = tmp_path / str(count)
        directory.mkdir()
        for i in range(count):
            (directory / f"f{i:04d}.yaml").write_text(text.replace("Bad_Name", f"Bad_Name{i}"))
        sources = [Source(p.name, p) for p in sorted(directory.iterdir())]
        gc.collect()
        tracemalloc.start()
        try:
            for _, result in engine.run(sources, Settings()):
                assert result is not None and result.findings
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(5)  # warm up: imports, schemas, compiled patterns
    small, large = peak(60), peak(300)
    # names, hashes and index entries only: well under 4 KB per extra file (a parsed file costs ~40 KB)
    assert large - small < 240 * 4096, (small, large)

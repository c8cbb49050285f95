"""Regressions found by the issue-13 audit (cache, --jobs, fast path), each through the CLI and at unit level.

- A `templateRef` whose WorkflowTemplate becomes defined twice (or once again) in another file: the
  cache replayed the old answer, because the "defined more than once" question was not recorded.
- A corrupt cache entry that is too deeply nested or holds 1e400 for a line was an internal error.
- A worker process that died was reported as an "internal error" with a Python exception name.
- Worker processes outlived a wfctl killed by SIGTERM or SIGKILL (they waited for work for ever).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run
from wfctl import cache as cache_mod
from wfctl import engine, parallel
from wfctl.engine import Settings
from wfctl.loader.discovery import Source

CALLER = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: use-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: call
            templateRef:
              name: shared
              template: other
"""

SHARED = """apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: shared
spec:
  templates:
    - name: {name}
      container:
        image: alpine:3.20
"""


@pytest.fixture
def twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """wf.yaml calls shared/other; b.yaml defines `shared` without it, c.yaml defines `shared` with it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "wf.yaml").write_text(CALLER)
    (tmp_path / "b.yaml").write_text(SHARED.format(name="hello"))
    (tmp_path / "c.yaml").write_text(SHARED.format(name="other"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WFCTL_CACHE_DIR", raising=False)
    monkeypatch.delenv("WFCTL_CONFIG", raising=False)
    return tmp_path


def _validate(*templates: str, cache: bool = True) -> tuple[int, list[str]]:
    args = ["validate", "-o", "json", "-j1", "--isolated", "wf.yaml"]
    for t in templates:
        args += ["--templates", t]
    result = run(*args, *([] if cache else ["--no-cache"]))
    return result.exit_code, [f"{f['rule']} {f['message']}" for f in json.loads(result.stdout)["findings"]]


def test_a_template_defined_twice_in_other_files_invalidates_the_cache(twice: Path) -> None:
    once, both = _validate("b.yaml", cache=False), _validate("b.yaml", "c.yaml", cache=False)
    assert once[0] == 1 and any("has no template 'other'" in f for f in once[1])
    assert both == (0, [])  # which `shared` the cluster holds cannot be known: not a miss
    for order in (["b.yaml"], ["b.yaml", "c.yaml"], ["b.yaml"], ["b.yaml", "c.yaml"]):
        expected = once if order == ["b.yaml"] else both
        assert _validate(*order) == expected, order  # the cache filled by the other run must not answer
    assert (twice / ".wfctl_cache").is_dir()


def test_the_lazy_index_records_the_defined_twice_question() -> None:
    sources = [Source("b.yaml", content=SHARED.format(name="hello").encode())]
    both = [*sources, Source("c.yaml", content=SHARED.format(name="other").encode())]
    one_index, two_index = engine.scan(sources, Settings()), engine.scan(both, Settings())
    one_index.deps = []
    assert not one_index.ambiguous("shared", cluster_scope=False)
    assert one_index.deps and one_index.still_valid(one_index.deps)
    assert not two_index.still_valid(one_index.deps)  # the same lookup now answers "defined twice"
    two_index.deps = []
    assert two_index.ambiguous("shared", cluster_scope=False)
    assert two_index.still_valid(two_index.deps) and not one_index.still_valid(two_index.deps)


@pytest.mark.parametrize(
    "entry",
    [
        "[" * 100_000 + "]" * 100_000,
        '{{"file": "wf.yaml", "hash": "{h}", "documents": 1, "skipped": [], "deps": [],'
        ' "findings": [["WF109", 2, "x", 1e400, 1, 1, 1, "Workflow", "n", [], false, null]]}}',
    ],
    ids=["nested", "overflow"],
)
def test_a_corrupt_entry_that_breaks_the_decoder_is_a_miss(twice: Path, entry: str) -> None:
    expected = _validate("b.yaml", cache=False)
    assert _validate("b.yaml") == expected
    [path] = list((twice / ".wfctl_cache").glob("v1/*/*/*.json"))
    path.write_text(entry.format(h=cache_mod.content_hash((twice / "wf.yaml").read_bytes())))
    directory, key = path.parents[2], path.parents[1].name
    assert cache_mod.Cache(directory, key).get("wf.yaml", cache_mod.content_hash(b"x")) is None
    result = run("validate", "-o", "json", "-j1", "--isolated", "wf.yaml", "--templates", "b.yaml")
    assert "internal error" not in result.stderr
    assert (
        result.exit_code,
        [f"{f['rule']} {f['message']}" for f in json.loads(result.stdout)["findings"]],
    ) == expected
    assert json.loads(path.read_text())["file"] == "wf.yaml"  # rewritten


# --- worker processes


def _die_on(item: int) -> int:
    if item == 40:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_a_worker_that_dies_raises_worker_died() -> None:
    seen: list[int] = []
    with pytest.raises(parallel.WorkerDied, match="ended abruptly"):
        seen.extend(parallel.ordered_map(_die_on, list(range(200)), 2))
    assert seen == list(range(len(seen))) and len(seen) < 200


KILLER = """
import os, signal, sys
from wfctl import engine
real = engine.FileJob.__call__
def call(self, number):
    if number == 30:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return real(self, number)
engine.FileJob.__call__ = call
from wfctl.cli import main
main(sys.argv[1:])
"""


def _corpus(tmp_path: Path) -> Path:
    out = tmp_path / "corpus"
    out.mkdir()
    files = sorted((FIXTURES / "rules").rglob("*.yaml"))
    for i, path in enumerate(files):
        (out / f"{i:03d}-{path.name}").write_bytes(path.read_bytes())
    assert len(files) >= 2 * engine.POOL_MIN_FILES
    return out


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_a_dead_worker_is_a_clear_error_through_the_cli(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["lint", "-o", "json", "-j", "2", "--no-cache", "--isolated", str(corpus)]
    proc = subprocess.run([sys.executable, "-c", KILLER, *args], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("wfctl: error: a worker process (--jobs) ended abruptly"), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    reported = json.loads(proc.stdout)  # what was checked before it is still a complete document
    assert reported["summary"]["files"] < len(list(corpus.iterdir()))


SLEEPER = """
import sys, time
from wfctl.parallel import ordered_map
def job(item):
    time.sleep(120)
    return item
for _ in ordered_map(job, list(range(64)), 2):
    pass
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_end_when_wfctl_is_killed(sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SLEEPER], env=env, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) == 2, "the workers did not start"
        proc.send_signal(sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15  # the workers check every ORPHAN_CHECK (0.5) seconds
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers outlived their parent"
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


# --- wfctl.records: every record class in wfctl behaves as the same class made by dataclasses


def _record_classes() -> list[type]:
    import importlib
    import pkgutil

    import wfctl
    from wfctl import records

    found = []
    for info in pkgutil.walk_packages(wfctl.__path__, "wfctl."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue  # `__main__` runs wfctl; importing `wfctl.rules._catalog` rebinds `wfctl.rules._catalog`
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and obj.__module__ == module.__name__ and records.FIELDS in obj.__dict__
        ]
    return found


def _twin(cls: type) -> type:
    """The same class source, made by the standard library's dataclasses."""
    import dataclasses
    import inspect
    import textwrap

    module = sys.modules[cls.__module__]
    scope = {**vars(module), "dataclass": dataclasses.dataclass, "field": dataclasses.field}
    namespace: dict[str, type] = {}
    exec(compile(textwrap.dedent(inspect.getsource(cls)), module.__file__ or "", "exec"), scope, namespace)
    twin = namespace[cls.__name__]
    twin.__qualname__ = cls.__qualname__
    return twin


class _Token:
    """A field value that compares, hashes and prints by its number."""

    def __init__(self, number: int) -> None:
        self.number = number

    def __repr__(self) -> str:
        return f"T{self.number}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Token) and other.number == self.number

    def __hash__(self) -> int:
        return self.number


def _set(obj: object, name: str) -> tuple[str, bool]:
    """What assigning an attribute does: ("ok", False) or ("raises", whether an AttributeError)."""
    try:
        setattr(obj, name, 1)
    except Exception as exc:
        return ("raises", isinstance(exc, AttributeError))
    return ("ok", False)


@pytest.mark.parametrize("cls", _record_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_record_class_behaves_as_its_dataclass(cls: type) -> None:
    import copy
    import dataclasses
    import pickle

    from wfctl import records

    std = _twin(cls)
    assert [f.name for f in records.fields(cls)] == [f.name for f in dataclasses.fields(std)]
    assert (cls.__hash__ is None) == (std.__hash__ is None)
    assert cls.__match_args__ == std.__match_args__
    assert hasattr(cls, "__slots__") == hasattr(std, "__slots__")
    required = [
        f.name
        for f in dataclasses.fields(std)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    values = {name: _Token(i) for i, name in enumerate(required)}
    mine, theirs = cls(**values), std(**values)
    assert repr(mine) == repr(theirs)
    assert (mine == cls(**values)) == (theirs == std(**values))
    if cls.__hash__ is not None:
        assert hash(mine) == hash(cls(**values))
    again = pickle.loads(pickle.dumps(mine))  # --jobs sends records to and from worker processes
    assert again == mine or not dataclasses.fields(std)[0].compare
    assert repr(again) == repr(mine) and repr(copy.deepcopy(mine)) == repr(mine)
    frozen = std.__dataclass_params__.frozen  # type: ignore[attr-defined]
    for name in [*[f.name for f in dataclasses.fields(std)][:1], "not_a_field"]:
        got, expected = _set(mine, name), _set(theirs, name)
        if frozen:  # dataclasses' frozen+slots raises TypeError for a new name (a CPython 3.11 bug): both refuse
            assert got[0] == expected[0] == "raises", name
        else:
            assert got == expected, name


# --- wfctl clean never removes a file of the user's inside the cache's entries


def test_clean_keeps_a_run_key_directory_holding_a_users_file(twice: Path) -> None:
    assert _validate("b.yaml")[0] == 1
    cache_dir = twice / ".wfctl_cache"
    [entry] = list(cache_dir.glob("v1/*/*/*.json"))
    notes = entry.parents[1] / "notes.md"  # v1/<run key>/notes.md
    notes.write_text("mine")
    result = run("clean")
    assert result.exit_code == 2 and "did not write" in result.stderr, result.stderr
    assert notes.read_text() == "mine"
    notes.unlink()
    result = run("clean")
    assert result.exit_code == 0 and "removed" in result.stderr, result.stderr
    assert not cache_dir.exists()


# --- Ctrl-C while the workers start: no worker traceback, no hang


def _signal_state(_item: int) -> tuple[bool, bool]:
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN, signal.SIGINT in signal.pthread_sigmask(
        signal.SIG_BLOCK, []
    )


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_workers_ignore_ctrl_c_and_the_parent_gets_it_again() -> None:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    states = set(parallel.ordered_map(_signal_state, list(range(64)), 2))
    assert states == {(True, False)}  # ignored in every worker, and no longer blocked there
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before  # blocked only while they started


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_as_the_workers_start(tmp_path: Path) -> None:
    """SIGINT to the whole process group (a terminal's Ctrl-C) the moment the first worker exists: before
    the fix, a worker could get it before ignoring it (a traceback, and once a run that never ended)."""
    corpus = _corpus(tmp_path)
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "wfctl", "lint", "-j", "2", "--no-cache", "--isolated", str(corpus)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=ROOT,
        )
        try:
            while proc.poll() is None and not _children(proc.pid):
                pass
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
            stderr = proc.communicate(timeout=60)[1].decode()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr and stderr.strip() == "wfctl: interrupted", stderr

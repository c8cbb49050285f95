"""Trimming the results cache: the directories of other run keys (older wfctl versions, other settings)
not used for 30 days, or beyond the 10 most recently used, go away on a run that re-checks files; a run
that replays every file never trims; nothing wfctl did not write is ever removed.
Through the CLI (`wfctl lint`, settings changed with `.wfctl.yaml`) and at unit level (`cache.trim`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import run
from wfctl import cache as cache_mod
from wfctl.engine import Settings
from wfctl.model import FileResult

WF = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: "busybox:1.36", command: [echo, "%s"]}
"""
DAY = 86400.0


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text(WF % "a")
    (tmp_path / "b.yaml").write_text(WF % "b")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WFCTL_CACHE_DIR", raising=False)
    monkeypatch.delenv("WFCTL_CONFIG", raising=False)
    return tmp_path


def keys(project: Path) -> set[str]:
    data = project / ".wfctl_cache" / "v1"
    return {p.name for p in data.iterdir()} if data.is_dir() else set()


def lint_with(project: Path, config: str) -> set[str]:
    """`wfctl lint .` with `.wfctl.yaml` = `config` (a config of its own is a run key of its own); the
    run keys present afterwards."""
    (project / ".wfctl.yaml").write_text(config)
    result = run("lint", ".")
    assert result.exit_code == 0, result.output
    return keys(project)


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def test_a_run_key_unused_for_30_days_is_removed_by_a_run_with_new_settings(project: Path) -> None:
    first = lint_with(project, "ignore: [WF101]\n")
    (old,) = first
    second = lint_with(project, "ignore: [WF102]\n") - first
    (recent,) = second
    data = project / ".wfctl_cache" / "v1"
    age(data / old, 31)
    age(data / recent, 29)
    now = lint_with(project, "ignore: [WF103]\n")
    assert old not in now  # not used for 31 days
    assert recent in now  # used 29 days ago: kept
    assert len(now) == 2
    # the settings of the removed key still work: cold again, same findings
    assert lint_with(project, "ignore: [WF101]\n") >= {recent, old}


def test_a_run_that_replays_every_file_never_trims_but_stamps_its_key(project: Path) -> None:
    (old,) = lint_with(project, "ignore: [WF101]\n")
    (current,) = lint_with(project, "ignore: [WF102]\n") - {old}
    data = project / ".wfctl_cache" / "v1"
    age(data / old, 40)
    age(data / current, 2)  # its "used" stamp is two days old: trimming would be due
    assert lint_with(project, "ignore: [WF102]\n") == {old, current}  # all replayed: nothing removed
    assert time.time() - (data / current).stat().st_mtime < 60  # the stamp was refreshed
    age(data / current, 2)
    (project / "b.yaml").write_text(WF % "changed")  # a file to re-check: trimming happens
    assert lint_with(project, "ignore: [WF102]\n") == {current}


def test_a_fresh_stamp_means_no_trim_even_with_files_to_recheck(project: Path) -> None:
    (old,) = lint_with(project, "ignore: [WF101]\n")
    (current,) = lint_with(project, "ignore: [WF102]\n") - {old}
    age(project / ".wfctl_cache" / "v1" / old, 40)
    (project / "b.yaml").write_text(WF % "changed")
    assert lint_with(project, "ignore: [WF102]\n") == {old, current}  # checked within the day: not yet


def entry_dir(root: Path, key: str, files: int = 2) -> Path:
    """A run-key directory as wfctl writes it: <key>/<xx>/<30 hex>.json."""
    base = root / cache_mod.FORMAT / key
    for i in range(files):
        digest = f"{i:032x}"
        shard = base / digest[:2]
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f"{digest[2:]}.json").write_text("{}")
    return base


def test_trim_keeps_the_current_key_the_recent_ones_and_at_most_ten_others(tmp_path: Path) -> None:
    current = entry_dir(tmp_path, "c" * 24)
    age(current, 100)  # the key in use is never removed, however old
    others = [entry_dir(tmp_path, f"{i:024x}") for i in range(12)]
    for rank, path in enumerate(others):
        age(path, rank)  # others[0] is the most recently used
    removed = cache_mod.trim(tmp_path, keep=current.name)
    assert sorted(removed) == sorted(p.name for p in others[10:])
    assert all(p.is_dir() for p in [current, *others[:10]])
    assert not any(p.exists() for p in others[10:])
    assert cache_mod.trim(tmp_path, keep=current.name) == []  # nothing more to do


def test_trim_never_removes_what_wfctl_did_not_write(tmp_path: Path) -> None:
    keep = "a" * 24
    stale = [entry_dir(tmp_path, f"{i:024x}") for i in range(5)]
    (stale[0] / "notes.txt").write_text("mine")  # a user's file beside the shards
    (stale[1] / "zz").mkdir()  # not a shard name
    (stale[2] / "00" / "hello.yaml").write_text("mine")  # a foreign file in a shard
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious.txt").write_text("mine")
    data = tmp_path / cache_mod.FORMAT
    (data / ("b" * 24)).symlink_to(target, target_is_directory=True)  # named like a key, but a link
    (data / "not-a-key").mkdir()
    (data / "not-a-key" / "x.json").write_text("{}")
    for path in [*stale, data / ("b" * 24), data / "not-a-key"]:
        os.utime(path, (0, 0), follow_symlinks=False)
    removed = cache_mod.trim(tmp_path, keep=keep)
    assert sorted(removed) == sorted(p.name for p in stale[3:])
    assert (stale[0] / "notes.txt").read_text() == "mine"
    assert (stale[1] / "zz").is_dir() and (stale[2] / "00" / "hello.yaml").is_file()
    assert (target / "precious.txt").read_text() == "mine" and (data / ("b" * 24)).is_symlink()
    assert (data / "not-a-key" / "x.json").is_file()


def test_trim_of_a_missing_or_unreadable_cache_is_a_no_op(tmp_path: Path) -> None:
    assert cache_mod.trim(tmp_path / "nowhere", keep="a" * 24) == []
    (tmp_path / cache_mod.FORMAT).write_text("not a directory")
    assert cache_mod.trim(tmp_path, keep="a" * 24) == []


def test_get_trims_once_on_the_first_miss_and_never_on_hits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(cache_mod, "trim", lambda directory, keep: calls.append(keep) or [])
    key = cache_mod.run_key(Settings())
    cache = cache_mod.Cache(tmp_path, key)
    cache.put("a.yaml", "h1", [], FileResult("a.yaml", documents=1))
    cache.put("b.yaml", "h2", [], FileResult("b.yaml", documents=1))
    age(cache.base, 3)  # stamp a few days old: trimming due on this run's first miss
    warm = cache_mod.Cache(tmp_path, key)
    assert warm.get("a.yaml", "h1") is not None and warm.get("b.yaml", "h2") is not None
    assert calls == []  # every file replayed: no trim
    assert time.time() - cache.base.stat().st_mtime < 60  # but the key is stamped as used
    age(cache.base, 3)
    cold = cache_mod.Cache(tmp_path, key)
    assert cold.get("a.yaml", "h1") is not None
    assert cold.get("b.yaml", "changed") is None and cold.get("c.yaml", "h3") is None
    assert calls == [key]  # once, on the first miss
    new_key = cache_mod.Cache(tmp_path, "f" * 24)  # a key never used: its first miss trims
    assert new_key.get("a.yaml", "h1") is None and calls == [key, "f" * 24]

"""Worker processes for `--jobs`: one function mapped over items, results in input order, streamed.

Workers are forked where the platform allows it (they inherit the already-imported rules and the
template index for free), spawned elsewhere (the job is pickled once per worker). Items go out in
small chunks so that a slow file does not hold up the others for long; results come back in the
order of the items, whatever order workers finish in, so output is identical to a single job.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_JOB: Callable[[Any], Any] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _init(job: Callable[[Any], Any]) -> None:
    global _JOB
    _JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks


def _call(item: Any) -> Any:
    assert _JOB is not None
    return _JOB(item)


def ordered_map(job: Callable[[Any], T], items: Sequence[Any], jobs: int) -> Iterator[T]:
    """`map(job, items)` over up to `jobs` processes, yielding in item order as results arrive.

    A worker that dies (killed, out of memory) raises BrokenProcessPool here instead of hanging."""
    workers = max(1, min(jobs, len(items) // 16 or 1))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(32, len(items) // (workers * 8) or 1))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(job,))
    try:
        yield from pool.map(_call, items, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

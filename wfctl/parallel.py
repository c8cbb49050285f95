"""Worker processes for `--jobs`: one function mapped over items, results in input order, streamed.

Workers are forked where the platform allows it (they inherit the already-imported rules and the
template index for free), spawned elsewhere (the job is pickled once per worker). Items go out in
small chunks so that a slow file does not hold up the others for long; results come back in the
order of the items, whatever order workers finish in, so output is identical to a single job.
Workers ignore Ctrl-C (the parent stops them), end by themselves when the parent is killed, and a
worker that dies makes the run stop with WorkerDied rather than hang.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

_JOB: Callable[[Any], Any] | None = None
ORPHAN_CHECK = 0.5  # seconds between a worker's checks that its parent is still there


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory): its files cannot be checked."""


def _init(job: Callable[[Any], Any], parent: int) -> None:
    global _JOB
    _JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks
    if hasattr(signal, "pthread_sigmask"):  # blocked by ordered_map while this worker started
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_stop_when_orphaned, args=(parent,), name="wfctl-orphan-watch", daemon=True).start()


def _stop_when_orphaned(parent: int) -> None:
    """End this worker soon after the wfctl that started it is gone (SIGTERM from a CI timeout, SIGKILL):
    nothing reads its results any more, and it would otherwise wait for work for ever."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(ORPHAN_CHECK)


def _call(item: Any) -> Any:
    assert _JOB is not None
    return _JOB(item)


def ordered_map(job: Callable[[Any], T], items: Sequence[Any], jobs: int) -> Iterator[T]:
    """`map(job, items)` over up to `jobs` processes, yielding in item order as results arrive.

    A worker that dies (killed, out of memory) raises WorkerDied here instead of hanging."""
    workers = max(1, min(jobs, len(items) // 16 or 1))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(32, len(items) // (workers * 8) or 1))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(job, os.getpid()))
    # Ctrl-C while the workers start would reach a worker before it ignores SIGINT (a traceback from
    # it): SIGINT waits, blocked, until they are started; the parent then gets it as usual.
    masked = hasattr(signal, "pthread_sigmask")
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if masked else None
    try:
        try:
            results = pool.map(_call, items, chunksize=chunk)  # starts the workers
        finally:
            if before is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, before)
        yield from results
    except BrokenProcessPool:
        raise WorkerDied(
            "a worker process (--jobs) ended abruptly (killed, or out of memory?): the files after the last"
            " one reported were not checked; run again, or with --jobs 1"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

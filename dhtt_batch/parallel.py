"""Use the machine's cores for independent per-file work (reading workbooks, validating their
rows, writing feedback copies), and keep a file that kills its process from ending the batch.

A worker can die in ways Python cannot catch: a native abort inside a reader (an allocation
failure in Rust aborts the process), the kernel's OOM killer. The pool then breaks; the jobs
already done keep their results, the jobs that may have been running are re-run one by one,
each in a fresh process, so the one that kills its process is found and answered by
`on_crash(job)`, and the rest are run again in a new pool.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 6  # below this many jobs, starting worker processes costs more than it saves
Crash = Callable[[T], R]  # the result standing in for a job whose process died
MAX_WORKERS = 8  # beyond this, reading is bound by the disk and the parent's bookkeeping


def _usable_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only; Windows counts all cores
    return len(affinity(0)) if affinity else os.cpu_count() or 1


WORKERS = max(1, min(_usable_cores(), MAX_WORKERS))


def _start_worker() -> None:
    """Ctrl-C is for the main process: it stops the batch, workers just end with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)


def _parallel(jobs: Sequence[Any]) -> bool:
    return len(jobs) >= PARALLEL_FROM and WORKERS >= 2


def map_in_order(
    function: Callable[[T], R], jobs: Sequence[T], on_crash: Crash[T, R] | None = None
) -> Iterator[R]:
    """`map(function, jobs)`, in worker processes when it pays; results keep the jobs' order.

    `function` must be a module-level function and jobs picklable. An exception in a worker
    is raised here, as it would be in a plain loop. With `on_crash`, every job runs in a worker
    process (a few jobs too), and a job whose process dies yields `on_crash(job)`.
    """
    if not jobs:
        return
    if on_crash is None and not _parallel(jobs):
        yield from map(function, jobs)
        return
    workers = WORKERS if _parallel(jobs) else 1
    # Small chunks: the two workers finish together (a late chunk of slow files would leave
    # one core idle), and progress moves smoothly.
    chunksize = max(1, len(jobs) // (WORKERS * 32))
    done = 0
    pool = _pool(workers)
    try:
        for result in pool.map(function, jobs, chunksize=chunksize):
            done += 1
            yield result
        pool.shutdown()
        return
    except BrokenProcessPool:
        if on_crash is None:
            raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    # Jobs past `done` that a worker may have held when the pool broke: running, queued in
    # the call queue, or finished out of order behind a slower one.
    window = (2 * workers + 2) * chunksize
    suspects, rest = jobs[done : done + window], jobs[done + window :]
    yield from (_alone(function, job, on_crash) for job in suspects)
    yield from map_in_order(function, rest, on_crash)


def _alone(function: Callable[[T], R], job: T, on_crash: Crash[T, R]) -> R:
    """Run one job in a process of its own; its death is that job's answer."""
    pool = _pool(1)
    try:
        return pool.submit(function, job).result()
    except BrokenProcessPool:
        return on_crash(job)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def in_background(
    function: Callable[[T], R], jobs: Sequence[T], on_crash: Crash[T, R] | None = None
) -> Iterator[Callable[[], list[R]]]:
    """Start `map(function, jobs)` in worker processes (one core fewer than the machine has,
    at least one) and let the caller work meanwhile;
    the yielded callable waits for the results (in the jobs' order). Few jobs run in-process,
    when the callable is called. With `on_crash`, a job whose process dies is re-run alone
    and, if it dies again, answered by `on_crash(job)`."""
    if not _parallel(jobs):
        yield lambda: [function(job) for job in jobs]
        return
    with frozen_heap():
        pool = _pool(max(1, WORKERS - 1))  # the caller keeps a core for its own work
        futures = [pool.submit(function, job) for job in jobs]  # the workers start here
    try:
        yield lambda: [
            _result(future, function, job, on_crash)
            for future, job in zip(futures, jobs, strict=True)
        ]
        pool.shutdown()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _result(
    future: Future[R], function: Callable[[T], R], job: T, on_crash: Crash[T, R] | None
) -> R:
    try:
        return future.result()
    except BrokenProcessPool:
        if on_crash is None:
            raise
        return _alone(function, job, on_crash)


_inherited: Any = None  # (function, shared) for the forked workers of map_shards


def map_shards(function: Callable[[S, int, int], R], shared: S, count: int) -> list[R]:
    """`[function(shared, part, count) for part in range(count)]`, part 0 here and the others
    in forked worker processes that inherit `shared` rather than receive it pickled (it may
    hold every row read); only their results travel back.

    Runs all here when count < 2, on one core, or where processes cannot be forked.
    """
    if count < 2 or WORKERS < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(shared, part, count) for part in range(count)]
    global _inherited
    _inherited = (function, shared)
    try:
        context = multiprocessing.get_context("fork")
        with (
            frozen_heap(),
            ProcessPoolExecutor(
                max_workers=min(count - 1, WORKERS), mp_context=context, initializer=_start_worker
            ) as pool,
        ):
            others = [pool.submit(_run_inherited, (part, count)) for part in range(1, count)]
            mine = function(shared, 0, count)
            return [mine, *(future.result() for future in others)]
    finally:
        _inherited = None


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Objects that exist when workers are forked are left out of later collections, here and
    in the workers: a collection touches every object it scans, and each page of the parent's
    heap it touches is copied into the worker (hundreds of MB at province scale)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_inherited(part: tuple[int, int]) -> Any:
    function, shared = _inherited
    return function(shared, *part)

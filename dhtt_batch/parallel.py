"""Use the machine's cores for independent per-file work (reading workbooks, validating their rows,
writing feedback copies)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 6  # below this many jobs, starting worker processes costs more than it saves
MAX_WORKERS = 8  # beyond this, reading is bound by the disk and the parent's bookkeeping


def _usable_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only; Windows counts all cores
    return len(affinity(0)) if affinity else os.cpu_count() or 1


WORKERS = max(1, min(_usable_cores(), MAX_WORKERS))


def map_in_order(function: Callable[[T], R], jobs: Sequence[T]) -> Iterator[R]:
    """`map(function, jobs)`, in worker processes when it pays; results keep the jobs' order.

    `function` must be a module-level function and jobs picklable. An exception in a worker
    is raised here, as it would be in a plain loop.
    """
    if len(jobs) < PARALLEL_FROM or WORKERS < 2:
        yield from map(function, jobs)
        return
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        # Small chunks: the two workers finish together (a late chunk of slow files would
        # leave one core idle), and progress moves smoothly.
        yield from pool.map(function, jobs, chunksize=max(1, len(jobs) // (WORKERS * 32)))


@contextlib.contextmanager
def in_background(function: Callable[[T], R], jobs: Sequence[T]) -> Iterator[Callable[[], list[R]]]:
    """Start `map(function, jobs)` in worker processes and let the caller work meanwhile;
    the yielded callable waits for the results (in the jobs' order). Few jobs run in-process,
    when the callable is called."""
    if len(jobs) < PARALLEL_FROM or WORKERS < 2:
        yield lambda: [function(job) for job in jobs]
        return
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(function, job) for job in jobs]
        yield lambda: [future.result() for future in futures]


_inherited: Any = None  # (function, shared) for the forked workers of map_shards


def map_shards(function: Callable[[S, int, int], R], shared: S, count: int) -> list[R]:
    """`[function(shared, part, count) for part in range(count)]`, in forked worker processes
    that inherit `shared` rather than receive it pickled (it may hold every row read).

    Runs here when count < 2, on one core, or where processes cannot be forked.
    """
    if count < 2 or WORKERS < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(shared, part, count) for part in range(count)]
    global _inherited
    _inherited = (function, shared)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(count, WORKERS), mp_context=context) as pool:
            return list(pool.map(_run_inherited, [(part, count) for part in range(count)]))
    finally:
        _inherited = None


def _run_inherited(part: tuple[int, int]) -> Any:
    function, shared = _inherited
    return function(shared, *part)

"""The one pool of worker processes for bulk work: check_many and the audit's partitions.

Workers are forked from the process that already holds the loaded checker, so they start at once
and share its memory; where fork is unavailable they spawn and build their own checker (about a
second each) with `rebuild`. Each task gets the worker's checker and one item. At most
`IN_FLIGHT` tasks per worker are queued, so a stream of any length is processed in flat memory,
and results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 2  # tasks queued per worker

_worker_checker: Any = None  # the checker a worker's tasks receive: inherited (fork) or rebuilt (spawn)


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _init_spawned(rebuild: Callable[[], Any]) -> None:
    global _worker_checker
    _worker_checker = rebuild()


def _run(task: Callable[[Any, T], R], item: T) -> R:
    return task(_worker_checker, item)


def map_in_workers(
    task: Callable[[Any, T], R],
    items: Iterable[T],
    workers: int,
    *,
    checker: Any,
    rebuild: Callable[[], Any],
) -> Iterator[R]:
    """task(checker, item) for each item, computed by `workers` processes, in input order.

    task must be a module-level function (it is sent to the workers by name); `rebuild()` builds
    the checker in a spawned worker and must be picklable too.
    """
    global _worker_checker
    if "fork" in multiprocessing.get_all_start_methods():
        _worker_checker = checker
        pool = multiprocessing.get_context("fork").Pool(workers)
    else:  # pragma: no cover - platforms without fork
        pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_init_spawned, initargs=(rebuild,))
    try:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(_run, (task, item)))
            while len(pending) >= IN_FLIGHT * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

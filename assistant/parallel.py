"""Checking a long stream of replies on every core, in order, in bounded memory.

Worker processes are forked from the process that already holds the loaded engine, so they start
at once and share its memory; each checks a chunk of replies and sends the Reports back. At most
2 chunks per worker are in flight, so a stream of any length is checked in flat memory, and the
reports come out in input order. Where fork is unavailable the workers spawn and build their own
engine (about a second each).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence

from assistant.report import Report

CHUNK = 256
_worker_checker = None  # the engine a worker uses: inherited (fork) or built (spawn)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _init_spawned(lexicon_dirs: Sequence[str]) -> None:
    global _worker_checker
    from assistant.pipeline import Checker

    _worker_checker = Checker(lexicon_dirs)


def _check_chunk(texts: list[str]) -> list[Report]:
    return [_worker_checker.check(t) for t in texts]  # type: ignore[union-attr]


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_in_workers(checker, texts: Iterable[str], workers: int, chunk: int = CHUNK) -> Iterator[Report]:
    """Reports for `texts`, in order, computed by `workers` processes."""
    global _worker_checker
    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        _worker_checker = checker
        pool = ctx.Pool(workers)
    else:  # pragma: no cover - platforms without fork
        ctx = multiprocessing.get_context("spawn")
        pool = ctx.Pool(workers, initializer=_init_spawned, initargs=(checker.lexicon_dirs,))
    try:
        pending: deque = deque()
        for part in _chunks(texts, chunk):
            pending.append(pool.apply_async(_check_chunk, (part,)))
            while len(pending) >= 2 * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()

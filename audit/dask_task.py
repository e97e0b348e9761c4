"""The task a Dask worker runs: audit one partition sent as bytes, return the result as data.

Workers need Huashu installed (and any company lexicon directories at the same paths); each
worker process builds its engine once and keeps it for every later task.
"""

from __future__ import annotations

import json

_checkers: dict[tuple[str, ...], object] = {}


def audit_partition_bytes(data: bytes, files: list[str], lexicon_dirs: list[str]) -> dict:
    from assistant.pipeline import Checker
    from audit.process import audit_partition

    key = tuple(lexicon_dirs)
    checker = _checkers.get(key)
    if checker is None:
        checker = _checkers[key] = Checker(key)
    messages = [json.loads(line) for line in data.decode("utf-8", "surrogatepass").splitlines() if line]
    return audit_partition(checker, messages, files)

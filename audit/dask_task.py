"""The task a Dask worker runs: audit one partition sent as bytes, return the result as data.

Workers need Huashu installed (and any company lexicon directories at the same paths); each
worker process builds its checker once (assistant.checker.get_checker) and keeps it for every
later task.
"""

from __future__ import annotations

import json


def audit_partition_bytes(data: bytes, files: list[str], lexicon_dirs: list[str], model_dir: str = "") -> dict:
    from assistant.checker import get_checker
    from audit.process import audit_partition

    checker = get_checker(lexicon_dirs, model_dir)
    messages = [json.loads(line) for line in data.decode("utf-8", "surrogatepass").splitlines() if line]
    return audit_partition(checker, messages, files)

"""`huashu audit`: transcripts in, QA reports out, on local worker processes or a Dask cluster.

1. Partition (streaming): every input row is read once, validated (bad rows go to errors.jsonl
   with file and line) and appended to one of P partition files by a stable hash of its
   conversation, so a conversation is whole in one partition and memory stays flat.
2. Audit: each partition is a task (audit.process.audit_partition), run by the engine's worker
   pool (assistant.pool) or by Dask workers, whichever the options say; a finished task's result
   is written atomically.
3. Merge: results are read back in partition order into the output files, each written to a
   temporary name and renamed, so a reader never sees half a file.

The work directory (DIR/.huashu-audit) records what is done. After Ctrl-C or kill -9, `--resume`
skips the partition step if it completed and every partition that has a result, so the outputs
are exactly those of an uninterrupted run: nothing lost, nothing twice.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from assistant.checker import get_checker
from assistant.pool import map_in_workers

from audit.files import AtomicWriter, write_atomic
from audit.readers import Message, Rejected, Skipped, UsageError, check_readable, read

WORK = ".huashu-audit"
MANIFEST_VERSION = 1
BYTES_PER_PARTITION = 4 << 20
EXIT_OK, EXIT_USAGE, EXIT_REJECTED = 0, 2, 3


@dataclass
class Options:
    inputs: list[Path]
    out: Path
    fmt: str | None = None
    workers: int = 1
    executor: str = "local"  # local worker processes, or a Dask cluster
    scheduler: str | None = None
    resume: bool = False
    mask_pii: bool = True
    lexicon_dirs: list[str] = field(default_factory=list)
    model_dir: str = ""  # retrained models (HUASHU_MODEL_DIR), "" for the shipped ones
    progress: bool = False


# ---- small helpers -----------------------------------------------------------------------------


def partition_of(conversation_id: str, partitions: int) -> int:
    return zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % partitions


def _manifest(opts: Options, partitions: int) -> dict:
    return {
        "version": MANIFEST_VERSION,
        "inputs": [{"path": str(p.resolve()), "size": p.stat().st_size, "mtime": p.stat().st_mtime_ns} for p in opts.inputs],
        "format": opts.fmt,
        "partitions": partitions,
        "lexicon_dirs": [str(Path(d).resolve()) for d in opts.lexicon_dirs],
        "model_dir": str(Path(opts.model_dir).resolve()) if opts.model_dir else "",
    }


class Progress:
    """A rich progress bar with rate and ETA on a terminal; silence otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._progress = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def task(self, description: str, total: int) -> Callable[[int], None]:
        """A bar for `total` units; the returned function advances it."""
        if self._progress is None:
            return lambda n: None
        task = self._progress.add_task(description, total=total, rate="")
        started = time.monotonic()
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            elapsed = max(time.monotonic() - started, 1e-6)
            self._progress.update(task, advance=n, rate=f"{done[0] / elapsed:,.0f}/秒")

        return advance


# ---- 1. partition ------------------------------------------------------------------------------


def _compact(m: Message, seq: int, file_index: int) -> str:
    row = {"n": seq, "f": file_index, "l": m.line, "c": m.conversation_id, "r": m.role, "s": m.sender,
           "t": m.time_ms, "tt": m.time, "x": m.text}
    if m.message_id is not None:
        row["m"] = m.message_id
    return json.dumps(row, ensure_ascii=False) + "\n"


def partition(opts: Options, work: Path, partitions: int, progress: Progress) -> dict:
    counts = Counter()
    sizes = [0] * partitions
    handles = [open(work / f"part-{i:04d}.jsonl", "w", encoding="utf-8", errors="surrogatepass") for i in range(partitions)]  # noqa: SIM115
    advance = progress.task("读取 KB", sum(p.stat().st_size for p in opts.inputs) // 1024 or 1)
    try:
        with AtomicWriter(work / "errors.jsonl") as errors:
            seq = 0
            for file_index, path in enumerate(opts.inputs):
                for record in read(path, opts.fmt):
                    if isinstance(record, Rejected):
                        counts["rejected"] += 1
                        errors.write(json.dumps({"file": record.file, "line": record.line, "reason": record.reason}, ensure_ascii=False) + "\n")
                    elif isinstance(record, Skipped):
                        counts["skipped"] += 1
                    else:
                        counts["accepted"] += 1
                        seq += 1
                        k = partition_of(record.conversation_id, partitions)
                        handles[k].write(_compact(record, seq, file_index))
                        sizes[k] += 1
                advance(path.stat().st_size // 1024)
    finally:
        for h in handles:
            h.close()
    state = {"counts": dict(counts), "messages_per_partition": sizes}
    write_atomic(work / "partitioned.json", json.dumps(state))
    return state


# ---- 2. audit ----------------------------------------------------------------------------------

def _audit_partition_file(checker, task: tuple[int, str, list[str]]) -> tuple[int, int]:
    """One partition file, audited and its result written atomically (in a worker process or here)."""
    from audit.process import audit_partition

    index, work, files = task
    part = Path(work) / f"part-{index:04d}.jsonl"
    messages = [json.loads(line) for line in open(part, encoding="utf-8", errors="surrogatepass")]
    result = audit_partition(checker, messages, files)
    write_atomic(Path(work) / f"result-{index:04d}.json", json.dumps(result, ensure_ascii=False))
    return index, len(messages)


def _run_local(opts: Options, checker, work: Path, todo: list[int], files: list[str], advance) -> None:
    tasks = [(i, str(work), files) for i in todo]
    if opts.workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            advance(_audit_partition_file(checker, task)[1])
        return
    rebuild = partial(get_checker, checker.lexicon_dirs, checker.model_dir or "")
    for _index, n in map_in_workers(_audit_partition_file, tasks, opts.workers, checker=checker, rebuild=rebuild):
        advance(n)


def _run_dask(opts: Options, work: Path, todo: list[int], files: list[str], advance) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise UsageError("需要 dask.distributed：pip install distributed") from None
    from audit.dask_task import audit_partition_bytes

    try:
        client = Client(opts.scheduler, timeout="15s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"无法连接 Dask 调度器 {opts.scheduler}：{exc}") from None
    try:
        futures = {}
        for index in todo:
            data = (work / f"part-{index:04d}.jsonl").read_bytes()
            future = client.submit(audit_partition_bytes, data, files, opts.lexicon_dirs, opts.model_dir, key=f"huashu-audit-{index}-{os.getpid()}-{time.time_ns()}")
            futures[future] = index
        for future in as_completed(futures):
            index = futures[future]
            result = future.result()
            write_atomic(work / f"result-{index:04d}.json", json.dumps(result, ensure_ascii=False))
            advance(result["counts"].get("messages", 0))
    finally:
        client.close()


# ---- 3. merge ----------------------------------------------------------------------------------


def merge(opts: Options, work: Path, partitions: int, partitioned: dict) -> dict:
    from audit.outputs import write_outputs

    results = (json.loads((work / f"result-{i:04d}.json").read_text(encoding="utf-8")) for i in range(partitions))
    return write_outputs(opts, results, work, partitioned)


# ---- the whole run -----------------------------------------------------------------------------


def _read_json(path: Path):
    """A work file's JSON, or None when it is unreadable (a crash may have cut anything short)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run(opts: Options, checker_factory: Callable) -> tuple[dict, int]:
    """(summary, exit status). Raises UsageError for inputs or options that can't be audited."""
    if not opts.inputs:
        raise UsageError("请给出至少一个输入文件")
    for path in opts.inputs:
        check_readable(path)
    if opts.executor == "dask" and not opts.scheduler:
        raise UsageError("--executor dask 需要 --scheduler tcp://主机:8786")
    opts.out.mkdir(parents=True, exist_ok=True)
    work = opts.out / WORK
    total_bytes = sum(p.stat().st_size for p in opts.inputs)
    partitions = max(8, min(512, total_bytes // BYTES_PER_PARTITION + 1))
    manifest = _manifest(opts, partitions)
    manifest_file = work / "manifest.json"
    same_work = opts.resume and manifest_file.exists() and _read_json(manifest_file) == manifest
    with Progress(opts.progress) as progress:
        if same_work and (work / "partitioned.json").exists():
            partitioned = json.loads((work / "partitioned.json").read_text(encoding="utf-8"))
        else:
            if same_work:
                # interrupted while reading the inputs: read them again, from the start
                print("上次在读入阶段中断，重新读入输入文件。", file=sys.stderr)
            elif opts.resume and work.exists():
                print("上次的中间结果与本次输入或设置不一致，重新开始。", file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            write_atomic(manifest_file, json.dumps(manifest))
            partitioned = partition(opts, work, partitions, progress)
        todo = [i for i in range(partitions) if not (work / f"result-{i:04d}.json").exists()]
        sizes = partitioned["messages_per_partition"]
        advance = progress.task("检查", sum(sizes[i] for i in todo))
        files = [str(p) for p in opts.inputs]
        if todo:
            if opts.executor == "dask":
                _run_dask(opts, work, todo, files, advance)
            else:
                _run_local(opts, checker_factory(), work, todo, files, advance)
        summary = merge(opts, work, partitions, partitioned)
    shutil.rmtree(work, ignore_errors=True)
    return summary, EXIT_REJECTED if summary["rejected"] else EXIT_OK


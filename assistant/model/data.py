"""The labelled batches the classifiers learn from (data/staff, data/residents; README there).

A batch is one JSONL file, written in one go by one author; leave-one-batch-out cross-validation
(bench/generalisation.py) holds out a whole batch at a time, so a score says how the model does
on wording it has not seen, not on near-copies of rows it learned from.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("staff", "residents")


class DataError(ValueError):
    """A labelled file that can't be used; the message names the file and the line."""


@dataclass
class Batch:
    name: str
    path: Path
    rows: list[dict] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]


STAFF_CODES = frozenset({f"F{i:02d}" for i in range(1, 11)} | {"D1", "D2", "D3", "D4"})


def _check_staff(row: dict, where: str) -> None:
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        raise DataError(f"{where}: needs a text")
    for key in ("F", "D"):
        if not isinstance(row.get(key, []), list) or set(row.get(key, [])) - STAFF_CODES:
            raise DataError(f"{where}: {key} must list codes of taxonomy.yaml")
    for span in row.get("spans", []):
        if not isinstance(span, dict) or span.get("frag") not in row["text"] or span.get("code") not in STAFF_CODES:
            raise DataError(f"{where}: each span needs a frag found in the text and a code")
    if "good" in row and not isinstance(row["good"], str):
        raise DataError(f"{where}: good must be the text of a good reply")


def _check_resident(row: dict, where: str, psychology: set[str], topics: set[str]) -> None:
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        raise DataError(f"{where}: needs a text")
    if not isinstance(row.get("psychology", []), list) or set(row.get("psychology", [])) - psychology:
        raise DataError(f"{where}: psychology must list codes of taxonomy.yaml")
    if row.get("topic") not in topics:
        raise DataError(f"{where}: topic must be one of {sorted(topics)}")


def read_batch(path: Path, kind: str, name: str | None = None, *, psychology=(), topics=()) -> Batch:
    """One labelled file, every row validated; DataError naming the file and line if one is bad."""
    batch = Batch(name or path.stem, path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: can't be read ({exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise DataError(f"{where}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise DataError(f"{where}: each line is a JSON object")
        if kind == "staff":
            _check_staff(row, where)
        else:
            _check_resident(row, where, set(psychology), set(topics))
        batch.rows.append(row)
    if not batch.rows:
        raise DataError(f"{path}: no labelled rows")
    return batch


MARKED = re.compile(r"\[\[(.+?)\]\]")


def lexicon_examples(lexicon) -> Batch:
    """The lexicon's own examples as one more batch of staff replies: each entry's flag examples
    carry its code on the marked words, the pass examples of its findings are clean replies (the
    test suite holds the engine to both). A company lexicon's examples come along."""
    rows = []
    for entry in lexicon.entries:
        if not entry.is_finding:
            continue
        for i, example in enumerate(entry.examples.flag):
            m = MARKED.search(example.text)
            text = example.text[: m.start()] + m.group(1) + example.text[m.end() :]
            key = "F" if entry.category.startswith("F") else "D"
            rows.append({"id": f"{entry.id}/flag{i}", "text": text, "F": [], "D": [], key: [entry.category],
                         "spans": [{"frag": m.group(1), "code": entry.category}]})
        for i, text in enumerate(entry.examples.pass_):
            rows.append({"id": f"{entry.id}/pass{i}", "text": text, "F": [], "D": [], "spans": []})
    return Batch("lexicon-examples", Path(lexicon.entries[0].source).parent if lexicon.entries else DATA_DIR, rows)


def load_batches(kind: str, extra: list[Path] = (), data_dir: Path = DATA_DIR, **labels) -> list[Batch]:
    """Every batch of `kind` in the data directory (in name order), then each extra file as a
    batch of its own (a company's examples: `huashu train --data FILE`)."""
    paths = sorted((data_dir / kind).glob("*.jsonl"))
    batches = [read_batch(p, kind, **labels) for p in paths]
    batches += [read_batch(Path(p), kind, f"extra-{Path(p).stem}", **labels) for p in extra]
    return batches

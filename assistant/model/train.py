"""Training the classifiers from the labelled batches: `huashu train`, and the cross-validation of
bench/generalisation.py, through the same functions.

Staff replies are learned clause by clause. A row's `spans` say which clause carries which code;
a row without spans is used when it has one clause, or when the lexicon finds each of its codes
in a clause (then that clause carries it); otherwise it is left out. Every code is a logistic
regression (scikit-learn's liblinear, fixed seed) over binary hashed features: the same data give
the same file, byte for byte. Residents' messages are learned whole: one regression per
psychology and one per topic.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.clauses import clause_index
from assistant.punctuation import CLAUSE_ENDS
from assistant.lexicon import Lexicon
from assistant.model.classifier import (
    RESIDENT_WEIGHTS,
    STAFF_WEIGHTS,
    feature_settings,
    load_config,
    save_weights,
)
from assistant.model.data import Batch, lexicon_examples, load_batches
from assistant.model.features import FeatureSpec, message_features, reply_features
from assistant.taxonomy import taxonomy


@dataclass
class Examples:
    rows: list[list[int]] = field(default_factory=list)  # hashed feature indices
    targets: list[list[int]] = field(default_factory=list)  # 0/1 per label
    batch: list[str] = field(default_factory=list)  # the batch each example came from
    texts: list[str] = field(default_factory=list)  # the clause itself (for comparing other models)
    skipped: int = 0  # rows whose codes could not be put on clauses


def _parents() -> dict[str, str]:
    cats = taxonomy().categories
    return {code: c.parent for code, c in cats.items() if c.parent}


def clause_targets(
    row: dict, parts, locate: Callable[[str], list[tuple[str, int, int]]]
) -> list[set[str] | None] | None:
    """The codes each clause of a labelled reply carries (None for a clause that can't be said to
    carry none), or None when the codes can't be placed on clauses at all."""
    gold = set(row.get("F", [])) | set(row.get("D", []))
    targets: list[set[str] | None] = [set() for _ in parts]
    if "spans" in row:
        for span in row["spans"]:
            start = row["text"].find(span["frag"])
            for k in clause_index(parts, start, start + len(span["frag"])):
                targets[k].add(span["code"])
        # an excuse or a dismissal kept beside a problem (residue) is not a clean clause, though
        # the labels give it no code of its own: it teaches neither way
        for fragment in row.get("residue", []):
            start = row["text"].find(fragment)
            if start >= 0:
                for k in clause_index(parts, start, start + len(fragment)):
                    if not targets[k]:
                        targets[k] = None
        return targets
    if len(parts) == 1:
        targets[0] = gold
        return targets
    parents = _parents()
    placed = set()
    for code, start, end in locate(row["text"]):
        # the lexicon's code, or the gold forbidden phrase it is the parent of
        chosen = code if code in gold else next((f for f in sorted(gold) if parents.get(f) == code), None)
        if chosen is None:
            continue
        for k in clause_index(parts, start, end):
            targets[k].add(chosen)
            placed.add(chosen)
    return targets if gold <= placed else None


_PUNCTUATION = str.maketrans("", "", CLAUSE_ENDS + "、“”‘’\"'「」（）()")


def staff_examples(
    batches: Sequence[Batch], spec: FeatureSpec, labels: Sequence[str], locate, unpunctuated_copies: bool = False,
    good_replies: bool = False,
) -> Examples:
    """Each labelled clause with its codes. unpunctuated_copies: each multi-clause reply again as
    one run-on clause. good_replies: the clauses of each flagged row's `good` reply too, as clean
    clauses of the same batch: the same matters said the way the deck asks (换门锁的事我今天下午
    三点前给您答复) teach that a matter's words carry no code; what a clause does carries it."""
    out = Examples()

    def add(text: str, part, feature_row: list[int], codes: set[str], batch: Batch) -> None:
        out.texts.append(part.text(text))
        out.rows.append(feature_row)
        out.targets.append([int(c in codes) for c in labels])
        out.batch.append(batch.name)

    for batch in batches:
        for row in batch.rows:
            features = reply_features(row["text"], spec)
            targets = clause_targets(row, features.parts, locate)
            if targets is None:
                out.skipped += 1
                continue
            for part, feature_row, codes in zip(features.parts, features.rows, targets, strict=True):
                if codes is not None:
                    add(row["text"], part, feature_row, codes, batch)
            if unpunctuated_copies and len(features.parts) > 1:
                run_on = row["text"].translate(_PUNCTUATION)
                copy = reply_features(run_on, spec)
                if len(copy.parts) == 1:
                    add(run_on, copy.parts[0], copy.rows[0], set().union(*(t for t in targets if t)), batch)
            good = row.get("good")
            if good_replies and good and good != row["text"] and (row.get("F") or row.get("D")):
                rewritten = reply_features(good, spec)
                for part, feature_row in zip(rewritten.parts, rewritten.rows, strict=True):
                    add(good, part, feature_row, set(), batch)
    return out


def residue_examples(batches: Sequence[Batch], spec: FeatureSpec) -> Examples:
    """Which clauses a good rewrite drops, from the replies whose rewrites were labelled
    (`residue`): a clause is dropped when it holds a residue fragment or a coded span (an excuse,
    a dismissal, blame, stalling, a problem), kept otherwise (a fact, an instruction, an address).
    What a clause does beside the problem it supports is what the composer needs to know."""
    out = Examples()
    for batch in batches:
        for row in batch.rows:
            if "residue" not in row or not (row.get("F") or row.get("D")):
                continue
            text = row["text"]
            features = reply_features(text, spec)
            dropped: set[int] = set()
            fragments = list(row["residue"]) + [span["frag"] for span in row.get("spans", [])]
            for fragment in fragments:
                start = text.find(fragment)
                if start >= 0:
                    dropped.update(clause_index(features.parts, start, start + len(fragment)))
            for k, (part, feature_row) in enumerate(zip(features.parts, features.rows, strict=True)):
                out.texts.append(part.text(text))
                out.rows.append(feature_row)
                out.targets.append([int(k in dropped)])
                out.batch.append(batch.name)
    return out


def _matrix(rows: list[list[int]], bits: int):
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(rows), 1 << bits))


def fit(
    rows: list[list[int]], targets: np.ndarray, bits: int, C: float, positive_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per target column: (weights (2^bits, columns), biases). A positive
    example counts `positive_weight` times (each code is rare among clauses)."""
    from sklearn.linear_model import LogisticRegression

    X = _matrix(rows, bits)
    weights = np.zeros((1 << bits, targets.shape[1]), dtype=np.float32)
    bias = np.zeros(targets.shape[1], dtype=np.float32)
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if y.min() == y.max():  # a label never (or always) seen: a constant
            bias[j] = -12.0 if y.max() == 0 else 12.0
            continue
        model = LogisticRegression(
            C=C, solver="liblinear", max_iter=5000, random_state=0, class_weight={0: 1.0, 1: positive_weight}
        )
        model.fit(X, y)
        weights[:, j] = model.coef_[0]
        bias[j] = model.intercept_[0]
    return weights, bias


def lexicon_locator(lexicon: Lexicon):
    """Where the lexicon finds each code in a text: the words it matched (not the clause or
    sentence a rewrite would replace), to place the codes of rows without spans."""
    from assistant.analyzer import Analyzer

    analyzer = Analyzer(lexicon)

    def locate(text: str) -> list[tuple[str, int, int]]:
        analysis = analyzer.analyse(text, findings_only=True)
        return [(f.category, *analysis.text.to_original(hit.start, hit.end)) for f, hit in analysis.findings if hit]

    return locate


def configured_staff_examples(batches: Sequence[Batch], spec: FeatureSpec, lexicon: Lexicon, config: dict) -> Examples:
    """staff_examples with the settings config.yaml gives (what `huashu train` and the
    leave-one-batch-out bench both learn from)."""
    return staff_examples(
        batches, spec, config["labels"], lexicon_locator(lexicon), bool(config.get("unpunctuated_copies")),
        bool(config.get("good_replies")),
    )


def train_staff(batches: Sequence[Batch], lexicon: Lexicon, config: dict) -> tuple[np.ndarray, np.ndarray, Examples]:
    spec = FeatureSpec.from_config(config, lexicon, "config.yaml: staff")
    examples = configured_staff_examples(batches, spec, lexicon, config)
    weights, bias = fit(
        examples.rows, np.array(examples.targets), spec.hash_bits, float(config["C"]), float(config.get("positive_weight", 1.0))
    )
    return weights, bias, examples


def train_residue(batches: Sequence[Batch], lexicon: Lexicon, config: dict) -> tuple[np.ndarray, np.ndarray, Examples]:
    spec = FeatureSpec.from_config(config, lexicon, "config.yaml: staff")
    examples = residue_examples(batches, spec)
    weights, bias = fit(examples.rows, np.array(examples.targets), spec.hash_bits, float(config["C"]))
    return weights, bias, examples


RESIDENT_GROUPS = ("psychology", "topics", "emergencies")


def resident_examples(batches: Sequence[Batch], config: dict) -> tuple[list[list[int]], dict[str, np.ndarray]]:
    """Features of each message, and per label group its 0/1 targets."""
    rows, targets = [], {group: [] for group in RESIDENT_GROUPS}
    for batch in batches:
        for row in batch.rows:
            rows.append(message_features(row["text"], config["hash_bits"], config["char_ngrams"]).tolist())
            targets["psychology"].append([int(p in row.get("psychology", [])) for p in config["psychology"]])
            targets["topics"].append([int(row["topic"] == t) for t in config["topics"]])
            targets["emergencies"].append([int(row.get("emergency") == k) for k in config["emergencies"]])
    return rows, {group: np.array(t) for group, t in targets.items()}


def train_residents(batches: Sequence[Batch], config: dict) -> tuple[dict[str, tuple], int]:
    """Each label group's (labels, weights, biases), and how many messages they came from."""
    rows, targets = resident_examples(batches, config)
    C = float(config["C"])
    return {group: (list(config[group]), *fit(rows, targets[group], config["hash_bits"], C)) for group in RESIDENT_GROUPS}, len(rows)


def _provenance(batches: Sequence[Batch]) -> list[dict]:
    return [
        {"batch": b.name, "file": b.path.name, "rows": len(b.rows)} | ({"sha256": b.digest} if b.path.is_file() else {})
        for b in batches
    ]


def _versions() -> dict:
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def train(
    lexicon: Lexicon, extra: Sequence[Path] = (), staff_out: Path = STAFF_WEIGHTS, residents_out: Path = RESIDENT_WEIGHTS
) -> dict:
    """Train both models from the shipped batches plus `extra` files, write them, and say what was
    learned from what."""
    config = load_config()
    tax = taxonomy()
    staff = load_batches("staff", [p for p in extra if _kind(p) == "staff"]) + [lexicon_examples(lexicon)]
    weights, bias, examples = train_staff(staff, lexicon, config["staff"])
    staff_meta = {
        "features": feature_settings(config["staff"]),
        "batches": _provenance(staff),
        "clauses": len(examples.rows),
        "rows_left_out": examples.skipped,
        "versions": _versions(),
    }
    residue_weights, residue_bias, residue = train_residue(staff, lexicon, config["staff"])
    staff_meta["residue_clauses"] = len(residue.rows)
    save_weights(
        staff_out,
        {"clauses": (list(config["staff"]["labels"]), weights, bias), "residue": (["residue"], residue_weights, residue_bias)},
        staff_meta,
    )

    rconfig = config["residents"]
    residents = load_batches(
        "residents", [p for p in extra if _kind(p) == "residents"], psychology=tax.psychology, topics=tax.topics
    )
    groups, n = train_residents(residents, rconfig)
    resident_meta = {"features": feature_settings(rconfig), "batches": _provenance(residents), "messages": n, "versions": _versions()}
    save_weights(residents_out, groups, resident_meta)
    return {"staff": staff_meta, "residents": resident_meta}


def _kind(path: Path) -> str:
    """Whether a company's file holds staff replies (F/D labels) or residents' messages."""
    import json

    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    return "residents" if "topic" in json.loads(line) else "staff"
    except (OSError, ValueError):
        pass  # read_batch says what is wrong with it
    return "staff"

"""The trained classifiers at check time: logistic regressions stored as weight arrays.

A model file (weights/*.npz) holds one weight column per label over the hashed features, the
biases, and the settings it was trained with; scoring is a sum of weights and a sigmoid, in
numpy, without the training library. Files are written by `huashu train` (train.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.errors import RuleFileError
from assistant.lexicon import Lexicon
from assistant.model.features import FeatureSpec, ReplyFeatures, features_together, message_features

MODEL_DIR = Path(__file__).resolve().parent
CONFIG_FILE = MODEL_DIR / "config.yaml"
WEIGHTS_DIR = MODEL_DIR / "weights"
STAFF_WEIGHTS = WEIGHTS_DIR / "staff.npz"
RESIDENT_WEIGHTS = WEIGHTS_DIR / "residents.npz"


def weights_files(model_dir: str | Path | None) -> tuple[Path, Path]:
    """The staff and residents model files in `model_dir` (a company's retrained models, see
    `huashu train --out`), or the ones shipped in the package."""
    folder = Path(model_dir) if model_dir else WEIGHTS_DIR
    return folder / STAFF_WEIGHTS.name, folder / RESIDENT_WEIGHTS.name


class ModelError(RuleFileError):
    """A model file that is missing, damaged, or trained with other settings than config.yaml's."""


@lru_cache(maxsize=1)
def load_config(path: Path = CONFIG_FILE) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ModelError(f"{path}: {exc}") from None


def feature_settings(config: dict) -> dict:
    """The part of a model's configuration its features depend on (checked when a model loads)."""
    keys = ("hash_bits", "char_ngrams", "elsewhere", "here", "labels", "psychology", "topics", "emergencies")
    return {k: config[k] for k in keys if k in config}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Weights:
    labels: tuple[str, ...]
    matrix: np.ndarray  # (2^hash_bits, labels) float32
    bias: np.ndarray  # (labels,)
    meta: dict

    def scores(self, index: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Probability of each label for each row (rows x labels): the rows' feature indices one
        after another in `index`, row i's beginning at starts[i] (each row has features)."""
        if not len(starts):
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return _sigmoid(np.add.reduceat(self.matrix[index], starts, axis=0) + self.bias)


def save_weights(path: Path, groups: dict[str, tuple[list[str], np.ndarray, np.ndarray]], meta: dict) -> None:
    """Write label groups (name -> labels, weight matrix, biases) and their metadata, compressed and
    byte-for-byte reproducible (no timestamps in the file)."""
    arrays = {}
    for name, (labels, matrix, bias) in groups.items():
        arrays[f"{name}_weights"] = matrix.astype(np.float16)
        arrays[f"{name}_bias"] = bias.astype(np.float32)
        arrays[f"{name}_labels"] = np.array(labels)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    import io
    import zipfile

    # np.savez_compressed stamps the current time into the zip; write the same entries with a fixed one
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, arrays[key], allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def load_weights(path: Path, expected: dict) -> tuple[dict[str, Weights], dict]:
    """The label groups of a model file; ModelError unless it was trained with `expected` settings."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            names = sorted({k.rsplit("_", 1)[0] for k in data.files if k != "meta"})
            groups = {
                name: Weights(
                    tuple(str(x) for x in data[f"{name}_labels"]),
                    data[f"{name}_weights"].astype(np.float32),
                    data[f"{name}_bias"].astype(np.float32),
                    meta,
                )
                for name in names
            }
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{path}: not a usable model file ({exc}); run `huashu train`") from None
    if meta.get("features") != expected:
        raise ModelError(f"{path}: trained with other settings than {CONFIG_FILE.name}; run `huashu train`")
    return groups, meta


class ClauseClassifier:
    """What each clause of a staff reply does: a probability per F and D code."""

    def __init__(
        self,
        lexicon: Lexicon,
        path: Path = STAFF_WEIGHTS,
        config: dict | None = None,
        weights: Weights | None = None,
    ):
        """The model in `path`, or `weights` already in memory (cross-validation trains its own)."""
        config = config or load_config()["staff"]
        self.config = config
        self.spec = FeatureSpec.from_config(config, lexicon, f"{CONFIG_FILE}: staff")
        self.residue: Weights | None = None
        if weights is None:
            groups, self.meta = load_weights(path, feature_settings(config))
            weights = groups["clauses"]
            self.residue = groups.get("residue")
        else:
            self.meta = weights.meta
        self.weights = weights
        self.labels = self.weights.labels
        self.threshold = {label: float(config["threshold"][label[0]]) for label in self.labels}
        self.overrule_below = float(config["overrule_below"])

    def read(self, text: str) -> tuple[ReplyFeatures, np.ndarray]:
        """The reply's clauses and, for each, the probability of each label."""
        return self.read_many([text])[0]

    def read_many(self, texts: Sequence[str]) -> list[tuple[ReplyFeatures, np.ndarray]]:
        """read() of each text, worked out together (the same numbers, at a fraction of the cost
        per reply)."""
        many, index, starts = features_together(texts, self.spec)
        scores = self.weights.scores(index, starts)
        out, row = [], 0
        for f in many:
            out.append((f, scores[row : row + len(f.parts)]))
            row += len(f.parts)
        return out

    def residue_of(self, features: ReplyFeatures) -> np.ndarray | None:
        """For each clause, the probability that a good rewrite drops it (an excuse, a
        dismissal, blame, stalling beside a problem); None for a model trained without it."""
        if self.residue is None:
            return None
        return self.residue.scores(features.index, features.starts)[:, 0]


class MessageClassifier:
    """What a resident's message shows: a probability per psychology, and per topic."""

    def __init__(self, path: Path = RESIDENT_WEIGHTS, config: dict | None = None, groups: dict | None = None):
        config = config or load_config()["residents"]
        self.config = config
        if groups is None:
            groups, self.meta = load_weights(path, feature_settings(config))
        else:
            self.meta = {}
        self.psychology = groups["psychology"]
        self.topics = groups["topics"]
        self.emergencies = groups["emergencies"]
        self.psychology_threshold = float(config["psychology_threshold"])
        self.topic_threshold = float(config["topic_threshold"])
        self.emergency_threshold = float(config["emergency_threshold"])

    def read(self, text: str) -> MessageReading:
        index = message_features(text, self.config["hash_bits"], self.config["char_ngrams"])
        starts = np.zeros(1, dtype=np.int64)
        return MessageReading(
            *(
                dict(zip(group.labels, group.scores(index, starts)[0].tolist(), strict=True))
                for group in (self.psychology, self.topics, self.emergencies)
            )
        )


@dataclass(frozen=True)
class MessageReading:
    """The model's probabilities for a resident's message."""

    psychology: dict[str, float]
    topics: dict[str, float]
    emergencies: dict[str, float]

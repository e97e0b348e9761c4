"""How detection and reading generalise: leave-one-batch-out cross-validation over every labelled
batch (assistant/model/data), for the lexicon alone, the classifier alone and both combined.

    python bench/generalisation.py [--only staff|residents] [--batches PREFIX ...] [--spacy] [--json FILE]

For each batch: train on every other batch (the same code as `huashu train`), check that batch's
rows with the engine's own reading (reading.py), score it the way ../shared/eval/score.py does.
A batch is one file written in one go, so a held-out batch is wording the model has not seen.
The lexicon itself was written from the gen-* batches and the shared dev sets; the blind-* batches
were written for the classifier and never tuned on: their rows are the honest measure of the
lexicon, and `blind` is printed apart.

Printed (staff): forbidden and disliked precision / recall / F1, the share of clean rows flagged,
and on rows with two or more problems the recall of each code; (residents) topic accuracy,
psychology recall and precision, emergencies caught and false alarms (emergencies stay rules).
--spacy adds spaCy's textcat_multilabel (bag of character n-grams 1-3, 15 epochs) alone on the
same clauses, the library the classifier was measured against.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from assistant.analyzer import Analyzer  # noqa: E402
from assistant.lexicon import load_lexicon  # noqa: E402
from assistant.model.classifier import ClauseClassifier, MessageClassifier, Weights, load_config  # noqa: E402
from assistant.model.data import lexicon_examples, load_batches  # noqa: E402
from assistant.model.features import FeatureSpec  # noqa: E402
from assistant.model.train import configured_staff_examples, fit, resident_examples  # noqa: E402
from assistant.reading import ReplyReader  # noqa: E402
from assistant.segment import new_jieba, word_bounds  # noqa: E402
from assistant.taxonomy import taxonomy  # noqa: E402

PARENT = {code: c.parent for code, c in taxonomy().categories.items() if c.parent}


# ---- scoring, as ../shared/eval/score.py does it -----------------------------------------------


def _key(row: dict) -> str:
    """Rows are told apart by batch and id (two batches may both have a row w101)."""
    return f"{row['_batch']}/{row['id']}"


def score(rows: list[dict], predicted: dict[str, set[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    clean = flagged = 0
    multi_tp, multi_fn = Counter(), Counter()
    for row in rows:
        gold = set(row.get("F", [])) | set(row.get("D", []))
        allow = set(row.get("allow", []))
        parents = {PARENT[f] for f in row.get("F", [])}
        got = predicted[_key(row)]
        for code in got:
            if code in gold:
                tp[code[0]] += 1
            elif code not in allow and code not in parents:
                fp[code[0]] += 1
        for code in gold - got - allow:
            fn[code[0]] += 1
        if not gold:
            clean += 1
            flagged += bool(got - allow)
        if len(gold) >= 2:
            for code in gold:
                (multi_tp if code in got or code in allow else multi_fn)[code] += 1

    def prf(k):
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 1.0
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 1.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}

    multi = {c: round(multi_tp[c] / (multi_tp[c] + multi_fn[c]), 3) for c in sorted(set(multi_tp) | set(multi_fn))}
    return {
        "rows": len(rows),
        "forbidden": prf("F"),
        "disliked": prf("D"),
        "clean_rows": clean,
        "clean_flagged": round(flagged / clean, 3) if clean else 0.0,
        "multi_problem_recall": multi,
        "multi_problem_recall_min": min(multi.values()) if multi else 1.0,
    }


# ---- staff replies ---------------------------------------------------------------------------------


def staff(batches, only_prefixes, use_spacy: bool, dump=None) -> dict:
    lexicon = load_lexicon()
    config = load_config()["staff"]
    spec = FeatureSpec.from_config(config, lexicon, "config.yaml: staff")
    examples = configured_staff_examples(batches, spec, lexicon, config)
    targets = np.array(examples.targets)
    analyzer = Analyzer(lexicon)  # the lexicon alone (with the context rules)
    segmenter = new_jieba()
    for word in sorted(lexicon.words()):
        segmenter.add_word(word)
    bounds = {}
    for batch in batches:
        for row in batch.rows:
            row["_batch"] = batch.name
            bounds[_key(row)] = word_bounds([w for w in segmenter.cut(row["text"], HMM=False) if w])
    held_out = [b for b in batches if not only_prefixes or b.name.startswith(tuple(only_prefixes))]
    predicted = {"lexicon": {}, "model": {}, "combined": {}, "spacy": {}}
    started = time.perf_counter()
    for batch in held_out:
        train = [i for i, name in enumerate(examples.batch) if name != batch.name]
        weights, bias = fit(
            [examples.rows[i] for i in train], targets[train], spec.hash_bits, float(config["C"]), float(config.get("positive_weight", 1.0))
        )
        classifier = ClauseClassifier(lexicon, config=config, weights=Weights(tuple(config["labels"]), weights, bias, {}))
        model_reader = ReplyReader(lexicon, classifier)
        spacy_model = _spacy_fit(examples, targets, batch.name, config["labels"]) if use_spacy else None
        for row in batch.rows:
            analyzer.reader = ReplyReader(lexicon)
            key = _key(row)
            alone = analyzer.analyse(row["text"], bounds[key]).findings
            predicted["lexicon"][key] = {f.category for f, _ in alone}
            analyzer.reader = model_reader
            both = analyzer.analyse(row["text"], bounds[key]).findings
            predicted["combined"][key] = {f.category for f, _ in both}
            if dump is not None:
                dump.write(json.dumps({"batch": batch.name, "id": row["id"], "text": row["text"], "gold": sorted(set(row.get("F", [])) | set(row.get("D", []))),
                                       "allow": row.get("allow", []), "found": [[f.category, f.source, f.confidence, f.match] for f, _ in both]}, ensure_ascii=False) + "\n")
            predicted["model"][key] = {f.category for f, _ in model_reader.findings(row["text"], [], [])[0]}
            if spacy_model is not None:
                predicted["spacy"][key] = _spacy_predict(spacy_model, row["text"], config)
    rows = [row for b in held_out for row in b.rows]
    blind_rows = [row for b in held_out if b.name.startswith("blind-") for row in b.rows]
    out = {
        "batches": len(held_out),
        "clauses_learned_from": len(examples.rows),
        "rows_left_out_of_training": examples.skipped,
        "seconds": round(time.perf_counter() - started, 1),
    }
    for name in ("lexicon", "model", "combined") + (("spacy",) if use_spacy else ()):
        out[name] = {"all": score(rows, predicted[name]), "blind": score(blind_rows, predicted[name]) if blind_rows else None}
    out["per_batch_combined"] = {
        b.name: {k: v for k, v in score(b.rows, predicted["combined"]).items() if k in ("forbidden", "disliked", "clean_flagged")}
        for b in held_out
    }
    return out


def _spacy_fit(examples, targets, held_out: str, labels):
    import random

    import spacy
    from spacy.training import Example

    nlp = spacy.blank("zh")  # one token per character
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 3, "no_output_layer": False}},
    )
    for label in labels:
        textcat.add_label(label)
    data = [
        Example.from_dict(nlp.make_doc(text), {"cats": {label: float(t) for label, t in zip(labels, target, strict=True)}})
        for text, target, name in zip(examples.texts, targets, examples.batch, strict=True)
        if name != held_out
    ]
    random.seed(0)
    optimizer = nlp.initialize(lambda: data)
    for _ in range(15):
        random.shuffle(data)
        for i in range(0, len(data), 32):
            nlp.update(data[i : i + 32], sgd=optimizer)
    return nlp


def _spacy_predict(nlp, text: str, config) -> set[str]:
    from assistant.clauses import clauses
    from assistant.normalise import normalise

    docs = nlp.pipe([normalise(c.text(text)).skeleton for c in clauses(text)])
    return {label for doc in docs for label, p in doc.cats.items() if p >= config["threshold"][label[0]]}


# ---- residents' messages -----------------------------------------------------------------------


def residents(batches, only_prefixes) -> dict:
    from assistant.conversation import Signals

    config = load_config()["residents"]
    lexicon = load_lexicon()
    signals = Signals(lexicon)
    rows, targets = resident_examples(batches, config)
    owner = [b.name for b in batches for _ in b.rows]
    held_out = [b for b in batches if not only_prefixes or b.name.startswith(tuple(only_prefixes))]
    results = {"rules": [], "model": [], "combined": []}
    for batch in held_out:
        train = [i for i, name in enumerate(owner) if name != batch.name]
        groups = {}
        for group, labels in (("psychology", config["psychology"]), ("topics", config["topics"]), ("emergencies", config["emergencies"])):
            w, b = fit([rows[i] for i in train], targets[group][train], config["hash_bits"], float(config["C"]))
            groups[group] = Weights(tuple(labels), w, b, {})
        model = MessageClassifier(config=config, groups=groups)
        for row in batch.rows:
            rules = signals.read(row["text"])
            combined = signals.read(row["text"], model)
            seen = model.read(row["text"])
            model_psychology = {c for c, v in seen.psychology.items() if v >= model.psychology_threshold}
            kind, p = max(seen.emergencies.items(), key=lambda kv: kv[1])
            model_emergency = (kind, "", []) if p >= model.emergency_threshold else None
            results["rules"].append((row, {c for c, _, _ in rules.psychology}, rules.topic[0], rules.emergency))
            results["model"].append((row, model_psychology, max(seen.topics, key=seen.topics.get), model_emergency))
            results["combined"].append((row, {c for c, _, _ in combined.psychology}, combined.topic[0], combined.emergency))
    return {name: _reading_score(items) for name, items in results.items()} | {"batches": len(held_out)}


def _reading_score(items) -> dict:
    topic = tp = fp = fn = exact = emergencies = caught = kind = false = calm = 0
    for row, psychology, top, emergency in items:
        gold = set(row.get("psychology", []))
        tp += len(gold & psychology)
        fp += len(psychology - gold)
        fn += len(gold - psychology)
        exact += gold == psychology
        topic += top == row["topic"]
        if row.get("emergency"):
            emergencies += 1
            caught += emergency is not None
            kind += emergency is not None and emergency[0] == row["emergency"]
        else:
            calm += 1
            false += emergency is not None
    n = len(items)
    return {
        "messages": n,
        "topic_accuracy": round(topic / n, 3),
        "psychology_recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "psychology_precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "psychology_exact": round(exact / n, 3),
        "emergencies": emergencies,
        "emergencies_caught": caught,
        "emergency_kind_right": kind,
        "false_alarms": false,
        "false_alarm_rate": round(false / calm, 3) if calm else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["staff", "residents"])
    ap.add_argument("--batches", nargs="*", default=[], help="hold out only batches whose name starts so")
    ap.add_argument("--spacy", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path, help="write each held-out staff row with what the combined engine found")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="try another setting of config.yaml for this run, e.g. staff.overrule_below=0.05 or staff.threshold.D=0.3")
    a = ap.parse_args()
    for assignment in a.set:
        key, value = assignment.split("=", 1)
        *path, last = key.split(".")
        node = load_config()
        for part in path:
            node = node[part]
        node[last] = json.loads(value)
    out = {}
    tax = taxonomy()
    if a.only in (None, "staff"):
        dump = a.dump.open("w", encoding="utf-8") if a.dump else None
        out["staff"] = staff(load_batches("staff") + [lexicon_examples(load_lexicon())], a.batches, a.spacy, dump)
    if a.only in (None, "residents"):
        out["residents"] = residents(load_batches("residents", psychology=tax.psychology, topics=tax.topics), a.batches)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if a.json:
        a.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""What each clause of a reply does, read in the context of the whole reply.

The lexicon knows wording; the classifier has read thousands of labelled clauses; the context
rules (lexicons/context.yaml) say what the deck means. Here they meet, clause by clause:

- A lexicon finding stands unless it is void in context: its words are quoted (someone else's
  words, reported), a context rule of its category applies (不清楚, then "我马上问，三点前回复您"),
  or the classifier gives its category (or the category's parent or child) in that clause a
  probability below `overrule_below`: the lexicon matched words the clause does not use that way.
- The classifier adds a finding for a clause and a category it reads with a probability at or
  above the category's threshold, where no standing lexicon finding of that category (or its
  parent or child) covers the clause, the clause is not quoted, and no context rule voids it.
  Its span is the clause, its rule id `model.<code>`, its confidence the probability.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from assistant.clauses import Clause, around, clause_index
from assistant.lexicon import Entry, Lexicon
from assistant.normalise import normalise
from assistant.report import Finding
from assistant.rules import Hit
from assistant.taxonomy import taxonomy

if TYPE_CHECKING:
    from assistant.model.features import ReplyFeatures


def _relatives() -> dict[str, frozenset[str]]:
    """Each finding category with its parent (F08 -> D1) or children (D1 -> F08)."""
    cats = taxonomy().categories
    out: dict[str, set[str]] = {}
    for code, c in cats.items():
        if c.group == "liked":
            continue
        out.setdefault(code, {code})
        if c.parent:
            out[code].add(c.parent)
            out.setdefault(c.parent, {c.parent}).add(code)
    return {k: frozenset(v) for k, v in out.items()}


class ReplyReader:
    def __init__(self, lexicon: Lexicon, classifier=None):
        self.lexicon = lexicon
        self.classifier = classifier
        self.rules = lexicon.context_rules
        self.relatives = _relatives()
        self._labels = {label: j for j, label in enumerate(classifier.labels)} if classifier else {}
        # each label's threshold, by column: which clauses a label may be found in, all at once
        self._thresholds = np.array([classifier.threshold[label] for label in classifier.labels]) if classifier else None

    def residue_of(self, original: str, features=None):
        """For each clause of `original` (clauses.clauses), the probability that a good rewrite
        drops it as residue of a problem; None without a classifier trained for it. `features`:
        the reply's, when its reading already worked them out (Analysis.features)."""
        if self.classifier is None:
            return None
        if features is None:
            from assistant.model.features import reply_features

            features = reply_features(original, self.classifier.spec)
        return self.classifier.residue_of(features)

    def _voided(self, category: str, k: int, skeletons: list[str]) -> bool:
        """Whether a context rule of `category` applies to clause k of the reply (each condition
        the rule gives holds: its pattern `here` in the clause, `elsewhere` in the others,
        `anywhere` in the reply; the reply as far as it concerns the clause: clauses.around)."""
        for rule in self.rules:
            if category not in rule.categories:
                continue
            if rule.here is not None and not rule.here.search(skeletons[k]):
                continue
            if rule.elsewhere is not None:
                others = around(skeletons, k)
                if not others or not rule.elsewhere.search(others):
                    continue
            if rule.anywhere is not None and not rule.anywhere.search(around(skeletons, k, with_own=True)):
                continue
            return True
        return False

    def _probability(self, scores: np.ndarray | None, ks: list[int], category: str) -> float:
        if scores is None or not ks:
            return 1.0
        columns = [self._labels[c] for c in self.relatives.get(category, {category}) if c in self._labels]
        return max(float(scores[k, c]) for k in ks for c in columns) if columns else 1.0  # a few cells: no fancy indexing

    def findings(
        self,
        original: str,
        found: list[tuple[Finding, Hit]],
        match_spans: list[tuple[int, int]],
        skip: Callable[[Entry], bool] | None = None,
        reading=None,
    ) -> tuple[list[tuple[Finding, Hit | None]], ReplyFeatures | None]:
        """The findings that stand in context, the lexicon's (`found`, whose matched words are at
        `match_spans`) and the classifier's, in reading order; and the reply's features (None
        without a classifier), which the composer's residue model reads too."""
        features = None
        if self.classifier is not None:
            features, scores = reading if reading is not None else self.classifier.read(original)
            parts: list[Clause] = features.parts
            skeletons = features.skeletons
        else:
            from assistant.clauses import clauses

            parts, scores = clauses(original), None
            skeletons = [normalise(p.text(original)).skeleton for p in parts]
        if not parts:
            return list(found), features
        kept: list[tuple[Finding, Hit | None]] = []
        covered: dict[int, set[str]] = {}
        for (finding, hit), (start, end) in zip(found, match_spans, strict=True):
            ks = clause_index(parts, start, end) or clause_index(parts, finding.start, finding.end)
            if ks and all(parts[k].quoted for k in ks):
                continue
            if any(self._voided(finding.category, k, skeletons) for k in ks):
                continue
            if scores is not None and self._probability(scores, ks, finding.category) < self.classifier.overrule_below:
                continue
            kept.append((finding, hit))
            # the clauses it covers: its words', and those its span reaches (a sentence its rewrite replaces)
            for k in set(ks) | set(clause_index(parts, finding.start, finding.end)):
                covered.setdefault(k, set()).update(self.relatives.get(finding.category, {finding.category}))
        if scores is not None:
            kept += self._model_findings(original, parts, skeletons, scores, covered, skip)
        kept.sort(key=lambda fh: (fh[0].start, -(fh[0].end - fh[0].start), fh[0].rule_id))
        return kept, features

    def _model_findings(self, original, parts, skeletons, scores, covered, skip) -> list[tuple[Finding, None]]:
        out = []
        labels = self.classifier.labels
        for k, j in zip(*np.nonzero(scores >= self._thresholds)):  # row by row, labels in order
            k, j = int(k), int(j)
            part, label, p = parts[k], labels[j], float(scores[k, j])
            if part.quoted or label in covered.get(k, ()):
                continue
            entry = self.lexicon.model_entries.get(label)
            if entry is None or (skip is not None and skip(entry)) or self._voided(label, k, skeletons):
                continue
            # a clause read as a forbidden phrase is not also reported as its parent category
            if any(c != label and c in covered.get(k, ()) for c in self.relatives[label] if c.startswith("F")):
                continue
            out.append(
                (
                    Finding(
                        rule_id=entry.id,
                        category=label,
                        severity=entry.severity,
                        start=part.start,
                        end=part.end,
                        match=original[part.start : part.end],
                        message=entry.message,
                        suggestions=entry.rewrites[:3],
                        confidence=round(p, 3),
                        source="model",
                    ),
                    None,
                )
            )
            covered.setdefault(k, set()).update(self.relatives[label])
        return out

"""The spaCy pipeline: spacy.blank("zh") segmented by jieba (segment.py), plus the "huashu" component.

jieba gives the word boundaries that short lexicon words need (请 in 请稍等, not in 申请); phrase
matching itself runs on characters, because jieba's segmentation depends on context and never
crosses punctuation. Findings end up on doc.spans["huashu"] (positives on "huashu_positive"),
and the full analysis on doc.user_data["huashu"].
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path

from assistant.engine import Analysis, Analyzer
from assistant.lexicon import Entry, Lexicon, load_lexicon
from assistant.parallel import check_in_workers, default_workers
from assistant.report import Report
from assistant.rewrite import rewrite
from assistant.scoring import score_of
from assistant.segment import BOUNDS_KEY, TEXT_KEY

PARALLEL_FROM = 2000
SPANS_KEY = "huashu"
POSITIVES_KEY = "huashu_positive"
ANALYSIS_KEY = "huashu"


def doc_text(doc) -> str:
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


class HuashuComponent:
    """Runs the analyzer on each Doc and records its findings as spans."""

    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer

    def __call__(self, doc):
        return self.annotate(doc)

    def annotate(self, doc, skip: Callable[[Entry], bool] | None = None):
        """Analyse the Doc (leaving out entries `skip` selects) and record the result on it."""
        text = doc_text(doc)
        bounds = doc.user_data.get(BOUNDS_KEY)
        if bounds is None:
            bounds = sorted({t.idx for t in doc} | {t.idx + len(t.text) for t in doc} | {0})
        analysis = self.analyzer.analyse(text, bounds, skip=skip)
        spans = []
        for finding, _hit in analysis.findings:
            span = doc.char_span(finding.start, finding.end, label=finding.category, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        positives = []
        for p in analysis.positives:
            span = doc.char_span(p.start, p.end, label=p.category, alignment_mode="expand")
            if span is not None:
                positives.append(span)
        doc.spans[POSITIVES_KEY] = positives
        doc.user_data[ANALYSIS_KEY] = analysis
        return doc


def _register() -> None:
    from spacy.language import Language

    if "huashu" in Language.factories:
        return

    @Language.factory("huashu", default_config={"lexicon_dirs": []})
    def make_huashu(nlp, name: str, lexicon_dirs: list[str]):
        """Load the built-in lexicons plus `lexicon_dirs`, and teach jieba their words."""
        import jieba

        lexicon = load_lexicon(lexicon_dirs)
        for word in sorted(lexicon.words()):
            jieba.add_word(word)
        return HuashuComponent(Analyzer(lexicon))


def build_nlp(lexicon_dirs: Sequence[str | Path] = ()):
    import spacy

    import assistant.segment  # noqa: F401  (registers huashu.ChunkedJieba.v1)

    _register()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "huashu.ChunkedJieba.v1"}}})
    nlp.add_pipe("huashu", config={"lexicon_dirs": [str(d) for d in lexicon_dirs]})
    return nlp


class Checker:
    """The engine as the adapters use it: text in, Report out."""

    def __init__(self, lexicon_dirs: Sequence[str | Path] = ()):
        self.lexicon_dirs = tuple(str(d) for d in lexicon_dirs)
        self.nlp = build_nlp(self.lexicon_dirs)
        self.component: HuashuComponent = self.nlp.get_pipe("huashu")
        # what other parts build from this engine (the assistant's coach), kept and dropped with it
        self.derived: dict = {}

    @property
    def lexicon(self) -> Lexicon:
        return self.component.analyzer.lexicon

    def analyse(self, text: str, skip: Callable[[Entry], bool] | None = None) -> Analysis:
        """Findings without building a Doc: enough to prove a rewrite clean (word boundaries only
        ever remove hits, so a text clean without them is clean with them)."""
        return self.component.analyzer.analyse(text, findings_only=True, skip=skip)

    def _report(self, doc, skip: Callable[[Entry], bool] | None = None) -> Report:
        analysis: Analysis = doc.user_data[ANALYSIS_KEY]
        text = doc_text(doc)
        findings = tuple(f for f, _ in analysis.findings)
        positives = tuple(analysis.positives)
        score, verdict = score_of(findings, positives)
        return Report(
            text=text,
            verdict=verdict,
            score=score,
            findings=findings,
            positives=positives,
            rewrite=rewrite(text, analysis, lambda t: self.analyse(t, skip)),
        )

    def doc(self, text: str, skip: Callable[[Entry], bool] | None = None):
        """nlp(text), minus Language.__call__'s per-call bookkeeping (the same components run)."""
        doc = self.nlp.make_doc(text)
        for _name, proc in self.nlp.pipeline:
            doc = proc.annotate(doc, skip) if proc is self.component else proc(doc)
        return doc

    def check(
        self, text: str, *, disabled_rules: Collection[str] = (), disabled_categories: Collection[str] = ()
    ) -> Report:
        """One reply's report; rules and categories can be switched off for this call."""
        if not isinstance(text, str):
            raise TypeError(f"check() takes a str, not {type(text).__name__}")
        skip = None
        if disabled_rules or disabled_categories:
            rules, categories = frozenset(disabled_rules), frozenset(disabled_categories)
            skip = lambda entry: entry.id in rules or entry.category in categories  # noqa: E731
        return self._report(self.doc(text, skip), skip)

    def check_many(self, texts: Iterable[str], workers: int | None = None) -> Iterator[Report]:
        """Reports in input order, streamed, so any number of texts is checked in flat memory.

        workers: processes to use; None means one for short inputs and every core once the input
        holds PARALLEL_FROM texts (a short batch would wait longer for workers than it saves).
        """
        items = map(_require_str, texts)
        if workers is None:
            head = list(islice(items, PARALLEL_FROM))
            workers = default_workers() if len(head) == PARALLEL_FROM else 1
            items = chain(head, items)
        if workers > 1:
            yield from check_in_workers(self, items, workers)
            return
        for text in items:
            yield self._report(self.doc(text))


def _require_str(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"check_many() takes str items, not {type(text).__name__}")
    return text

"""The spaCy pipeline: spacy.blank("zh") segmented by jieba (segment.py), plus the "huashu" component.

jieba gives the word boundaries that short lexicon words need (请 in 请稍等, not in 申请); phrase
matching itself runs on characters, because jieba's segmentation depends on context and never
crosses punctuation. Findings end up on doc.spans["huashu"] (positives on "huashu_positive"),
and the full analysis on doc.user_data["huashu"].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from assistant.analyzer import Analyzer
from assistant.lexicon import Entry, load_lexicon
from assistant.segment import BOUNDS_KEY, TEXT_KEY, Segmenter
from assistant.timing import local_now, timed

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
        now = local_now()
        analysis.findings = [
            (replace(f, suggestions=tuple(timed(s, now) for s in f.suggestions)), hit) for f, hit in analysis.findings
        ]
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


def load_engine(
    lexicon_dirs: Sequence[str | Path] = (), model: bool = True, model_dir: str | Path | None = None, segmenter=None
) -> tuple[HuashuComponent, Segmenter]:
    """The built-in lexicons plus `lexicon_dirs`, a segmenter that knows their words (its own
    dictionary: nothing process-wide is written), and the clause classifier shipped in the
    package or in `model_dir` (model=False: the lexicon alone). No spaCy: checking needs none."""
    lexicon = load_lexicon(lexicon_dirs)
    segmenter = segmenter or Segmenter()
    segmenter.add_words(lexicon.words())
    classifier = None
    if model:
        from assistant.model.classifier import ClauseClassifier, weights_files

        classifier = ClauseClassifier(lexicon, weights_files(model_dir or None)[0], segment=segmenter.words)
    return HuashuComponent(Analyzer(lexicon, classifier)), segmenter


def _register() -> None:
    from spacy.language import Language
    from spacy.util import registry

    from assistant.segment import ChunkedJiebaTokenizer

    if "huashu" in Language.factories:
        return

    @registry.tokenizers("huashu.ChunkedJieba.v1")
    def create_chunked_jieba_tokenizer():
        def make(nlp):
            return ChunkedJiebaTokenizer(nlp.vocab)

        return make

    @Language.factory("huashu", default_config={"lexicon_dirs": [], "model": True, "model_dir": ""})
    def make_huashu(nlp, name: str, lexicon_dirs: list[str], model: bool, model_dir: str):
        """The engine of load_engine, its words taught to this pipeline's segmenter."""
        component, _ = load_engine(lexicon_dirs, model, model_dir, segmenter=nlp.tokenizer.segmenter)
        return component


def build_nlp(lexicon_dirs: Sequence[str | Path] = (), model: bool = True, model_dir: str | Path | None = None):
    """A spaCy pipeline around the engine, for callers who work with spaCy Docs."""
    import spacy

    _register()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "huashu.ChunkedJieba.v1"}}})
    nlp.add_pipe(
        "huashu", config={"lexicon_dirs": [str(d) for d in lexicon_dirs], "model": model, "model_dir": str(model_dir or "")}
    )
    return nlp

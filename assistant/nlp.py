"""The spaCy pipeline: spacy.blank("zh") segmented by jieba (segment.py), plus the "huashu" component.

jieba gives the word boundaries that short lexicon words need (请 in 请稍等, not in 申请); phrase
matching itself runs on characters, because jieba's segmentation depends on context and never
crosses punctuation. Findings end up on doc.spans["huashu"] (positives on "huashu_positive"),
and the full analysis on doc.user_data["huashu"].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.analyzer import Analyzer, with_promised_times
from assistant.lexicon import Entry, load_lexicon
from assistant.segment import BOUNDS_KEY, TEXT_KEY, Segmenter
from assistant.timing import local_now

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
        shown = with_promised_times((f for f, _ in analysis.findings), local_now())
        analysis.findings = [(f, hit) for f, (_, hit) in zip(shown, analysis.findings, strict=True)]
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

        classifier = ClauseClassifier(lexicon, weights_files(model_dir or None)[0])
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

    @Language.factory("huashu", default_config={"lexicon_dirs": [], "model": True, "model_dir": "", "engine": ""})
    def make_huashu(nlp, name: str, lexicon_dirs: list[str], model: bool, model_dir: str, engine: str):
        """The engine of load_engine, its words taught to this pipeline's segmenter; or, with
        `engine`, one already loaded (a Checker's: build_nlp(engine=...))."""
        if engine:
            component, segmenter = _LOADED[engine]
            nlp.tokenizer.segmenter = segmenter
            return component
        component, _ = load_engine(lexicon_dirs, model, model_dir, segmenter=nlp.tokenizer.segmenter)
        return component


# engines handed to build_nlp, by key, while their pipeline is built (not kept after)
_LOADED: dict[str, tuple[HuashuComponent, Segmenter]] = {}


def build_nlp(
    lexicon_dirs: Sequence[str | Path] = (),
    model: bool = True,
    model_dir: str | Path | None = None,
    engine: tuple[HuashuComponent, Segmenter] | None = None,
):
    """A spaCy pipeline around the engine, for callers who work with spaCy Docs: a new one, or
    `engine` (component, segmenter), already loaded, shared rather than loaded twice."""
    import spacy

    _register()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "huashu.ChunkedJieba.v1"}}})
    config = {"lexicon_dirs": [str(d) for d in lexicon_dirs], "model": model, "model_dir": str(model_dir or "")}
    if engine is None:
        nlp.add_pipe("huashu", config=config)
        return nlp
    key = f"{id(engine[0])}"
    _LOADED[key] = engine
    try:
        nlp.add_pipe("huashu", config=config | {"engine": key})
    finally:
        del _LOADED[key]
    return nlp

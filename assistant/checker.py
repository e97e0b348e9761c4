"""The engine as its adapters use it: text in, Report out (Checker), and the one cache of checkers.

A Checker owns everything built from one set of lexicons: the spaCy pipeline with its own jieba
dictionary, the analyzer, and (compiled on first use) the conversation rules the audit and the
assistant read with the same sets and macros. Building one takes about a second, so processes
share them through get_checker(); a server that reloads builds a new Checker and drops the old.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import cached_property, partial
from itertools import chain, islice
from pathlib import Path

from assistant.analyzer import Analysis
from assistant.lexicon import Entry, Lexicon
from assistant.nlp import ANALYSIS_KEY, HuashuComponent, build_nlp, doc_text
from assistant.pool import chunks, default_workers, map_in_workers
from assistant.report import Report
from assistant.rewrite import rewrite
from assistant.scoring import score_of

PARALLEL_FROM = 2000  # check_many spreads over every core from this many texts on
CHUNK = 256  # texts per task sent to a worker


class Checker:
    """Checks replies against one set of lexicons (the built-in ones plus `lexicon_dirs`)."""

    def __init__(self, lexicon_dirs: Sequence[str | Path] = ()):
        self.lexicon_dirs = tuple(str(d) for d in lexicon_dirs)
        self.nlp = build_nlp(self.lexicon_dirs)
        self.component: HuashuComponent = self.nlp.get_pipe("huashu")

    @property
    def lexicon(self) -> Lexicon:
        return self.component.analyzer.lexicon

    @cached_property
    def procedure(self):
        """The complaint procedure and the reading of residents' messages, compiled with this
        checker's sets and macros (conversation/procedure.yaml, conversation/signals.yaml)."""
        from assistant.conversation.procedure import load_procedure

        return load_procedure(self.lexicon)

    def analyse(self, text: str, skip: Callable[[Entry], bool] | None = None) -> Analysis:
        """Findings without building a Doc: enough to prove a rewrite clean (word boundaries only
        ever remove hits, so a text clean without them is clean with them)."""
        return self.component.analyzer.analyse(text, findings_only=True, skip=skip)

    def categories(self, text: str) -> frozenset[str]:
        """The finding categories of `text`, at the cost of matching only (no rewrite, no Doc)."""
        return frozenset(f.category for f, _ in self.analyse(text).findings)

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
            rebuild = partial(get_checker, self.lexicon_dirs)
            for reports in map_in_workers(_check_chunk, chunks(items, CHUNK), workers, checker=self, rebuild=rebuild):
                yield from reports
            return
        for text in items:
            yield self._report(self.doc(text))


def _check_chunk(checker: Checker, texts: list[str]) -> list[Report]:
    return [checker.check(t) for t in texts]


def _require_str(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"check_many() takes str items, not {type(text).__name__}")
    return text


_checkers: dict[tuple[str, ...], Checker] = {}
_lock = threading.Lock()


def get_checker(lexicon_dirs: Sequence[str | Path] | None = None) -> Checker:
    """The process's Checker for these company lexicon dirs, built on first use (the one cache of
    checkers: the CLI, forked or spawned workers and Dask workers all take theirs from here).
    None means the directories in HUASHU_LEXICON_DIRS."""
    dirs = lexicon_dirs if lexicon_dirs is not None else default_lexicon_dirs()
    key = tuple(str(d) for d in dirs)
    checker = _checkers.get(key)
    if checker is None:
        with _lock:
            checker = _checkers.get(key)
            if checker is None:
                checker = _checkers[key] = Checker(key)
    return checker


def default_lexicon_dirs() -> tuple[str, ...]:
    """Company lexicon directories named by HUASHU_LEXICON_DIRS (os.pathsep-separated), the one
    setting the library reads itself; adapters pass theirs explicitly."""
    import os

    value = os.environ.get("HUASHU_LEXICON_DIRS", "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())

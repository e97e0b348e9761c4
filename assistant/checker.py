"""The engine as its adapters use it: text in, Report out (Checker), and the one cache of checkers.

A Checker owns everything built from one set of lexicons: the spaCy pipeline with its own jieba
dictionary (checking uses its segmenter, not a Doc: see Checker.doc), the analyzer, and (compiled on first use) the conversation rules the audit and the
assistant read with the same sets and macros. Building one takes about a second, so processes
share them through get_checker(); a server that reloads builds a new Checker and drops the old.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import datetime
from functools import cached_property, partial
from itertools import chain, islice, repeat
from pathlib import Path

from assistant.analyzer import Analysis, with_promised_times
from assistant.lexicon import Entry, Lexicon, default_lexicon_dirs, default_model_dir
from assistant.limits import ensure_checkable
from assistant.nlp import HuashuComponent, build_nlp, load_engine
from assistant.pool import chunks, default_workers, map_in_workers
from assistant.report import Report
from assistant.compose import Composer
from assistant.scoring import score_of
from assistant.segment import WordBounds
from assistant.timing import local_now

PARALLEL_FROM = 2000  # check_many spreads over every core from this many texts on
CHUNK = 256  # texts per task sent to a worker
READ_TOGETHER = 64  # texts the classifier reads in one go (its numpy work is paid per call)


class Checker:
    """Checks replies against one set of lexicons (the built-in ones plus `lexicon_dirs`)."""

    def __init__(
        self, lexicon_dirs: Sequence[str | Path] = (), *, model: bool = True, model_dir: str | Path | None = None
    ):
        """model=False: the lexicon alone, without the classifiers (for measuring each);
        model_dir: a folder of retrained models (`huashu train --out`), else the shipped ones."""
        self.lexicon_dirs = tuple(str(d) for d in lexicon_dirs)
        self.model = model
        self.model_dir = str(model_dir) if model_dir else None
        self.component: HuashuComponent
        self.component, self.tokenizer = load_engine(self.lexicon_dirs, model, self.model_dir)  # tokenizer: jieba, this checker's dictionary
        self.composer = Composer(self.lexicon, self.component.analyzer.reader, self.tokenizer.words)
        self._nlp = None
        self._nlp_lock = threading.Lock()

    @property
    def nlp(self):
        """A spaCy pipeline around this checker's own engine (the same component and segmenter),
        built the first time a Doc is asked for: checking needs no spaCy, and importing it costs
        half a second."""
        with self._nlp_lock:
            if self._nlp is None:
                self._nlp = build_nlp(self.lexicon_dirs, self.model, self.model_dir, engine=(self.component, self.tokenizer))
            return self._nlp

    @property
    def lexicon(self) -> Lexicon:
        return self.component.analyzer.lexicon

    @cached_property
    def procedure(self):
        """The complaint procedure and the reading of residents' messages, compiled with this
        checker's sets and macros (conversation/procedure.yaml, conversation/signals.yaml)."""
        from assistant.conversation.procedure import load_procedure

        return load_procedure(self.lexicon, model=self.resident_model)

    @cached_property
    def resident_model(self):
        """The classifier of residents' messages (psychology, topic, a second eye for
        emergencies), or None when this checker runs without models."""
        if not self.model:
            return None
        from assistant.model.classifier import MessageClassifier, weights_files

        return MessageClassifier(weights_files(self.model_dir)[1])

    def analyse(self, text: str, skip: Callable[[Entry], bool] | None = None) -> Analysis:
        """Findings without building a Doc: enough to prove a rewrite clean (word boundaries only
        ever remove hits, so a text clean without them is clean with them). Suggestions keep
        their time slot ({time}); analyzer.with_promised_times fills it."""
        return self.component.analyzer.analyse(text, findings_only=True, skip=skip)

    def categories(self, text: str) -> frozenset[str]:
        """The finding categories of `text`, at the cost of matching only (no segmentation, no
        rewrite): what scoring a conversation needs. Word-boundary entries are not held to word
        boundaries here (see analyse), so on rare texts this can name a category check() does not."""
        return frozenset(f.category for f, _ in self.analyse(text).findings)

    def _analysis(self, text: str, skip: Callable[[Entry], bool] | None = None, reading=None) -> Analysis:
        """`reading`: the classifier's reading of `text`, when check_many read a chunk together."""
        return self.component.analyzer.analyse(text, WordBounds(text, bounds=self.tokenizer.bounds), skip=skip, reading=reading)

    @staticmethod
    def _finish(text: str, analysis: Analysis, rewrite: str, now: datetime) -> Report:
        findings = tuple(with_promised_times((f for f, _ in analysis.findings), now))
        positives = tuple(analysis.positives)
        score, verdict = score_of(findings, positives)
        return Report(text=text, verdict=verdict, score=score, findings=findings, positives=positives, rewrite=rewrite)

    def _report(self, text: str, skip: Callable[[Entry], bool] | None = None, now: datetime | None = None) -> Report:
        return self._check_chunk([text], [now], skip=skip)[0]

    def doc(self, text: str):
        """The spaCy Doc of `text`, findings on doc.spans["huashu"], for callers who work with
        spaCy. Checking does not build one: every Doc adds its words to spaCy's vocabulary,
        which only grows, and a long-running process must not keep residents' words."""
        ensure_checkable(text)
        return self.nlp(text)

    def check(
        self,
        text: str,
        *,
        disabled_rules: Collection[str] = (),
        disabled_categories: Collection[str] = (),
        now: datetime | None = None,
    ) -> Report:
        """One reply's report; rules and categories can be switched off for this call. `now`
        (default: the current time in HUASHU_TIMEZONE) is what the rewrite's promised time is
        worked out from."""
        if not isinstance(text, str):
            raise TypeError(f"check() takes a str, not {type(text).__name__}")
        ensure_checkable(text)
        skip = None
        if disabled_rules or disabled_categories:
            rules, categories = frozenset(disabled_rules), frozenset(disabled_categories)
            skip = lambda entry: entry.id in rules or entry.category in categories  # noqa: E731
        return self._report(text, skip, now)

    def check_many(
        self, texts: Iterable[str], workers: int | None = None, now: datetime | None = None, *, compose: bool = True,
        times: Iterable[datetime] | None = None,
    ) -> Iterator[Report]:
        """Reports in input order, streamed, so any number of texts is checked in flat memory.

        workers: processes to use; None means one for short inputs and every core once the input
        holds PARALLEL_FROM texts (a short batch would wait longer for workers than it saves).
        now: as for check(). The classifier reads READ_TOGETHER texts at a time.
        compose=False: no rewrite (report.rewrite is ""), for callers that only read the findings
        (the audit): composing and proving a rewrite clean is a third of a flagged reply's cost.
        times: each text's own moment, in step with `texts`, for the times its suggestions promise
        (the audit: when the message was sent, so its outputs do not depend on when it ran).
        """
        items = zip(map(_checkable, texts), times if times is not None else repeat(now))
        if workers is None:
            head = list(islice(items, PARALLEL_FROM))
            workers = default_workers() if len(head) == PARALLEL_FROM else 1
            items = chain(head, items)
        if workers > 1:
            rebuild = partial(get_checker, self.lexicon_dirs, self.model_dir or "")
            task = partial(_check_in_worker, compose=compose)
            for reports in map_in_workers(task, chunks(items, CHUNK), workers, checker=self, rebuild=rebuild):
                yield from reports
            return
        for chunk in chunks(items, READ_TOGETHER):  # streamed, a chunk at a time, as a worker reads its share
            yield from _check_in_worker(self, chunk, compose)

    def _check_chunk(
        self, texts: list[str], times: list[datetime | None], compose: bool = True,
        skip: Callable[[Entry], bool] | None = None,
    ) -> list[Report]:
        """The reports of `texts` (check() is a chunk of one): the classifier reads the texts
        together, then the rewrites' candidates together, round by round. `times`: each text's
        moment (None: now). `skip`: entries switched off; the composer then drops residue by its
        patterns alone."""
        analyzer = self.component.analyzer
        classifier = analyzer.reader.classifier
        read = classifier.read_many if classifier is not None else (lambda many: [None] * len(many))
        analyses = [self._analysis(text, skip, r) for text, r in zip(texts, read(texts), strict=True)]
        rewrites: list[str | None] = [None] * len(texts)
        steps = {}
        waiting: dict[int, str] = {}
        moments = [moment or local_now() for moment in times]
        for i, (text, analysis) in enumerate(zip(texts, analyses)):
            if not compose:
                rewrites[i] = ""
                continue
            steps[i] = self.composer.composing(text, analysis, moments[i], use_model=skip is None)
            try:
                waiting[i] = next(steps[i])
            except StopIteration as done:
                rewrites[i] = done.value
        while waiting:
            order = list(waiting)
            candidates = [waiting.pop(i) for i in order]
            for i, candidate, reading in zip(order, candidates, read(candidates), strict=True):
                found = analyzer.analyse(candidate, findings_only=True, skip=skip, reading=reading)
                try:
                    waiting[i] = steps[i].send(found)
                except StopIteration as done:
                    rewrites[i] = done.value
        return [self._finish(*row) for row in zip(texts, analyses, rewrites, moments, strict=True)]


def _check_in_worker(checker: Checker, items: list[tuple[str, datetime | None]], compose: bool = True) -> list[Report]:
    """A worker's share of check_many ((text, moment) pairs), read in chunks as in one process."""
    out = []
    for part in chunks(items, READ_TOGETHER):
        out += checker._check_chunk([t for t, _ in part], [m for _, m in part], compose)
    return out


def _checkable(text) -> str:
    """A text check_many can hand to any worker (refused here, in the caller's process, if not)."""
    if not isinstance(text, str):
        raise TypeError(f"check_many() takes str items, not {type(text).__name__}")
    ensure_checkable(text)
    return text


_checkers: dict[tuple[tuple[str, ...], str], Checker] = {}
_lock = threading.Lock()


def get_checker(lexicon_dirs: Sequence[str | Path] | None = None, model_dir: str | Path | None = None) -> Checker:
    """The process's Checker for these company lexicon dirs and model folder, built on first use
    (the one cache of checkers: the CLI, forked or spawned workers and Dask workers all take
    theirs from here). None means the directories in HUASHU_LEXICON_DIRS, the models in
    HUASHU_MODEL_DIR (else the shipped ones)."""
    dirs = lexicon_dirs if lexicon_dirs is not None else default_lexicon_dirs()
    models = str(model_dir) if model_dir is not None else default_model_dir()
    key = (tuple(str(d) for d in dirs), models or "")
    checker = _checkers.get(key)
    if checker is None:
        with _lock:
            checker = _checkers.get(key)
            if checker is None:
                checker = _checkers[key] = Checker(key[0], model_dir=key[1] or None)
    return checker

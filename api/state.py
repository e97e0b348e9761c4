"""The engine a server process uses, and how it is replaced (reload, SIGHUP, recycling).

One generation of the engine is a Checker and the Coach built on it (the assistant compiles its
rule files with the checker's lexicon). Loading takes about a second, so it happens in a worker
thread while the process already answers /healthz; /readyz says when the engine is in. A reload
builds a complete new generation first and swaps it in only if every rule file is valid: a broken
one is refused and the last good rules keep serving. A long-running process also rebuilds its
engine after `RECYCLE_AFTER` checks, because spaCy's vocabulary keeps every token string it has
ever seen.

Chat traffic repeats itself (greetings, canned replies, a message re-sent after a warning), so
reports are kept in a bounded LRU cache keyed by the text and the switched-off rules, together
with their JSON; the cache belongs to one engine generation and goes when the engine does.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import OrderedDict
from collections.abc import Callable

from assistant.checker import Checker
from assistant.coach import Coach
from assistant.errors import RuleFileError
from assistant.report import Report
from assistant.timing import local_now

log = logging.getLogger("huashu")
RECYCLE_AFTER = 200_000


class NotReady(Exception):
    """The engine is still loading."""


class ReportCache:
    """Least-recently-used reports (and their JSON), at most `size` of them."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key):
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item

    def put(self, key, item) -> None:
        if self.size <= 0:
            return
        self._items[key] = item
        if len(self._items) > self.size:
            self._items.popitem(last=False)


class CachedReport:
    __slots__ = ("report", "_json")

    def __init__(self, report: Report):
        self.report = report
        self._json: bytes | None = None

    def json(self) -> bytes:
        if self._json is None:
            from api.responses import dumps

            self._json = dumps(self.report.to_dict())
        return self._json


class LiveEngine:
    """The engine one server process serves: its current generation (checker and coach), the
    report cache that goes with it, and how it is replaced."""

    def __init__(
        self,
        lexicon_dirs,
        cache_size: int = 4096,
        make_coach: Callable[[Checker], Coach] | None = None,
        model_dir: str | None = None,
    ):
        """`make_coach(checker)` builds the assistant on every new checker before it is swapped
        in, so a broken playbook refuses a reload like a broken lexicon."""
        self.lexicon_dirs = [str(d) for d in lexicon_dirs]
        self.model_dir = str(model_dir) if model_dir else None
        self.make_coach = make_coach or Coach
        self.cache_size = cache_size
        self.cache = ReportCache(cache_size)
        self.checker: Checker | None = None
        self.coach: Coach | None = None
        self.version = 0
        self.last_error: str | None = None
        self._lock = asyncio.Lock()
        self._checks = 0
        self._recycling = False

    @property
    def ready(self) -> bool:
        return self.checker is not None

    def require(self) -> Checker:
        if self.checker is None:
            raise NotReady
        return self.checker

    def require_coach(self) -> Coach:
        if self.coach is None:
            raise NotReady
        return self.coach

    def check(self, checker: Checker, text: str, disabled_rules=(), disabled_categories=()) -> CachedReport:
        """The report for `text` from `checker`, from the cache when it was asked before within
        the same hour (a report promises times worked out from now: an older one may promise the past)."""
        hour = local_now().strftime("%Y-%m-%d %H")
        key = (text, tuple(sorted(disabled_rules)), tuple(sorted(disabled_categories)), hour)
        cached = self.cache.get(key)
        if cached is None:
            cached = CachedReport(
                checker.check(text, disabled_rules=disabled_rules, disabled_categories=disabled_categories)
            )
            self.cache.put(key, cached)
            self.counted()
        return cached

    def counted(self, n: int = 1) -> None:
        """Count checks; schedule a rebuild of the engine once it has seen RECYCLE_AFTER."""
        self._checks += n
        if self._checks >= RECYCLE_AFTER and not self._recycling:
            self._recycling = True
            asyncio.get_running_loop().create_task(self._recycle())

    async def _recycle(self) -> None:
        try:
            await self.reload()
        except RuleFileError as exc:
            log.warning("recycle_refused", extra={"fields": {"error": str(exc)}})
        finally:
            self._recycling = False

    def _build(self) -> tuple[Checker, Coach]:
        checker = Checker(self.lexicon_dirs, model_dir=self.model_dir)
        return checker, self.make_coach(checker)

    async def reload(self) -> Checker:
        """Build a new engine from the rule files on disk and swap it in; RuleFileError if one
        of them is invalid."""
        async with self._lock:
            gc.unfreeze()  # let the collector reach the engine being replaced
            try:
                checker, coach = await asyncio.to_thread(self._build)
            except RuleFileError as exc:
                self.last_error = str(exc)
                raise
            self.checker, self.coach = checker, coach
            self.cache = ReportCache(self.cache_size)
            # the engine is a large, long-lived heap (jieba's dictionary alone is ~350k entries);
            # moving it out of the collector's view keeps garbage collection cheap per request
            gc.collect()
            gc.freeze()
            self.version += 1
            self._checks = 0
            self.last_error = None
            log.info("engine_loaded", extra={"fields": {"version": self.version, "rules": len(checker.lexicon.entries)}})
            return checker

    def use(self, checker: Checker, coach: Coach) -> None:
        """Serve an engine built elsewhere (tests hand in the one they share), as a reload would."""
        self.checker, self.coach = checker, coach
        self.cache = ReportCache(self.cache_size)
        self.version += 1
        self._checks = 0
        self.last_error = None

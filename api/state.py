"""The engine a server process uses, and how it is replaced (reload, SIGHUP, recycling).

Loading takes about a second, so it happens in a worker thread while the process already answers
/healthz; /readyz says when the engine is in. A reload builds a complete new engine first and
swaps it in only if the lexicons are valid: a broken lexicon is refused and the last good rules
keep serving. A long-running process also rebuilds its engine after `RECYCLE_AFTER` checks,
because spaCy's vocabulary keeps every token string it has ever seen.
"""

from __future__ import annotations

import asyncio
import logging

from assistant.lexicon import LexiconError
from assistant.pipeline import Checker

log = logging.getLogger("huashu")
RECYCLE_AFTER = 200_000


class NotReady(Exception):
    """The engine is still loading."""


class EngineState:
    def __init__(self, lexicon_dirs):
        self.lexicon_dirs = [str(d) for d in lexicon_dirs]
        self.checker: Checker | None = None
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

    def counted(self, n: int = 1) -> None:
        """Count checks; schedule a rebuild of the engine once it has seen RECYCLE_AFTER."""
        self._checks += n
        if self._checks >= RECYCLE_AFTER and not self._recycling:
            self._recycling = True
            asyncio.get_running_loop().create_task(self._recycle())

    async def _recycle(self) -> None:
        try:
            await self.reload()
        except LexiconError as exc:
            log.warning("recycle_refused", extra={"error": str(exc)})
        finally:
            self._recycling = False

    async def reload(self) -> Checker:
        """Build a new engine from the lexicons on disk and swap it in; LexiconError if invalid."""
        async with self._lock:
            try:
                checker = await asyncio.to_thread(Checker, self.lexicon_dirs)
            except LexiconError as exc:
                self.last_error = str(exc)
                raise
            self.checker = checker
            self.version += 1
            self._checks = 0
            self.last_error = None
            log.info("engine_loaded", extra={"version": self.version, "rules": len(checker.lexicon.entries)})
            return checker

"""Memo: what a pure function gave for a piece of text, remembered across checks, within bounds.

Replies repeat themselves: greetings, thanks, the composer's own sentences and a day's stock
phrases come back in reply after reply, and what a clause reads as (its matching form, what it
shows, where its words end) does not change with the reply around it. A Memo remembers those
answers for texts of a clause's size and forgets them all at once when it holds MEMO_SIZE, so
memory stays flat however much is checked, and however long. Only pure answers go in one: a
report never depends on what was checked before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MEMO_SIZE = 20_000  # answers per memo: about a day of a busy desk's distinct clauses
MEMO_CHARS = 200  # the longest text remembered: a clause, not a pasted document


class Memo(dict):
    def remember(self, key: Any, value: Any, chars: int) -> Any:
        """`value`, kept under `key` if the text it was worked out from (`chars` long) is short."""
        if chars <= MEMO_CHARS:
            if len(self) >= MEMO_SIZE:
                self.clear()
            self[key] = value
        return value

    def recall(self, key: Any, chars: int, work: Callable[[], Any]) -> Any:
        """What `work()` gives for `key`, worked out once while remembered (see remember)."""
        value = self.get(key)
        if value is None:
            value = self.remember(key, work(), chars)
        return value

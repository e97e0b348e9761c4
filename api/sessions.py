"""Conversations the assistant remembers between calls, by session_id: bounded and expiring.

A chat integration sends each resident message with its conversation id and need not resend the
history. Memory is bounded three ways: at most `max_sessions` conversations (the least recently
used goes first), `max_turns` turns each, and a conversation quiet for `ttl` seconds is dropped.
Sessions live in the worker's memory: with several workers, route a conversation to one worker
or send `history` with each call.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.coach import Message


@dataclass
class Session:
    turns: deque[Message]
    name: str | None = None
    touched: float = field(default=0.0)


class SessionStore:
    def __init__(self, max_sessions: int, ttl: float, max_turns: int, clock: Callable[[], float] = time.monotonic):
        self.max_sessions = max_sessions
        self.ttl = ttl
        self.max_turns = max_turns
        self.clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._sessions)

    def _expire(self, now: float) -> None:
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if now - oldest.touched < self.ttl:
                break
            del self._sessions[oldest_id]

    def get(self, session_id: str) -> tuple[list[Message], str | None]:
        """The remembered turns (oldest first) and name; empty for an unknown or expired id."""
        with self._lock:
            self._expire(self.clock())
            session = self._sessions.get(session_id)
            if session is None:
                return [], None
            return list(session.turns), session.name

    def add(self, session_id: str, turns: Iterable[Message], name: str | None = None) -> None:
        """Append turns (and remember the name) for the conversation, creating it if needed."""
        if self.max_sessions == 0:
            return
        with self._lock:
            now = self.clock()
            self._expire(now)
            session = self._sessions.pop(session_id, None) or Session(deque(maxlen=self.max_turns))
            session.turns.extend(turns)
            if name:
                session.name = name
            session.touched = now
            self._sessions[session_id] = session  # most recently used last
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)

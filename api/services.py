"""Everything the routes share, built once by create_app and handed out by api/deps.py.

Settings, API keys, the engine (checker and coach, replaced on reload), the optional LLM drafter,
assistant sessions, and the WeCom / WeChat callback endpoints with their crypto, the messages
already answered and the JS-SDK ticket cache. Nothing here is built on a request's first use.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from api.security import KeyStore
from api.sessions import SessionStore
from api.settings import Settings
from api.state import LiveEngine
from api.wecom import SeenMessages, WeComCrypto
from assistant.coach import Coach


@dataclass
class CallbackEndpoint:
    """A WeCom or WeChat callback as configured: its token, its crypto (None in plain mode or when
    misconfigured, then `problem` says why) and the messages already answered."""

    token: str | None
    crypto: WeComCrypto | None
    problem: str | None = None
    seen: SeenMessages = field(default_factory=SeenMessages)


@dataclass
class TicketCache:
    """The WeCom agent jsapi ticket and when it stops being valid."""

    ticket: str | None = None
    expires: float = 0.0

    def valid(self) -> str | None:
        return self.ticket if self.ticket and self.expires > time.time() else None

    def keep(self, ticket: str, lifetime: int) -> None:
        self.ticket, self.expires = ticket, time.time() + lifetime - 60


def _crypto(token, aes_key, receive_id) -> tuple[WeComCrypto | None, str | None]:
    if not (token and aes_key and receive_id):
        return None, None
    try:
        return WeComCrypto(token.get_secret_value(), aes_key.get_secret_value(), receive_id), None
    except ValueError as exc:
        return None, str(exc)


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.keys = KeyStore(settings)
        self.drafter = settings.drafter()
        self.engine = LiveEngine(
            settings.lexicon_dirs, settings.cache_size, make_coach=self.build_coach, model_dir=settings.model_dir
        )
        self.sessions = SessionStore(settings.assist_sessions, settings.assist_session_ttl, settings.assist_history_turns)
        s = settings
        crypto, problem = _crypto(s.wecom_token, s.wecom_aes_key, s.wecom_corp_id)
        self.wecom = CallbackEndpoint(s.wecom_token.get_secret_value() if s.wecom_token else None, crypto, problem)
        crypto, problem = _crypto(s.wechat_token, s.wechat_aes_key, s.wechat_app_id)
        self.wechat = CallbackEndpoint(s.wechat_token.get_secret_value() if s.wechat_token else None, crypto, problem)
        self.wecom_ticket = TicketCache()

    def build_coach(self, checker) -> Coach:
        """The assistant on `checker`, with this server's drafter, time zone and history limit."""
        return Coach(
            checker,
            drafter=self.drafter,
            timezone=self.settings.timezone,
            max_history=self.settings.assist_history_turns,
        )

    def close(self) -> None:
        if self.drafter is not None:
            self.drafter.close()

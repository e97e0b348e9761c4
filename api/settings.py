"""The adapters' configuration in one place, read from HUASHU_* environment variables
(pydantic-settings).

The server and the CLI build a Settings (the CLI from its flags, the server from the environment)
and pass it down; the engine only ever receives values (lexicon directories, a time zone, a draft
drafter). The one variable the library reads itself is HUASHU_LEXICON_DIRS, for `assistant.check`
called without a checker (assistant/checker.py). Every field is documented in the README.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.lexicon import split_lexicon_dirs

Action = Literal["allow", "warn", "block"]


class ChannelPolicy(BaseModel):
    """What /v1/screen does with each kind of finding on one channel."""

    model_config = ConfigDict(extra="forbid")

    forbidden: Action = "block"
    disliked: Action = "warn"
    min_confidence: Annotated[float, Field(ge=0, le=1)] = 0.0  # findings below it are ignored


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUASHU_", extra="ignore", env_ignore_empty=True)

    # engine: company lexicon directories, loaded after the built-in ones (os.pathsep-separated)
    lexicon_dirs: Annotated[list[Path], NoDecode] = []
    # engine: a folder of retrained models (`huashu train --out DIR`); unset: the shipped models
    model_dir: Path | None = None

    # server
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8000
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    allow_open: bool = False  # bind beyond loopback without API keys
    api_keys: Annotated[list[SecretStr], NoDecode] = []  # comma-separated
    api_key_file: Path | None = None  # lines of "sha256:<hex>" (huashu hash-key), # comments
    max_body_bytes: Annotated[int, Field(ge=1024)] = 64 * 1024
    max_upload_bytes: Annotated[int, Field(ge=1024)] = 8 * 1024 * 1024  # a survey file (POST /v1/survey)
    max_text_chars: Annotated[int, Field(ge=1)] = 10_000
    max_batch_items: Annotated[int, Field(ge=1)] = 1_000
    body_timeout: Annotated[float, Field(gt=0, le=600)] = 15.0  # seconds to receive a whole request body
    cache_size: Annotated[int, Field(ge=0)] = 4096  # reports kept for repeated texts (0: none)
    default_policy: ChannelPolicy = ChannelPolicy()
    channel_policies: dict[str, ChannelPolicy] = {}  # JSON: {"vip": {"disliked": "block"}}
    # WeCom app callback (/wecom/callback) and chat toolbar (/wecom/toolbar)
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None  # the 43-character EncodingAESKey
    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: SecretStr | None = None  # the app's Secret, for the toolbar's JS-SDK signature
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    # WeChat Official Account callback (/wechat/callback)
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_app_id: str | None = None
    # MCP over streamable HTTP at /mcp: Host headers accepted besides loopback (host:port, * wildcards)
    mcp_allowed_hosts: Annotated[list[str], NoDecode] = []
    # the assistant (POST /v1/assist, huashu assist)
    timezone: str = "Asia/Shanghai"  # for the concrete times drafts promise ("今天下午五点前")
    assist_sessions: Annotated[int, Field(ge=0)] = 10_000  # conversations remembered by session_id
    assist_session_ttl: Annotated[int, Field(ge=1)] = 1800  # seconds a quiet session is kept
    assist_history_turns: Annotated[int, Field(ge=1, le=1000)] = 50  # turns kept and read per conversation
    # optional LLM drafting through an OpenAI-compatible endpoint; off unless base URL and model are set
    llm_base_url: str | None = None  # e.g. https://api.openai.com/v1 or a local server's /v1
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: Annotated[float, Field(gt=0, le=120)] = 8.0  # seconds; on timeout the built-in drafts are used
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_content: bool = False  # message text in logs: off, staff messages hold residents' data

    @field_validator("lexicon_dirs", mode="before")
    @classmethod
    def _split_paths(cls, value):
        if isinstance(value, str):
            return split_lexicon_dirs(value)
        return value

    @field_validator("mcp_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value):
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value):
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)") from None
        return value

    def drafter(self):
        """The LLM drafter these settings configure, or None (the built-in drafts only)."""
        if not (self.llm_base_url and self.llm_model):
            return None
        from api.llm import LLMDrafter

        key = self.llm_api_key.get_secret_value() if self.llm_api_key else None
        return LLMDrafter(self.llm_base_url, self.llm_model, key, self.llm_timeout)

    def policy_for(self, channel: str) -> ChannelPolicy:
        return self.channel_policies.get(channel, self.default_policy)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

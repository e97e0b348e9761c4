"""All configuration in one place, read from HUASHU_* environment variables (pydantic-settings).

Adapters build a Settings (the CLI from its flags, the server from the environment) and pass it
down; nothing reads the environment anywhere else.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUASHU_", extra="ignore", env_ignore_empty=True)

    # company lexicon directories, loaded after the built-in ones (os.pathsep-separated in the env)
    lexicon_dirs: Annotated[list[Path], NoDecode] = []

    @field_validator("lexicon_dirs", mode="before")
    @classmethod
    def _split_paths(cls, value):
        if isinstance(value, str):
            return [p for p in value.split(os.pathsep) if p.strip()]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

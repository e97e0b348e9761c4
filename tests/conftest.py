"""Shared fixtures: one engine for the whole run (building it costs about a second)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
MARKED = re.compile(r"\[\[(.+?)\]\]")


@pytest.fixture(scope="session")
def checker():
    from assistant import get_checker

    return get_checker(())


@pytest.fixture(scope="session")
def lexicon(checker):
    return checker.lexicon


def strip_marker(text: str) -> tuple[str, tuple[int, int]]:
    """'嗯，我[[不太清楚]]。' -> ('嗯，我不太清楚。', (3, 7))"""
    m = MARKED.search(text)
    assert m, f"no [[...]] marker in {text!r}"
    plain = text[: m.start()] + m.group(1) + text[m.end() :]
    return plain, (m.start(), m.start() + len(m.group(1)))


def labelled_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def huashu_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m assistant.cli`."""
    script = Path(sys.executable).with_name("huashu")
    if script.exists():
        return [str(script)]
    found = shutil.which("huashu")
    return [found] if found else [sys.executable, "-m", "assistant.cli"]


@pytest.fixture
def run_env(tmp_path):
    env = dict(os.environ)
    env.pop("HUASHU_LEXICON_DIRS", None)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env

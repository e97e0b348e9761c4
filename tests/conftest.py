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


LABELLED = ROOT / "assistant" / "model" / "data"  # every labelled batch (its README says where each came from)


def labelled_batches(kind: str, prefix: str = "") -> list[dict]:
    """The rows of every `kind` (staff, residents) batch whose file name starts with `prefix`."""
    return [row for path in sorted((LABELLED / kind).glob(f"{prefix}*.jsonl")) for row in labelled_rows(path)]


# the project's own labelled sets from earlier sessions: staff replies (paraphrases, evasions, hard
# negatives) and residents' messages, each written blind in batches
GENERALISATION = "gen-"
RESIDENTS = "res-"


def huashu_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m cli.main`."""
    script = Path(sys.executable).with_name("huashu")
    if script.exists():
        return [str(script)]
    found = shutil.which("huashu")
    return [found] if found else [sys.executable, "-m", "cli.main"]


@pytest.fixture
def run_env(tmp_path):
    env = dict(os.environ)
    env.pop("HUASHU_LEXICON_DIRS", None)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


# ---- a real server on loopback ----------------------------------------------------------------

import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(tmp: Path, env: dict, *args: str, ready_timeout: float = 60) -> Server:
    """`huashu serve` as a subprocess on a free loopback port, once /readyz says ready."""
    port = free_port()
    log_path = tmp / f"server-{port}.log"
    process = subprocess.Popen(
        [*huashu_command(), "serve", "--port", str(port), *args],
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Server(url, process, log_path)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server not ready after {ready_timeout}s:\n{log_path.read_text()}")


def server_env(tmp: Path, **extra: str) -> dict:
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("HUASHU_"):
            del env[key]
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The default server: no keys, default policies, plus a 'vip' channel where disliked blocks."""
    tmp = tmp_path_factory.mktemp("server")
    srv = start_server(tmp, server_env(tmp, HUASHU_CHANNEL_POLICIES='{"vip": {"disliked": "block"}}'))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def live(server):
    """An HTTP client of the real server, for what needs one (its logs, its process)."""
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


# ---- the same application in-process, for contract checks ------------------------------------


@pytest.fixture(scope="session")
def services(checker):
    """What create_app builds, configured like the `server` fixture, serving the session's engine."""
    from api.services import Services
    from api.settings import ChannelPolicy, Settings

    built = Services(Settings(lexicon_dirs=[], channel_policies={"vip": ChannelPolicy(disliked="block")}))
    built.engine.use(checker, built.build_coach(checker))
    return built


@pytest.fixture(scope="session")
def client(services):
    """FastAPI's TestClient over the application (no network, no second engine): the API's
    contract checks run here; tests that need a real process use `server` / `live`."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(services=services), base_url="http://127.0.0.1:8000") as c:
        yield c

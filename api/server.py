"""`huashu serve`: uvicorn with safe defaults.

Without API keys the server only binds to loopback, unless told to (--allow-open): a first run is
easy and a deployment is never open by accident. Settings reach every worker process through
HUASHU_* environment variables, so `--workers N` behaves like one worker N times.
"""

from __future__ import annotations

import inspect
import ipaddress
import os

from api.settings import Settings

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
# how long a worker may take to answer uvicorn's supervisor: to load before a reload gives up on
# it, and to answer a liveness ping before it is taken for hung and replaced
WORKER_STARTUP_SECONDS = 60


class ServeRefused(Exception):
    """Why the server will not start (message in Chinese, for the operator)."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_startup(settings: Settings) -> None:
    """Refuse an open bind without keys, a bad key file or a broken lexicon, before uvicorn starts."""
    from api.security import KeyFileError, KeyStore
    from assistant.errors import LexiconError
    from assistant.lexicon import load_lexicon

    try:
        keys = KeyStore(settings)
    except KeyFileError as exc:
        raise ServeRefused(f"API 密钥文件有误：{exc}") from None
    if not keys.configured and not is_loopback(settings.host) and not settings.allow_open:
        raise ServeRefused(
            f"未配置 API 密钥，拒绝监听 {settings.host}（只允许本机回环地址）。"
            "请设置 HUASHU_API_KEYS 或 HUASHU_API_KEY_FILE，或明确加上 --allow-open。"
        )
    try:
        lexicon = load_lexicon(settings.lexicon_dirs)
    except LexiconError as exc:
        raise ServeRefused(f"词库有误：\n{exc}") from None
    from assistant.model.classifier import ClauseClassifier, MessageClassifier, ModelError, weights_files

    staff, residents = weights_files(settings.model_dir)
    try:
        ClauseClassifier(lexicon, staff)
        MessageClassifier(residents)
    except ModelError as exc:
        raise ServeRefused(f"模型文件有误：\n{exc}") from None


def export(settings: Settings) -> None:
    """Put the settings the CLI changed where every worker reads them (the environment)."""
    os.environ["HUASHU_HOST"] = settings.host
    os.environ["HUASHU_PORT"] = str(settings.port)
    os.environ["HUASHU_WORKERS"] = str(settings.workers)
    os.environ["HUASHU_ALLOW_OPEN"] = "true" if settings.allow_open else "false"
    if settings.lexicon_dirs:
        os.environ["HUASHU_LEXICON_DIRS"] = os.pathsep.join(str(d) for d in settings.lexicon_dirs)
    if settings.model_dir:
        os.environ["HUASHU_MODEL_DIR"] = str(settings.model_dir)


def serve(settings: Settings) -> None:
    import uvicorn

    from api.logs import logging_config

    check_startup(settings)
    export(settings)
    options = {}
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
        # uvicorn >= 0.36 replaces workers on SIGHUP (a reload) only once a new one is ready, and
        # gives up after this many seconds: a worker loads the lexicons, models and dictionary
        # first, which takes longer than uvicorn's 5 s default on a busy machine. The same timeout
        # bounds its liveness pings, so a hung worker is replaced after a minute, not five seconds
        options["timeout_worker_healthcheck"] = WORKER_STARTUP_SECONDS
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config(settings.log_level),
        access_log=False,
        server_header=False,
        proxy_headers=False,
        **options,
    )

"""The FastAPI application: create_app() wires settings, engine, middleware, errors and routes."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.logs import tune_logging
from api.middleware import RequestGate
from api.routes import admin, assist, check, health, languagetool, screen, web, wecom
from api.mcp_tools import build_mcp, http_app
from api.security import KeyStore
from api.sessions import SessionStore
from api.state import EngineState
from assistant.coach.coach import coach_for
from assistant.lexicon import LexiconError
from assistant.settings import Settings, get_settings

log = logging.getLogger("huashu")

DESCRIPTION = """
Huashu (话术) checks what property-management staff are about to send to residents: the ten
forbidden phrases of complaint handling (F01-F10), disliked wording (D1-D4) and liked wording
(P1-P5), with reasons in Chinese, replacement wordings and a rewrite that passes the checker.

Offsets (`start`, `end`) are Python string indices (Unicode code points) into the text sent.
Errors are JSON: `{"error": {"code", "message", "details"}, "request_id"}`.
When API keys are configured, `/v1/screen`, `/v1/check/batch` and `/v1/admin/*` need
`Authorization: Bearer <key>`.
"""


async def _reload_logged(state: EngineState) -> None:
    try:
        await state.reload()
    except LexiconError as exc:
        log.error("reload_refused", extra={"fields": {"error": str(exc)}})


def _checker_or_503(state: EngineState):
    if not state.ready:
        raise RuntimeError("引擎正在加载，请稍后重试")
    return state.require()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    tune_logging()
    keys = KeyStore(settings)
    drafter = settings.drafter()
    state = EngineState(
        settings.lexicon_dirs, settings.cache_size, prepare=lambda checker: coach_for(checker, drafter, settings.timezone)
    )
    mcp_server = build_mcp(lambda: _checker_or_503(state))
    mcp_app = http_app(mcp_server, settings.mcp_allowed_hosts)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        if settings.workers > 1:
            # a worker uvicorn starts (or restarts on SIGHUP) takes connections once this returns:
            # it must not take them before its engine is in
            await _reload_logged(state)
        loading = loop.create_task(_reload_logged(state)) if not state.ready else None
        mcp_sessions = mcp_server.session_manager.run()
        await mcp_sessions.__aenter__()
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload_logged(state)))
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):  # not the main thread / Windows
            pass
        try:
            yield
        finally:
            if loading is not None and not loading.done():
                loading.cancel()
            await mcp_sessions.__aexit__(None, None, None)
            if drafter is not None:
                drafter.close()

    app = FastAPI(
        title="话术 Huashu API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "check", "description": "Check replies"},
            {"name": "screen", "description": "The chat-plugin endpoint"},
            {"name": "assist", "description": "The assistant: read the resident, coach the reply"},
            {"name": "languagetool", "description": "LanguageTool-compatible API (UTF-16 offsets)"},
            {"name": "admin", "description": "Operations"},
            {"name": "health", "description": "Probes"},
        ],
    )
    app.state.settings = settings
    app.state.keys = keys
    app.state.engine = state
    app.state.drafter = drafter
    app.state.sessions = SessionStore(settings.assist_sessions, settings.assist_session_ttl, settings.assist_history_turns)
    errors.install(app)
    routers = (check.router, screen.router, assist.router, languagetool.router, wecom.router, admin.router, health.router, web.router)
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    app.router.routes.extend(mcp_app.routes)  # POST /mcp: MCP over streamable HTTP
    app.add_middleware(RequestGate, limit=settings.max_body_bytes)
    return app

"""The FastAPI application: create_app() wires settings, engine, middleware, errors and routes."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.bodies import hoist_definitions
from api.logs import tune_logging
from api.mcp_tools import build_mcp, http_app
from api.middleware import RequestGate
from api.paths import STATIC
from api.routes import admin, assist, check, health, languagetool, screen, survey, web, wecom
from api.services import Services
from api.settings import get_settings
from api.state import LiveEngine, NotReady
from assistant.errors import RuleFileError

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


async def _reload_logged(state: LiveEngine) -> None:
    try:
        await state.reload()
    except RuleFileError as exc:
        log.error("reload_refused", extra={"fields": {"error": str(exc)}})


def _loaded(take):
    """`take()` (the live checker or coach) for MCP calls, which answer errors as tool errors."""
    try:
        return take()
    except NotReady:
        raise RuntimeError("引擎正在加载，请稍后重试") from None


def create_app(services: Services | None = None) -> FastAPI:
    """The application, with every collaborator built once, here or by the caller (`services`:
    a test hands in its own, e.g. with an engine already loaded); settings are the services'."""
    services = services or Services(get_settings())
    settings = services.settings
    tune_logging()
    state = services.engine
    mcp_server = build_mcp(
        lambda: _loaded(state.require), lambda: _loaded(state.require_coach), settings.max_text_chars
    )
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
            services.close()

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
    app.state.services = services
    errors.install(app)
    routers = (check.router, screen.router, assist.router, survey.router, languagetool.router, wecom.router, admin.router,
               health.router, web.router)
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.router.routes.extend(mcp_app.routes)  # POST /mcp: MCP over streamable HTTP
    app.add_middleware(
        RequestGate, limit=settings.max_body_bytes, body_timeout=settings.body_timeout,
        uploads={path: settings.max_upload_bytes for path in survey.UPLOAD_PATHS},
    )
    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = hoist_definitions(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app

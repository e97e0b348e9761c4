"""Dependencies shared by the routes: settings, the engine, API-key checks.

All are `async def`: FastAPI runs plain `def` dependencies in a thread pool, and a thread hop
per dependency costs more than checking a short reply. The hot routes (check, screen) take what
they need from `context()` instead of three injected dependencies: resolving each costs more
than a cached check.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.security import KeyStore
from api.state import EngineState, NotReady
from assistant.pipeline import Checker
from assistant.settings import Settings


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_state(request: Request) -> EngineState:
    return request.app.state.engine


async def get_checker(request: Request) -> Checker:
    return _require(request.app.state.engine)


def _require(state: EngineState) -> Checker:
    try:
        return state.require()
    except NotReady:
        raise ApiError(503, "not_ready", "引擎正在加载，请稍后重试", headers={"Retry-After": "1"}) from None


def context(request: Request) -> tuple[Settings, EngineState, Checker]:
    """Settings, engine state and the current engine of the app serving `request`."""
    app_state = request.app.state
    return app_state.settings, app_state.engine, _require(app_state.engine)


async def require_key(request: Request) -> None:
    """When keys are configured, the caller must send `Authorization: Bearer <key>`."""
    keys: KeyStore = request.app.state.keys
    if not keys.configured:
        return
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip() or not keys.verify(presented.strip()):
        raise ApiError(
            401,
            "unauthorized",
            "需要有效的 API 密钥：请在 Authorization 头中提供 Bearer <密钥>",
            headers={"WWW-Authenticate": "Bearer"},
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
StateDep = Annotated[EngineState, Depends(get_state)]
CheckerDep = Annotated[Checker, Depends(get_checker)]
KeyRequired = Depends(require_key)

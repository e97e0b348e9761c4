"""Dependencies shared by the routes: the services create_app built, the engine, API-key checks.

All are `async def`: FastAPI runs plain `def` dependencies in a thread pool, and a thread hop
per dependency costs more than checking a short reply. The hot routes (check, screen) take what
they need from `context()` instead of three injected dependencies: resolving each costs more
than a cached check.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.services import Services
from api.settings import Settings
from api.state import LiveEngine, NotReady
from assistant.checker import Checker
from assistant.coach import Coach


def services_of(request: Request) -> Services:
    return request.app.state.services


async def request_settings(request: Request) -> Settings:
    return request.app.state.services.settings


async def request_engine(request: Request) -> LiveEngine:
    return request.app.state.services.engine


async def request_checker(request: Request) -> Checker:
    return _require(request.app.state.services.engine)


def _not_ready() -> ApiError:
    return ApiError(503, "not_ready", "引擎正在加载，请稍后重试", headers={"Retry-After": "1"})


def _require(state: LiveEngine) -> Checker:
    try:
        return state.require()
    except NotReady:
        raise _not_ready() from None


def require_coach(state: LiveEngine) -> Coach:
    try:
        return state.require_coach()
    except NotReady:
        raise _not_ready() from None


def context(request: Request) -> tuple[Settings, LiveEngine, Checker]:
    """Settings, the live engine and its current checker, for the app serving `request`."""
    services: Services = request.app.state.services
    return services.settings, services.engine, _require(services.engine)


def require_length(text: str, limit: int, field: str = "text") -> None:
    """A text over the configured limit is refused (422) before the engine sees it."""
    if len(text) > limit:
        raise ApiError(422, "text_too_long", f"{field} 超过 {limit} 字符上限（收到 {len(text)} 字符）")


async def require_key(request: Request) -> None:
    """When keys are configured, the caller must send `Authorization: Bearer <key>`."""
    keys = request.app.state.services.keys
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


SettingsDep = Annotated[Settings, Depends(request_settings)]
EngineDep = Annotated[LiveEngine, Depends(request_engine)]
CheckerDep = Annotated[Checker, Depends(request_checker)]
KeyRequired = Depends(require_key)

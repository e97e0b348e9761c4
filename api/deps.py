"""Dependencies shared by the routes: settings, the engine, API-key checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.security import KeyStore
from api.state import EngineState, NotReady
from assistant.pipeline import Checker
from assistant.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_state(request: Request) -> EngineState:
    return request.app.state.engine


def get_checker(request: Request) -> Checker:
    try:
        return request.app.state.engine.require()
    except NotReady:
        raise ApiError(503, "not_ready", "引擎正在加载，请稍后重试", headers={"Retry-After": "1"}) from None


def require_key(request: Request) -> None:
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

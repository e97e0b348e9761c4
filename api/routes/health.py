"""GET /healthz (the process answers) and GET /readyz (the engine is loaded)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.models import Health, Ready
from api.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health", summary="Liveness", response_model=Health)
async def health():
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    operation_id="ready",
    summary="Readiness",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "Still loading"}},
)
async def ready(state: EngineDep):
    if not state.ready:
        return JSONResponse({"status": "loading", "version": state.version, "rules": 0}, 503)
    return JSONResponse({"status": "ready", "version": state.version, "rules": len(state.checker.lexicon.entries)})

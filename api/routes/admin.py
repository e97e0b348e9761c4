"""POST /v1/admin/reload: re-read the lexicons without a restart (SIGHUP does the same)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import KeyRequired, StateDep
from api.errors import ApiError
from api.models import Error, Reloaded
from api.responses import JSONResponse
from assistant.lexicon import LexiconError

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/reload",
    operation_id="reloadRules",
    summary="Reload the lexicons",
    response_model=None,
    responses={200: {"model": Reloaded}, 401: {"model": Error}, 422: {"model": Error}},
    dependencies=[KeyRequired],
)
async def reload_rules(state: StateDep):
    """Builds a new engine from the lexicons on disk. A broken lexicon is refused (422, with the
    file and entry) and the server keeps serving the last good rules."""
    try:
        checker = await state.reload()
    except LexiconError as exc:
        raise ApiError(422, "lexicon_invalid", "词库有误，未重新加载，仍在使用上一版规则", str(exc)) from None
    return JSONResponse({"status": "reloaded", "version": state.version, "rules": len(checker.lexicon.entries)})

"""POST /v1/admin/reload: re-read the lexicons without a restart (SIGHUP does the same)."""

from __future__ import annotations

import asyncio
import os
import signal

from fastapi import APIRouter

from api.deps import EngineDep, KeyRequired, SettingsDep
from api.errors import ApiError
from api.models import Error, Reloaded
from api.responses import JSONResponse
from assistant.errors import RuleFileError
from assistant.lexicon import load_lexicon

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/reload",
    operation_id="reloadRules",
    summary="Reload the lexicons",
    response_model=None,
    responses={200: {"model": Reloaded}, 202: {"model": Reloaded}, 401: {"model": Error}, 422: {"model": Error}},
    dependencies=[KeyRequired],
)
async def reload_rules(state: EngineDep, settings: SettingsDep):
    """Builds a new engine from the lexicons on disk. A broken lexicon is refused (422, with the
    file and entry) and the server keeps serving the last good rules. With several workers the
    lexicons are validated here and uvicorn then replaces every worker, one at a time (202)."""
    try:
        if settings.workers > 1:
            lexicon = await asyncio.to_thread(load_lexicon, state.lexicon_dirs)
            os.kill(os.getppid(), signal.SIGHUP)  # uvicorn's supervisor restarts all workers
            return JSONResponse(
                {"status": "restarting", "version": state.version, "rules": len(lexicon.entries)}, 202
            )
        checker = await state.reload()
    except RuleFileError as exc:
        raise ApiError(422, "lexicon_invalid", "词库有误，未重新加载，仍在使用上一版规则", str(exc)) from None
    return JSONResponse({"status": "reloaded", "version": state.version, "rules": len(checker.lexicon.entries)})

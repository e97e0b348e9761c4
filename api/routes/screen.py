"""POST /v1/screen: what a WeChat/WeCom/CRM integration calls before sending a staff message."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.bodies import openapi_body, parse_body
from api.deps import KeyRequired, context, require_length
from api.models import COMMON_ERRORS, Error, ScreenRequest, ScreenResponse
from api.responses import JSONResponse
from api.screening import screen

router = APIRouter(prefix="/v1", tags=["screen"])


@router.post(
    "/screen",
    operation_id="screenMessage",
    summary="Screen an outgoing staff message",
    response_model=None,
    responses={200: {"model": ScreenResponse}, 401: {"model": Error}, **COMMON_ERRORS},
    dependencies=[KeyRequired],
    openapi_extra=openapi_body(ScreenRequest),
)
async def screen_message(request: Request):
    """`action` is allow, warn or block under the channel's policy; `suggested_message` is a
    version without findings. Needs an API key when keys are set."""
    settings, state, checker = context(request)
    body = await parse_body(request, ScreenRequest)
    require_length(body.message, settings.max_text_chars, "message")
    report = state.check(checker, body.message).report
    result = screen(report, settings.policy_for(body.channel))
    request.state.log = {
        "channel": body.channel,
        "action": result["action"],
        "categories": sorted({f["category"] for f in result["findings"]}),
        **({"message": body.message} if settings.log_content else {}),
    }
    return JSONResponse(result)

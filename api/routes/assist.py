"""POST /v1/assist: read a resident's message and coach the reply (assistant/coach)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.bodies import openapi_body, parse_body
from api.deps import require_coach, require_length, services_of
from api.models import COMMON_ERRORS, AssistRequest, AssistResponse
from api.responses import JSONResponse
from assistant.coach import Message

router = APIRouter(prefix="/v1", tags=["assist"])


@router.post(
    "/assist",
    operation_id="assistReply",
    summary="Read a resident's message and draft the reply",
    response_model=None,
    responses={200: {"model": AssistResponse}, **COMMON_ERRORS},
    openapi_extra=openapi_body(AssistRequest),
)
async def assist_reply(request: Request):
    """Psychology with evidence, topic, emergency steps, the complaint-procedure steps the reply
    must still cover, a draft and two alternatives that pass the checker, and, when `draft` is
    given, a review of it. With `session_id` the server keeps the conversation (bounded, expiring):
    `history` sent is appended to it, and so is `message`."""
    services = services_of(request)
    settings = services.settings
    coach = require_coach(services.engine)
    body = await parse_body(request, AssistRequest)
    require_length(body.message, settings.max_text_chars, "message")
    if body.draft is not None:
        require_length(body.draft, settings.max_text_chars, "draft")
    for i, turn in enumerate(body.history):
        require_length(turn.text, settings.max_text_chars, f"history[{i}].text")
    sessions = services.sessions
    stored, stored_name = sessions.get(body.session_id) if body.session_id else ([], None)
    reported = [Message.of(t.role, t.text) for t in body.history]
    args = (body.message, stored + reported, (body.customer_name or "").strip() or stored_name, body.draft)
    # the built-in drafting takes a few milliseconds; a model behind the network gets a thread
    advice = await run_in_threadpool(coach.assist, *args) if coach.drafter is not None else coach.assist(*args)
    if body.session_id:
        sessions.add(body.session_id, [*reported, Message("customer", body.message)], advice.customer_name)
        advice.session_id = body.session_id
    request.state.log = {
        "topic": advice.topic["code"],
        "psychology": [p["code"] for p in advice.psychology],
        "urgent": advice.urgent["kind"] if advice.urgent else None,
        "draft_source": advice.draft_source,
    }
    return JSONResponse(advice.to_dict())

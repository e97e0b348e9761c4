"""POST /v1/check, POST /v1/check/batch, GET /v1/rules: the engine's reports over HTTP."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bodies import openapi_body, parse_body
from api.deps import CheckerDep, KeyRequired, context, require_length
from api.errors import ApiError
from api.models import COMMON_ERRORS, BatchRequest, BatchResponse, CheckRequest, Error, Report, Rule
from api.responses import JSONResponse
from assistant.taxonomy import taxonomy

router = APIRouter(prefix="/v1", tags=["check"])
YIELD_EVERY = 32  # a batch gives other requests a turn this often


def switched_off(checker, rules: list[str], categories: list[str]) -> dict:
    """The rules and categories to leave out of this check; empty names are no names."""
    rules = [r for r in rules if r.strip()]
    categories = [c for c in categories if c.strip()]
    if not rules and not categories:
        return {}
    unknown = sorted(set(rules) - checker.lexicon.rule_ids)
    if unknown:
        raise ApiError(422, "unknown_rule", f"没有这些规则：{'、'.join(unknown)}（见 GET /v1/rules）")
    bad = sorted(set(categories) - set(taxonomy().categories))
    if bad:
        raise ApiError(422, "unknown_category", f"没有这些类别：{'、'.join(bad)}（可用 F01–F10、D1–D4、P1–P5）")
    return {"disabled_rules": rules, "disabled_categories": categories}


@router.post(
    "/check",
    operation_id="checkReply",
    summary="Check one reply",
    response_model=None,
    responses={200: {"model": Report}, **COMMON_ERRORS},
    openapi_extra=openapi_body(CheckRequest),
)
async def check_reply(request: Request):
    """Findings (forbidden phrases F01-F10, disliked wording D1-D4), positives (P1-P5), score,
    verdict and a rewrite that passes the checker."""
    settings, state, checker = context(request)
    body = await parse_body(request, CheckRequest)
    require_length(body.text, settings.max_text_chars)
    off = switched_off(checker, body.disabled_rules, body.disabled_categories)
    cached = state.check(checker, body.text, **off)
    report = cached.report
    request.state.log = {"verdict": report.verdict, "categories": sorted({f.category for f in report.findings})}
    return Response(cached.json(), media_type="application/json")


@router.post(
    "/check/batch",
    operation_id="checkBatch",
    summary="Check up to 1,000 replies",
    response_model=None,
    responses={200: {"model": BatchResponse}, 401: {"model": Error}, **COMMON_ERRORS},
    dependencies=[KeyRequired],
    openapi_extra=openapi_body(BatchRequest),
)
async def check_batch(request: Request):
    """One report per item, in order, each with the item's id. Needs an API key when keys are set."""
    settings, state, checker = context(request)
    body = await parse_body(request, BatchRequest)
    if len(body.items) > settings.max_batch_items:
        raise ApiError(
            422, "too_many_items", f"items 超过 {settings.max_batch_items} 条上限（收到 {len(body.items)} 条）"
        )
    for i, item in enumerate(body.items):
        require_length(item.text, settings.max_text_chars, f"items[{i}].text")
    out = []
    for i, item in enumerate(body.items):
        out.append({"id": item.id, **state.check(checker, item.text).report.to_dict()})
        if i % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)
    request.state.log = {"items": len(out), "blocked": sum(1 for r in out if r["verdict"] == "block")}
    return JSONResponse({"items": out})


@router.get("/rules", operation_id="listRules", summary="List the rules", response_model=list[Rule])
async def list_rules(checker: CheckerDep):
    """Every rule with its category, message, examples and rewrites."""
    return JSONResponse(checker.lexicon.describe())

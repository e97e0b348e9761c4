"""/v2/check and /v2/languages: LanguageTool's HTTP API (see api/languagetool.py).

Open like /v1/check, and answered with `Access-Control-Allow-Origin: *` as LanguageTool servers
do, so the LanguageTool browser extension ("other server") and editor plugins can call it.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import context
from api.errors import ApiError
from api.languagetool import (
    LANGUAGES,
    LanguageToolInputError,
    check_language,
    check_level,
    parse_data,
    plain_document,
    response,
    split_list,
)
from api.models import Error
from api.responses import JSONResponse, dumps
from assistant.limits import problem_with

router = APIRouter(prefix="/v2", tags=["languagetool"])
CORS = {"Access-Control-Allow-Origin": "*"}
FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "description": "The text to check (or use data)."},
                        "data": {"type": "string", "description": 'LanguageTool annotation JSON: {"annotation": [...]}'},
                        "language": {"type": "string", "description": "zh-CN, zh or auto"},
                        "enabledRules": {"type": "string"},
                        "disabledRules": {"type": "string"},
                        "enabledCategories": {"type": "string"},
                        "disabledCategories": {"type": "string"},
                        "enabledOnly": {"type": "string", "enum": ["true", "false"]},
                        "level": {"type": "string", "enum": ["default", "picky"]},
                    },
                    "required": ["language"],
                },
                "examples": {"reply": {"value": {"text": "您好，改天再联系你。", "language": "zh-CN"}}},
            }
        },
    }
}


QUERY_PARAMETERS = {
    "parameters": [
        {"name": name, "in": "query", "required": name == "language", "schema": schema}
        for name, schema in FORM_BODY["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"][
            "properties"
        ].items()
    ]
}


async def _params(request: Request) -> dict[str, str]:
    if request.method == "GET":
        return dict(request.query_params)
    body = await request.body()
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_form", "请求体不是有效的 UTF-8 表单") from None
    try:
        fields = parse_qs(decoded, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_form", "请求体不是有效的表单（application/x-www-form-urlencoded）") from None
    return {k: v[-1] for k, v in fields.items()}


def _switched_off(checker, p: dict[str, str]) -> dict:
    """LanguageTool's rule selection mapped onto ours (unknown ids are ignored, as LanguageTool does)."""
    entries = (*checker.lexicon.entries, *checker.lexicon.model_entries.values())
    ids = checker.lexicon.rule_ids
    codes = {e.category for e in entries}
    if p.get("enabledOnly", "").lower() == "true":
        rules, categories = set(split_list(p.get("enabledRules"))), set(split_list(p.get("enabledCategories")))
        return {"disabled_rules": sorted(e.id for e in entries if e.id not in rules and e.category not in categories)}
    return {
        "disabled_rules": sorted(set(split_list(p.get("disabledRules"))) & ids),
        "disabled_categories": sorted(set(split_list(p.get("disabledCategories"))) & codes),
    }


@router.get(
    "/check",
    operation_id="languageToolCheckQuery",
    summary="Check text, LanguageTool-style (query parameters)",
    response_model=None,
    responses={400: {"model": Error}, 413: {"model": Error}},
    openapi_extra=QUERY_PARAMETERS,
)
@router.post(
    "/check",
    operation_id="languageToolCheck",
    summary="Check text, LanguageTool-style",
    response_model=None,
    responses={400: {"model": Error}, 413: {"model": Error}},
    openapi_extra=FORM_BODY,
)
async def lt_check(request: Request):
    """LanguageTool's /v2/check: form fields in, LanguageTool's match JSON out (UTF-16 offsets)."""
    settings, state, checker = context(request)
    p = await _params(request)
    try:
        check_language(p.get("language"))
        check_level(p.get("level"))
        if p.get("data"):
            doc = parse_data(p["data"])
        elif "text" in p:
            doc = plain_document(p["text"])
        else:
            raise LanguageToolInputError("缺少 text 或 data 参数")
    except LanguageToolInputError as exc:
        raise ApiError(400, "invalid_request", str(exc), headers=CORS) from None
    if len(doc.plain) > settings.max_text_chars:
        raise ApiError(413, "text_too_long", f"文本超过 {settings.max_text_chars} 字符上限（收到 {len(doc.plain)} 字符）", headers=CORS)
    if (problem := problem_with(doc.plain)) is not None:
        raise ApiError(400, "invalid_text", str(problem), headers=CORS)
    report = state.check(checker, doc.plain, **_switched_off(checker, p)).report
    request.state.log = {"matches": len(report.findings)}
    return Response(dumps(response(report, doc)), media_type="application/json", headers=CORS)


@router.options("/check", include_in_schema=False)
async def lt_check_preflight():
    return Response(
        status_code=204,
        headers={**CORS, "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type"},
    )


@router.get("/languages", operation_id="languageToolLanguages", summary="Supported languages")
async def lt_languages():
    return JSONResponse(LANGUAGES, headers=CORS)

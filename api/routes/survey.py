"""POST /v1/survey: a satisfaction survey's figures and its four-quadrant chart (management/survey).

The staff page's 报告 tab uploads a file here; integrations send the answers as JSON rows. Both
give what `huashu survey` writes to survey.json, plus the chart as SVG.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.bodies import parse_body
from api.deps import KeyRequired, context
from api.errors import ApiError
from api.models import COMMON_ERRORS, Error, SurveyRequest, SurveyResponse
from api.responses import JSONResponse
from management.survey import SurveyError, analyse, analyse_rows, chart

router = APIRouter(prefix="/v1", tags=["survey"])
UPLOAD_PATHS = ("/v1/survey",)  # bodies here may be files, up to HUASHU_MAX_UPLOAD_BYTES
MAX_FILES = 20
ERRORS_LISTED = 200  # rows refused, listed in the response (all are counted)
OPTIONS = {"scale": ("量表", int), "importance_line": ("重要程度分界线", float), "satisfaction_line": ("满意度分界线", float)}

_MULTIPART_BODY = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "CSV (UTF-8 or GB18030) or .xlsx, long or wide form; several files are combined."},
        "scale": {"type": "integer", "enum": [5, 10], "default": 5},
        "importance_line": {"type": "number"},
        "satisfaction_line": {"type": "number"},
    },
}


@router.post(
    "/survey",
    operation_id="analyseSurvey",
    summary="Analyse a satisfaction survey (四分图)",
    response_model=None,
    responses={200: {"model": SurveyResponse}, 401: {"model": Error}, 415: {"model": Error}, **COMMON_ERRORS},
    dependencies=[KeyRequired],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": _MULTIPART_BODY},
                "application/json": {"schema": SurveyRequest.model_json_schema(ref_template="#/components/schemas/{model}")},
            },
        }
    },
)
async def analyse_survey(request: Request):
    """Per item: mean importance and satisfaction with 95% intervals, gap, respondents and the
    deck's quadrant (继续保持, 急需改进, 锦上添花, 不合优先); the 急需改进 items ranked; comments read
    for section and psychology; rows that could not be used, with the reason, in `errors`.
    Needs an API key when keys are set."""
    _, _, checker = context(request)
    signals = checker.procedure.signals
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "multipart/form-data":
            sources, options = await _uploaded(request)
            result = await run_in_threadpool(analyse, sources, signals=signals, **options)
        elif kind == "application/json":
            body = await parse_body(request, SurveyRequest)
            rows = [row.model_dump() for row in body.rows]
            result = await run_in_threadpool(
                analyse_rows, rows, scale=body.scale, importance_line=body.importance_line,
                satisfaction_line=body.satisfaction_line, signals=signals,
            )
        else:
            raise ApiError(415, "unsupported_media_type", "请上传问卷文件（multipart/form-data）或发送 JSON（application/json）")
    except SurveyError as exc:
        raise ApiError(422, "survey_invalid", str(exc)) from None
    errors = result["errors"]
    request.state.log = {"items": len(result["items"]), "respondents": result["respondents"], "rejected": len(errors)}
    return JSONResponse({**result, "errors": errors[:ERRORS_LISTED], "errors_total": len(errors), "chart_svg": chart(result)})


async def _uploaded(request: Request) -> tuple[list[tuple[str, bytes]], dict]:
    """The files and options of a multipart upload, each refused with a reason when unusable."""
    try:
        form = await request.form(max_files=MAX_FILES)
    except Exception:  # noqa: BLE001 - python-multipart's errors carry no common base
        raise ApiError(400, "bad_multipart", "上传的表单无法解析：请以 multipart/form-data 上传文件") from None
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
    if not files:
        raise ApiError(422, "no_file", "请在 file 字段上传至少一个问卷文件（.csv 或 .xlsx）")
    sources = [(f.filename or "survey.csv", await f.read()) for f in files]
    options: dict = {}
    for name, (said, cast) in OPTIONS.items():
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            try:
                options[name] = cast(value)
            except ValueError:
                raise ApiError(422, "bad_option", f"{said}（{name}）应为数字，收到“{value.strip()[:20]}”") from None
    if options.get("scale", 5) not in (5, 10):
        raise ApiError(422, "bad_option", f"量表（scale）只能是 5 或 10，收到 {options['scale']}")
    return sources, options

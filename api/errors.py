"""Every error is JSON with a code, a Chinese message a person can act on, and the request id.

    {"error": {"code": "text_too_long", "message": "text 超过 10000 字符上限（收到 12000 字符）",
               "details": [...]}, "request_id": "..."}

Validation problems name the field; broken JSON is a 400 naming the position. Nothing the client
sends may produce a 500: the catch-all handler exists only to keep that promise if a bug slips in.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.responses import JSONResponse
from assistant.limits import UncheckableText

log = logging.getLogger("huashu")

_HTTP_MESSAGES = {
    401: ("unauthorized", "需要有效的 API 密钥：请在 Authorization 头中提供 Bearer <密钥>"),
    404: ("not_found", "没有这个地址"),
    405: ("method_not_allowed", "这个地址不支持该请求方法"),
    413: ("body_too_large", "请求体过大"),
    503: ("not_ready", "引擎正在加载，请稍后重试"),
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.headers = status, code, message, details, headers


def error_body(request_id: str | None, code: str, message: str, details=None) -> dict:
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error, "request_id": request_id}


_JSON_REASONS = (
    ("EOF while parsing", "内容不完整，在结尾处意外中断"),
    ("Expecting value", "此处缺少一个值"),
    ("expected value", "此处缺少一个值"),
    ("trailing", "结尾处有多余的字符"),
    ("Extra data", "结尾处有多余的字符"),
    ("key must be a string", "对象的键必须是带引号的字符串"),
    ("Expecting property name", "对象的键必须是带引号的字符串"),
    ("expected `,` or", "缺少逗号或括号"),
    ("Expecting ','", "缺少逗号"),
    ("Expecting ':'", "缺少冒号"),
    ("control character", "字符串中有未转义的控制字符"),
    ("Invalid control character", "字符串中有未转义的控制字符"),
    ("recursion limit", "嵌套层数过深"),
)


def json_reason(reason: str) -> str:
    """A JSON parser's complaint said in Chinese (the original goes into `details`)."""
    for english, chinese in _JSON_REASONS:
        if english.lower() in reason.lower():
            return chinese
    return "格式有误"


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "请求体"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(
            error_body(_request_id(request), exc.code, exc.message, exc.details), exc.status, headers=exc.headers
        )

    @app.exception_handler(UncheckableText)
    async def _uncheckable(request: Request, exc: UncheckableText):
        return JSONResponse(error_body(_request_id(request), "invalid_text", str(exc)), 400)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        details = [{"field": _field(e.get("loc", ())), "type": e.get("type"), "reason": e.get("msg")} for e in errors]
        broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if broken is not None:
            ctx = broken.get("ctx") or {}
            reason = str(ctx.get("error", broken.get("msg")))
            where = f"（位置 {broken['loc'][-1]}）" if len(broken.get("loc", ())) > 1 else ""
            if "escape" in reason or "surrogate" in reason:
                message = "请求体含有无效的 Unicode 转义（如孤立的 UTF-16 代理项 \\ud800）"
            else:
                message = f"请求体不是有效的 JSON{where}：{json_reason(reason)}"
            return JSONResponse(error_body(_request_id(request), "invalid_json", message, reason), 400)
        first = details[0] if details else {"field": "请求体", "reason": "", "type": ""}
        if first["type"] == "string_unicode":
            message = f"{first['field']} 含有无效的 Unicode 字符（孤立的 UTF-16 代理项），请检查文本编码"
        else:
            message = f"请求内容不符合要求：{first['field']} —— {first['reason']}"
        return JSONResponse(error_body(_request_id(request), "invalid_request", message, details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
        return JSONResponse(
            error_body(_request_id(request), code, message), exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a bug, logged
        log.exception("unhandled_error", extra={"fields": {"request_id": _request_id(request)}})
        return JSONResponse(error_body(_request_id(request), "internal_error", "服务器内部错误，已记录"), 500)

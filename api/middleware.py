"""ASGI middleware: request ids with a structured access log, and the request body limit.

The access log records who asked what kind of thing and how it went (method, path, status,
duration, request id, and whatever the route adds, such as the screening action), never the
message text unless HUASHU_LOG_CONTENT is on: staff messages carry residents' personal data.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders

from api.errors import error_body
from api.responses import dumps

access_log = logging.getLogger("huashu.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


class RequestContext:
    """Give every request an id (the caller's X-Request-ID if sane), echo it, log the outcome."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = (_header(scope, b"x-request-id") or b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            extra = {
                "request_id": request_id,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            extra.update(state.get("log", {}))
            access_log.info("request", extra=extra)


class BodyLimit:
    """Refuse bodies over `limit` bytes with 413 before any route parses them."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def _refuse(self, scope, send, status: int, code: str, message: str):
        body = dumps(error_body(scope.get("state", {}).get("request_id"), code, message))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        too_large = f"请求体过大：上限 {self.limit} 字节（{self.limit // 1024} KB）"
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                return await self._refuse(scope, send, 400, "bad_content_length", "Content-Length 不是整数")
            if size > self.limit:
                return await self._refuse(scope, send, 413, "body_too_large", too_large)
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.limit:
                return await self._refuse(scope, send, 413, "body_too_large", too_large)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

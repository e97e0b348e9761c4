"""The ASGI edge every request passes: request id, body limit, structured access log.

One middleware rather than three, since each layer costs about as much as a cached check.
- Request id: the caller's X-Request-ID if it is sane, else a new one; echoed in the response
  and in every log line and error body.
- Body limit: a body over the limit is refused with 413 before any route parses it; the body is
  read up front (it is at most 64 KB, or the upload limit on the paths that take files) and
  replayed to the application. A body that does not
  arrive whole within `body_timeout` seconds (a stalled or trickling client) is answered 408 and
  the connection is not held further.
- A client that goes away before its body is in is logged with status 499 (client closed), not as
  a server error.
- Access log: method, path, status, duration and whatever the route adds (the screening action,
  the categories found), never the message text unless HUASHU_LOG_CONTENT is on: staff messages
  carry residents' personal data.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time

from api.errors import error_body
from api.responses import dumps

access_log = logging.getLogger("huashu.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_NO_BODY = frozenset(("GET", "HEAD", "OPTIONS"))
UPLOAD_TIMEOUT = 120.0  # seconds a file upload may take to arrive (8 MB at about 0.5 Mbit/s)
CLIENT_CLOSED = 499  # nginx's code for a client that closed the connection before the answer


class _ClientGone(Exception):
    """The client disconnected before its request body was in."""


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


class RequestGate:
    def __init__(self, app, limit: int, body_timeout: float = 15.0, uploads: dict[str, int] | None = None):
        """`uploads`: paths that take files (a survey), each with its own, larger limit for a
        multipart body (a JSON body there keeps `limit`), and UPLOAD_TIMEOUT to arrive."""
        self.app = app
        self.limit = limit
        self.body_timeout = body_timeout
        self.uploads = uploads or {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = (_header(scope, b"x-request-id") or b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else os.urandom(12).hex()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            if scope.get("method") in _NO_BODY:
                await self.app(scope, receive, send_with_id)
            else:
                try:
                    body = await self._read_body(scope, receive, send_with_id)
                except _ClientGone:
                    status = CLIENT_CLOSED
                    state.setdefault("log", {})["client"] = "closed"
                    body = None
                if body is not None:
                    await self.app(scope, _replay(body, receive), send_with_id)
        finally:
            fields = {
                "request_id": request_id,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            fields.update(state.get("log", ()))
            access_log.info("request", extra={"fields": fields})

    async def _read_body(self, scope, receive, send) -> bytes | None:
        """The whole body, or None after answering 400/408/413; _ClientGone if the client left."""
        upload = scope.get("path", "") in self.uploads and (_header(scope, b"content-type") or b"").startswith(b"multipart/")
        limit = self.uploads[scope["path"]] if upload else self.limit
        timeout = max(self.body_timeout, UPLOAD_TIMEOUT) if upload else self.body_timeout
        too_large = f"请求体过大：上限 {limit} 字节（{limit // 1024} KB）"
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _refuse(scope, send, 400, "bad_content_length", "Content-Length 不是整数")
                return None
            if size > limit:
                await _refuse(scope, send, 413, "body_too_large", too_large)
                return None
        chunks, total = [], 0
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await _refuse(
                    scope, send, 408, "body_timeout", f"请求体在 {timeout:g} 秒内没有传完，连接已断开",
                    close=True,
                )
                return None
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                await _refuse(scope, send, 413, "body_too_large", too_large)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive):
    delivered = False

    async def replay():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(scope, send, status: int, code: str, message: str, close: bool = False) -> None:
    body = dumps(error_body(scope.get("state", {}).get("request_id"), code, message))
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

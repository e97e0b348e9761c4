"""JSON responses that never fail to encode.

Chinese stays readable (ensure_ascii off), but a text may hold lone surrogates (JSON allows
"\ud800"), which UTF-8 cannot encode; such a body is sent with ASCII escapes instead, so the
client gets back exactly the string it sent and offsets still point into it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse as _StarletteJSONResponse


def dumps(content: Any) -> bytes:
    try:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class JSONResponse(_StarletteJSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)

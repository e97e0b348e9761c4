"""Request bodies for the hot routes, validated by pydantic-core straight from the raw bytes.

FastAPI's own body handling (dependency solving, json.loads, a deep copy of every default, then
validation) costs as much as a cached check; the chat plugin's latency budget is better spent
elsewhere. The routes declare the same model in OpenAPI (`openapi_body`), and errors come out
exactly like FastAPI's, through the same handler.
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


async def parse_body(request: Request, model: type[M]) -> M:
    body = await request.body()
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = []
        for e in exc.errors(include_url=False):
            e = dict(e)
            e["loc"] = ("body", *e.get("loc", ()))
            errors.append(e)
        raise RequestValidationError(errors) from None


def openapi_body(model: type[BaseModel]) -> dict:
    """openapi_extra that documents `model` as the JSON request body."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema(ref_template="#/components/schemas/{model}")}},
        }
    }


def hoist_definitions(spec: dict) -> dict:
    """Move the `$defs` that inline request bodies carry (openapi_body) into components/schemas,
    where their `#/components/schemas/...` references point, so every $ref of the document
    resolves (Dify and Coze imports and code generators follow them)."""
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            content = (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            for media in content.values():
                schema = media.get("schema", {})
                for name, definition in schema.pop("$defs", {}).items():
                    components.setdefault(name, definition)
    return spec

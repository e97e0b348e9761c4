"""One report schema: what the engine emits (Report.to_dict) is what assistant/report_schema.py
describes, and the HTTP API and the MCP tools publish that same description."""

from __future__ import annotations

import pytest

from tests.conftest import GENERALISATION, SHARED, labelled_batches, labelled_rows


def _texts() -> list[str]:
    texts = [r["text"] for r in labelled_batches("staff", GENERALISATION)]
    dev = SHARED / "eval" / "dev.jsonl"
    if dev.exists():
        texts += [r["text"] for r in labelled_rows(dev)]
    return texts + ["", "👍", "您好" * 300]


def test_every_report_validates_and_round_trips(checker):
    from assistant.report import SCHEMA_VERSION
    from assistant.report_schema import Report

    for text in _texts():
        emitted = checker.check(text).to_dict()
        assert emitted["schema_version"] == SCHEMA_VERSION
        assert Report.model_validate(emitted).model_dump() == emitted, text


def test_a_report_with_a_field_the_schema_lacks_is_refused():
    from pydantic import ValidationError

    from assistant.report_schema import REPORT_EXAMPLE, Report

    Report.model_validate(REPORT_EXAMPLE)
    with pytest.raises(ValidationError):
        Report.model_validate({**REPORT_EXAMPLE, "surprise": 1})
    with pytest.raises(ValidationError):
        Report.model_validate({k: v for k, v in REPORT_EXAMPLE.items() if k != "schema_version"})


def test_the_api_publishes_the_engine_schema(client):
    from assistant.report_schema import Report

    spec = client.get("/openapi.json").json()
    published = spec["components"]["schemas"]["Report"]
    own = Report.model_json_schema(ref_template="#/components/schemas/{model}")
    assert set(published["properties"]) == set(own["properties"])
    assert published["required"] == own["required"]


def test_the_mcp_check_tool_outputs_the_engine_schema(services):
    import asyncio

    from api.mcp_tools import build_mcp
    from assistant.report_schema import Report

    server = build_mcp(lambda: services.engine.checker, lambda: services.engine.coach)
    tools = {t.name: t for t in asyncio.run(server.list_tools())}
    schema = tools["check_reply"].output_schema
    assert set(schema["properties"]) == set(Report.model_json_schema()["properties"])
    audit_finding = tools["audit_conversation"].output_schema["$defs"]["TurnFinding"]
    assert set(audit_finding["properties"]) == set(Report.model_json_schema()["$defs"]["Finding"]["properties"]) | {"turn"}

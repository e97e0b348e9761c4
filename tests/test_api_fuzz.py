"""No input gives a 500: schemathesis against the live /openapi.json, and hypothesis strings
(lone surrogates, NUL, bidi marks, emoji, long texts) against the check and screen endpoints."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

def test_api_fuzz_openapi(server):
    """Every documented operation, with cases generated from its schema: never a 5xx, statuses
    and bodies as documented. (The operations are walked here rather than with
    schemathesis.pytest.from_fixture, which does not run under pytest 9.)"""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    for operation in operations:
        for mode in modes if operation.method.upper() == "POST" and operation.body else modes[:1]:

            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(checks=checks)

            run()


ODD = st.sampled_from(["\x00", "\u200b", "\u200f", "\u202e", "\ufeff", "😤", "👨‍👩‍👧", "\U0002a6a5", "\ud800", "\udfff", "改天", "再联系你", "，", "\n"])
TEXTS = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(ODD, st.text(max_size=3)), max_size=40).map("".join),
    st.integers(min_value=9_990, max_value=10_010).map(lambda n: ("改天再联系你。" * 1500)[:n]),
    st.characters(categories=["Cs"]).map(lambda c: f"我不太清楚{c}"),
)


def _post(client, path, payload):
    body = json.dumps(payload, ensure_ascii=True).encode()  # carries lone surrogates as escapes
    return client.post(path, content=body, headers={"content-type": "application/json"})


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=TEXTS)
def test_api_fuzz_check_text(client, text):
    r = _post(client, "/v1/check", {"text": text})
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code == 200:
        report = r.json()
        # the text the body carries: two lone surrogates side by side ("\ud800\udfff") are, as
        # JSON escapes, one character (U+103FF)
        text = json.loads(json.dumps(text, ensure_ascii=True))
        assert report["text"] == text
        for f in report["findings"]:
            assert text[f["start"] : f["end"]] == f["match"]
    else:
        assert r.json()["error"]["message"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(message=TEXTS, channel=st.text(min_size=1, max_size=70))
def test_api_fuzz_screen(client, message, channel):
    r = _post(client, "/v1/screen", {"message": message, "channel": channel, "conversation_id": "c", "sender": "s"})
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code == 200:
        assert r.json()["action"] in ("allow", "warn", "block")


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=300))
def test_api_fuzz_raw_bodies(client, raw):
    r = client.post("/v1/check", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (200, 400, 422), r.text
    assert "error" in r.json() or "verdict" in r.json()


def test_api_fuzz_wrong_content_type(client):
    r = client.post("/v1/check", content="text=好的", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 422)
    assert r.json()["error"]["code"]


ANNOTATION_PART = st.one_of(
    st.builds(lambda t: {"text": t}, TEXTS),
    st.builds(lambda m, i: {"markup": m, "interpretAs": i}, st.text(max_size=10), st.one_of(ODD, st.text(max_size=4))),
    st.builds(lambda m: {"markup": m}, st.text(max_size=10)),
    st.dictionaries(st.sampled_from(["text", "markup", "interpretAs", "x"]), st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=3),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    parts=st.lists(ANNOTATION_PART, max_size=6),
    language=st.sampled_from(["zh-CN", "zh", "auto", "en-US", "", "ZH-cn"]),
    level=st.sampled_from([None, "default", "picky", "", "x" * 50]),
    field=st.sampled_from(["data", "text"]),
    extra=st.dictionaries(st.sampled_from(["disabledRules", "disabledCategories", "enabledOnly", "enabledRules"]), st.text(max_size=20), max_size=3),
)
def test_api_fuzz_languagetool(client, parts, language, level, field, extra):
    """/v2/check with odd annotations (lone surrogates, markup, wrong types) and parameters."""
    form = {"language": language, **extra}
    if level is not None:
        form["level"] = level
    if field == "data":
        form["data"] = json.dumps({"annotation": parts}, ensure_ascii=True)
    else:
        form["text"] = "".join(p.get("text", "") for p in parts if isinstance(p.get("text", ""), str))
    # lone surrogates in a field travel as the bytes a careless client would send (%ED%A0%80)
    body = urlencode(form, encoding="utf-8", errors="surrogatepass")
    r = client.post("/v2/check", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code in (200, 400, 413), r.text
    body = r.json()
    assert "matches" in body or body["error"]["message"]


MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
TOOL_CALLS = st.builds(
    lambda name, args: {"name": name, "arguments": args},
    st.one_of(st.sampled_from(["check_reply", "rewrite_reply", "draft_reply", "audit_conversation"]), st.text(max_size=12)),
    st.one_of(
        st.builds(lambda t: {"text": t}, TEXTS),
        st.builds(lambda m, d: {"message": m, "draft": d}, TEXTS, st.one_of(st.none(), TEXTS)),
        st.builds(lambda ts: {"turns": ts}, st.lists(st.builds(lambda r, t: {"role": r, "text": t}, st.sampled_from(["agent", "customer", "x"]), TEXTS), max_size=3)),
        st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3),
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    method=st.sampled_from(["tools/call", "tools/call", "tools/list", "initialize", "ping", "resources/list", "nonsense"]),
    params=st.one_of(TOOL_CALLS, JSON_VALUES),
    request_id=st.one_of(st.integers(), st.text(max_size=5), st.none()),
)
def test_api_fuzz_mcp(client, method, params, request_id):
    """The MCP endpoint with generated JSON-RPC calls (unknown tools, wrong arguments, odd text)."""
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    if request_id is not None:
        message["id"] = request_id
    body = json.dumps(message, ensure_ascii=True).encode()
    r = client.post("/mcp", content=body, headers=MCP_HEADERS)
    assert r.status_code < 500, r.text


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=200))
def test_api_fuzz_mcp_raw_bodies(client, raw):
    assert client.post("/mcp", content=raw, headers=MCP_HEADERS).status_code < 500

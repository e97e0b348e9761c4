"""What a careful attacker and a clumsy user tried (issue: nothing crashes, nothing is lost, memory
stays flat): each test reproduces one defect they found."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import huashu_command, server_env, start_server
from tests.test_audit import CHAT, audit, summary, write_jsonl

LONG = "好" * 12_000


def _errors(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def _check(env, *args, stdin: bytes | None = None):
    return subprocess.run([*huashu_command(), "check", *args], input=stdin, capture_output=True, env=env, timeout=120)


# ---- 1. the LanguageTool API ------------------------------------------------------------------


@pytest.mark.parametrize(
    "annotation",
    [
        [{"text": "\ud800改天再联系你"}],
        [{"markup": "<b>", "interpretAs": "\ud83d"}, {"text": "改天再联系你"}],
    ],
)
def test_languagetool_lone_surrogate_is_a_400_with_a_reason(client, annotation):
    data = json.dumps({"annotation": annotation}, ensure_ascii=True)
    r = client.post("/v2/check", data={"data": data, "language": "zh-CN"})
    assert r.status_code == 400, r.text
    assert "代理项" in r.json()["error"]["message"]
    assert r.headers["access-control-allow-origin"] == "*"


# ---- 2 and 3. the audit: one bad row, broken files ----------------------------------------------


def test_audit_lone_surrogate_row_is_rejected_and_the_rest_audited(tmp_path, run_env):
    path = tmp_path / "chat.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in CHAT]
    lines.insert(1, '{"conversation_id": "c9", "role": "agent", "sender": "x", "time": 1762000000000, "text": "\\ud800改天再联系你"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = audit(run_env, path, "--out", tmp_path / "a", "--workers", 1)
    assert done.returncode == 3, done.stderr.decode()
    assert summary(tmp_path / "a")["messages"] == 3
    [error] = _errors(tmp_path / "a")
    assert error["line"] == 2 and "代理项" in error["reason"]
    again = audit(run_env, path, "--out", tmp_path / "a", "--workers", 1, "--resume")
    assert again.returncode == 3 and summary(tmp_path / "a")["messages"] == 3


def test_audit_truncated_gzip_audits_what_it_can_read(tmp_path, run_env):
    rows = [dict(CHAT[2], conversation_id=f"c{i}", message_id=f"m{i}") for i in range(3000)]
    whole = gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode())
    path = tmp_path / "chat.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    done = audit(run_env, path, "--out", tmp_path / "a", "--workers", 1)
    assert done.returncode == 3, done.stderr.decode()
    audited = summary(tmp_path / "a")["messages"]
    assert 0 < audited < 3000
    [error] = _errors(tmp_path / "a")
    assert error["line"] == audited + 1 and "截断" in error["reason"]


def test_audit_gz_that_is_not_gzip_is_a_usage_error(tmp_path, run_env):
    path = write_jsonl(tmp_path / "chat.jsonl", CHAT).rename(tmp_path / "chat.jsonl.gz")
    done = audit(run_env, path, "--out", tmp_path / "a")
    assert done.returncode == 2
    assert "不是 gzip" in done.stderr.decode() and "Traceback" not in done.stderr.decode()


def test_audit_deep_nesting_and_a_huge_text_are_rejected_rows(tmp_path, run_env):
    path = tmp_path / "chat.jsonl"
    huge = json.dumps(dict(CHAT[2], conversation_id="big", text="好" * 1_000_001), ensure_ascii=False)
    path.write_text("[" * 100_000 + "\n" + huge + "\n" + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CHAT), encoding="utf-8")
    done = audit(run_env, path, "--out", tmp_path / "a", "--workers", 1)
    assert done.returncode == 3, done.stderr.decode()
    assert summary(tmp_path / "a")["messages"] == 3
    reasons = {e["line"]: e["reason"] for e in _errors(tmp_path / "a")}
    assert "嵌套" in reasons[1] and "1,000,000" in reasons[2]


def test_audit_a_directory_is_named_as_one(tmp_path, run_env):
    done = audit(run_env, tmp_path, "--out", tmp_path / "a")
    assert done.returncode == 2 and "是一个目录" in done.stderr.decode()


# ---- 4. huashu check ----------------------------------------------------------------------------


def test_check_bad_utf8_argument_and_huge_stdin_exit_2(run_env):
    bad = subprocess.run(
        [*huashu_command(), "check", b"\xff\xe6\x94\xb9\xe5\xa4\xa9".decode("utf-8", "surrogateescape")],
        capture_output=True, env=run_env, timeout=120,
    )
    assert bad.returncode == 2 and "UTF-8" in bad.stderr.decode() and "Traceback" not in bad.stderr.decode()
    huge = _check(run_env, "-", stdin=("好" * 1_000_001).encode())
    assert huge.returncode == 2 and "1,000,000" in huge.stderr.decode()


def test_check_jsonl_bad_lines_are_named_and_the_rest_checked(tmp_path, run_env):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "[" * 100_000 + "\n" + '{"id": 2, "text": "\\ud800改天"}\n' + '{"id": 3, "text": "改天再联系你。"}\n', encoding="utf-8"
    )
    done = _check(run_env, "--jsonl", str(path))
    assert done.returncode == 2
    err = done.stderr.decode()
    assert f"{path}:1:" in err and "嵌套" in err and f"{path}:2:" in err and "代理项" in err
    assert [json.loads(line)["id"] for line in done.stdout.decode().splitlines()] == [3]


# ---- 6. memory: nothing of a checked text stays -------------------------------------------------


def test_checking_keeps_no_words_of_the_text(checker):
    """Checking builds no spaCy Doc, so its vocabulary (which only grows) holds nothing of what
    residents wrote; bench/memory_soak.py measures RSS over a million replies."""
    from bench.corpus import streamed_replies

    before = len(checker.nlp.vocab.strings)
    texts = list(streamed_replies(2000, seed=99))
    for text in texts:
        checker.check(text)
    assert len(checker.nlp.vocab.strings) == before
    phone = texts[-1].split("（")[1].split("）")[0]
    assert phone not in checker.nlp.vocab.strings


# ---- 7. OpenAPI ---------------------------------------------------------------------------------


def test_openapi_every_ref_resolves(client):
    spec = client.get("/openapi.json").json()
    refs = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                refs.append(value) if key == "$ref" else walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert refs and all(ref.split("/")[-1] in spec["components"]["schemas"] for ref in refs), refs
    assert "HistoryTurn" in spec["components"]["schemas"]
    query = {p["name"]: p for p in spec["paths"]["/v2/check"]["get"]["parameters"]}
    assert query["language"]["required"] is True and query["level"]["schema"]["enum"] == ["default", "picky"]


def test_languagetool_level_takes_only_what_languagetool_takes(client):
    ok = client.post("/v2/check", data={"text": "改天再联系你", "language": "zh-CN", "level": "picky"})
    assert ok.status_code == 200
    bad = client.post("/v2/check", data={"text": "改天再联系你", "language": "zh-CN", "level": "superpicky"})
    assert bad.status_code == 400 and "level" in bad.json()["error"]["message"]
    assert client.get("/v2/check", params={"text": "改天再联系你"}).status_code == 400  # language is required


def test_empty_category_names_are_no_names(client):
    r = client.post("/v1/check", json={"text": "改天再联系你", "disabled_categories": [""], "disabled_rules": [" "]})
    assert r.status_code == 200 and r.json()["verdict"] == "block"


# ---- 9. limits ----------------------------------------------------------------------------------


def test_batch_ids_are_strings_or_integers_not_booleans(client):
    r = client.post("/v1/check/batch", json={"items": [{"id": False, "text": "好"}]})
    assert r.status_code == 422 and "id" in r.json()["error"]["message"]
    assert client.post("/v1/check/batch", json={"items": [{"id": 7, "text": "好"}]}).json()["items"][0]["id"] == 7


def test_batch_parse_errors_are_chinese(client):
    r = client.post("/v1/check/batch", content=b'{"items": [', headers={"content-type": "application/json"})
    assert r.status_code == 400
    message = r.json()["error"]["message"]
    assert "JSON" in message and "意外中断" in message and "EOF" not in message


def test_mcp_tools_take_the_api_text_limit(services):
    import asyncio

    from api.mcp_tools import build_mcp

    server = build_mcp(lambda: services.engine.checker, lambda: services.engine.coach, 10_000)
    for tool, args in [
        ("check_reply", {"text": LONG}),
        ("rewrite_reply", {"text": LONG}),
        ("draft_reply", {"message": LONG}),
        ("audit_conversation", {"turns": [{"role": "agent", "text": LONG}]}),
    ]:
        with pytest.raises(Exception, match="超过 10000 字符上限（收到 12000 字符）"):
            asyncio.run(server.call_tool(tool, args))


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    env = server_env(tmp, HUASHU_BODY_TIMEOUT="2")
    srv = start_server(tmp, env)
    yield srv
    srv.stop()


def _raw_request(url: str, head: bytes, body: bytes = b"", read: bool = True) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall(head + body)
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_stalled_body_is_dropped_after_the_timeout(hostile_server):
    head = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
    started = time.monotonic()
    answer = _raw_request(hostile_server.url, head, b'{"text": "')  # and then nothing
    waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408") and "连接已断开".encode() in answer
    assert 1.5 <= waited < 10


def _log_lines(server) -> list[dict]:
    return [json.loads(line) for line in server.log().splitlines() if line.strip()]


def test_a_client_gone_mid_body_is_logged_as_499_and_logs_stay_json(hostile_server):
    head = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: gone-1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
    _raw_request(hostile_server.url, head, b'{"text": "half', read=False)
    deadline = time.monotonic() + 5
    mine = []
    while not mine and time.monotonic() < deadline:
        time.sleep(0.2)
        mine = [x for x in _log_lines(hostile_server) if x.get("request_id") == "gone-1"]
    assert mine and mine[0]["status"] == 499


def test_mcp_logs_are_json_and_carry_no_client_text(hostile_server):
    secret = "tool-name-王先生-13812345678"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": secret, "arguments": {}}}
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
    r = httpx.post(f"{hostile_server.url}/mcp", json=body, headers=headers, timeout=30)
    assert r.status_code == 200
    time.sleep(1.0)  # log lines are flushed at least every 0.5 s
    log = hostile_server.log()
    assert "13812345678" not in log and "王先生" not in log
    assert all(line.startswith("{") for line in log.splitlines() if line.strip()), log[-2000:]

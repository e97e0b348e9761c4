"""The HTTP API: contract checks in-process (FastAPI's TestClient: reports equal the engine's,
limits, errors, policies), and on a real uvicorn server on loopback what needs a process (logs,
keys at start-up, reloads, signals, workers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time

import httpx
import pytest

from tests.conftest import free_port, huashu_command, server_env, start_server

TOO_LONG = "好" * 10_001


def post_raw(client, path, body: bytes, **headers):
    return client.post(path, content=body, headers={"content-type": "application/json", **headers})


def test_api_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["version"] >= 1 and ready["rules"] > 10


@pytest.mark.parametrize(
    "text", ["您好，改天再联系你。", "师傅可能下午过来。", "王先生您好，师傅今天下午三点前一定上门。", "这 种 问 题 连 小 孩 子 都 会 😅"]
)
def test_api_check_returns_the_engine_report(client, checker, text):
    response = client.post("/v1/check", json={"text": text})
    assert response.status_code == 200
    assert response.json() == checker.check(text).to_dict()
    assert response.headers["content-type"].startswith("application/json")


def test_api_check_can_switch_rules_off(client):
    text = "师傅可能下午过来，改天再联系你。"
    full = client.post("/v1/check", json={"text": text}).json()
    assert {f["category"] for f in full["findings"]} == {"D4", "F10"}
    no_d4 = client.post("/v1/check", json={"text": text, "disabled_categories": ["D4"]}).json()
    assert {f["category"] for f in no_d4["findings"]} == {"F10"}
    assert "可能" in no_d4["rewrite"]  # a switched-off rule is not rewritten either
    # switching off the lexicon's rule leaves what the model reads in that clause; its rule is model.F10
    lexicon_off = client.post("/v1/check", json={"text": text, "disabled_rules": ["forbidden.F10.some-other-day"]}).json()
    assert [f["source"] for f in lexicon_off["findings"] if f["category"] == "F10"] == ["model"]
    no_f10 = client.post("/v1/check", json={"text": text, "disabled_rules": ["forbidden.F10.some-other-day", "model.F10"]}).json()
    assert no_f10["verdict"] == "warn"


def test_api_check_rejects_unknown_rules(client):
    r = client.post("/v1/check", json={"text": "好的", "disabled_rules": ["no.such.rule"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_rule" and "no.such.rule" in r.json()["error"]["message"]
    r = client.post("/v1/check", json={"text": "好的", "disabled_categories": ["X1"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"


def test_api_batch_keeps_ids_and_order(client, checker):
    items = [{"id": "a", "text": "改天再联系你。"}, {"id": 2, "text": "好的，马上到！"}, {"id": "c", "text": "这个不行。"}]
    r = client.post("/v1/check/batch", json={"items": items})
    assert r.status_code == 200
    out = r.json()["items"]
    assert [x["id"] for x in out] == ["a", 2, "c"]
    for item, report in zip(items, out, strict=True):
        assert {k: v for k, v in report.items() if k != "id"} == checker.check(item["text"]).to_dict()


def test_api_batch_limits(client):
    r = client.post("/v1/check/batch", json={"items": [{"id": i, "text": "好"} for i in range(1001)]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_items"
    r = client.post("/v1/check/batch", json={"items": []})
    assert r.status_code == 422
    r = client.post("/v1/check/batch", json={"items": [{"id": 1, "text": "好"}, {"id": 2, "text": TOO_LONG[:5000] * 2 + "好"}]})
    assert r.status_code == 422 and "items[1].text" in r.json()["error"]["message"]


def test_api_screen_default_policy(client):
    base = {"channel": "wecom", "conversation_id": "c-1", "sender": "staff-1", "recipient": "wm-1"}
    blocked = client.post("/v1/screen", json={"message": "改天再联系你。", **base}).json()
    assert blocked["action"] == "block" and blocked["findings"][0]["category"] == "F10"
    assert "禁语" in blocked["reason"]
    warned = client.post("/v1/screen", json={"message": "师傅可能下午过来。", **base}).json()
    assert warned["action"] == "warn" and "不当用语" in warned["reason"]
    allowed = client.post("/v1/screen", json={"message": "好的，马上到！", **base}).json()
    assert allowed == {"action": "allow", "findings": [], "suggested_message": "好的，马上到！", "reason": "未发现禁语或不当用语，可以发送。"}
    for result in (blocked, warned):
        again = client.post("/v1/check", json={"text": result["suggested_message"]}).json()
        assert again["findings"] == [], result["suggested_message"]


def test_api_screen_channel_policy(client):
    base = {"conversation_id": "c-2", "sender": "staff-2"}
    assert client.post("/v1/screen", json={"message": "师傅可能下午过来。", "channel": "vip", **base}).json()["action"] == "block"
    assert client.post("/v1/screen", json={"message": "师傅可能下午过来。", "channel": "other", **base}).json()["action"] == "warn"


def test_api_limits_and_bad_input(client):
    r = post_raw(client, "/v1/check", json.dumps({"text": "好" * 30_000}, ensure_ascii=False).encode())
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large" and "64 KB" in r.json()["error"]["message"]
    r = client.post("/v1/check", json={"text": TOO_LONG})
    assert r.status_code == 422 and r.json()["error"]["code"] == "text_too_long" and "10000" in r.json()["error"]["message"]
    r = post_raw(client, "/v1/check", b'{"text": "unterminated')
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json" and "JSON" in r.json()["error"]["message"]
    r = client.post("/v1/check", json={"text": 42})
    assert r.status_code == 422 and "text" in r.json()["error"]["message"]
    r = client.post("/v1/check", json={"text": ""})
    assert r.status_code == 422
    r = client.post("/v1/check", json=["text"])
    assert r.status_code == 422
    r = client.post("/v1/screen", json={"message": "好的"})
    assert r.status_code == 422 and "channel" in r.json()["error"]["message"]
    r = post_raw(client, "/v1/check", b"\xff\xfe{}")
    assert r.status_code in (400, 422)
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v1/check").status_code == 405


def test_api_lone_surrogates_are_refused_with_a_reason(client):
    body = json.dumps({"text": "改天\ud800再联系你"}, ensure_ascii=True).encode()
    r = post_raw(client, "/v1/check", body)
    assert r.status_code in (400, 422)
    assert "Unicode" in r.json()["error"]["message"]


def test_api_request_id_and_logs_hold_no_message(live, server):
    client = live
    secret = "王先生住在三栋二单元1602，改天再联系你。"
    r = client.post("/v1/screen", json={"message": secret, "channel": "wecom", "conversation_id": "c-9", "sender": "s-9"},
                    headers={"x-request-id": "test-req-123"})
    assert r.headers["x-request-id"] == "test-req-123"
    assert client.get("/healthz").headers["x-request-id"]
    deadline = time.monotonic() + 5  # log lines are written in batches, at least every 0.5 s
    mine = []
    while not mine and time.monotonic() < deadline:
        time.sleep(0.1)
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        mine = [x for x in lines if x.get("request_id") == "test-req-123"]
    assert mine and mine[0]["path"] == "/v1/screen" and mine[0]["action"] == "block" and mine[0]["status"] == 200
    assert "1602" not in server.log() and "王先生" not in server.log()


def test_api_openapi_documents_operations(client):
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"checkReply", "checkBatch", "screenMessage", "listRules", "health", "ready", "reloadRules"} <= ops
    for path in ("/v1/screen", "/v1/check", "/v1/check/batch"):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = spec["components"]["schemas"][body["$ref"].split("/")[-1]]
        assert body["examples"], path
    assert spec["paths"]["/v1/screen"]["post"]["responses"]["200"]
    assert client.get("/docs").status_code == 200


def test_api_rules_lists_every_category(client):
    rules = client.get("/v1/rules").json()
    assert {r["category"] for r in rules} >= {f"F{i:02d}" for i in range(1, 11)} | {"D1", "D2", "D3", "D4"}
    assert all(r["category_name"] and r["message"] for r in rules)


# ---- keys ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    from api.security import key_line

    tmp = tmp_path_factory.mktemp("keyed")
    key_file = tmp / "keys.txt"
    key_file.write_text(f"# staff tools\n{key_line('file-key-456')}\n\n", encoding="utf-8")
    srv = start_server(tmp, server_env(tmp, HUASHU_API_KEYS="plain-key-123", HUASHU_API_KEY_FILE=str(key_file)))
    yield srv
    srv.stop()


@pytest.mark.parametrize("path,body", [
    ("/v1/screen", {"message": "好的", "channel": "c", "conversation_id": "x", "sender": "y"}),
    ("/v1/check/batch", {"items": [{"id": 1, "text": "好的"}]}),
    ("/v1/admin/reload", None),
    ("/v1/survey", {"rows": [{"respondent": "R1", "item": "电梯维修", "importance": 5, "satisfaction": 2}]}),
])
def test_api_keys_protect_screen_batch_admin(keyed, path, body):
    with httpx.Client(base_url=keyed.url, timeout=30) as c:
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic plain-key-123"}):
            r = c.post(path, json=body, headers=headers)
            assert r.status_code == 401, headers
            assert r.headers["www-authenticate"] == "Bearer"
            assert r.json()["error"]["code"] == "unauthorized"
        for key in ("plain-key-123", "file-key-456"):
            assert c.post(path, json=body, headers={"authorization": f"Bearer {key}"}).status_code == 200


def test_api_keys_leave_check_and_page_open(keyed):
    with httpx.Client(base_url=keyed.url, timeout=30) as c:
        assert c.post("/v1/check", json={"text": "好的"}).status_code == 200
        assert c.get("/").status_code == 200
        assert c.get("/v1/rules").status_code == 200


def _serve(env, *args, wait=8.0):
    port = free_port()
    proc = subprocess.Popen([*huashu_command(), "serve", "--port", str(port), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=wait)
        return proc.returncode, err.decode()
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.communicate(timeout=10)
        return None, ""


def test_api_refuses_open_bind_without_keys(tmp_path):
    env = server_env(tmp_path)
    code, err = _serve(env, "--host", "0.0.0.0")
    assert code == 2 and "拒绝监听 0.0.0.0" in err and "--allow-open" in err
    assert _serve(env, "--host", "0.0.0.0", "--allow-open")[0] is None  # still running: it started
    assert _serve({**env, "HUASHU_API_KEYS": "k1"}, "--host", "0.0.0.0")[0] is None


def test_api_refuses_a_broken_key_file(tmp_path):
    (tmp_path / "keys").write_text("not-a-digest\n", encoding="utf-8")
    code, err = _serve(server_env(tmp_path, HUASHU_API_KEY_FILE=str(tmp_path / "keys")))
    assert code == 2 and "keys:1" in err


# ---- reloads -------------------------------------------------------------------------------

NEW_ENTRY = textwrap.dedent("""
    entries:
      - id: acme.F10.wait-for-news
        category: F10
        message: 不要让业主等“消息”，给出时间。
        patterns: [等消息吧]
        rewrites: [我今天下午五点前给您回复]
        examples: {flag: ["您[[等消息吧]]。"], pass: ["我今天下午给您消息。"]}
""")


@pytest.fixture
def company_server(tmp_path):
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "acme.yaml").write_text("entries: []\n", encoding="utf-8")
    srv = start_server(tmp_path, server_env(tmp_path, HUASHU_LEXICON_DIRS=str(lex)))
    yield srv, lex
    srv.stop()


def _categories(c, text):
    """The categories the company's own rules find (what a reload of its lexicon changes)."""
    findings = c.post("/v1/check", json={"text": text}).json()["findings"]
    return [f["category"] for f in findings if f["rule_id"].startswith("acme.")]


def test_api_reload_applies_new_rules_and_refuses_broken_ones(company_server):
    srv, lex = company_server
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        assert _categories(c, "您等消息吧。") == []
        (lex / "acme.yaml").write_text(NEW_ENTRY, encoding="utf-8")
        r = c.post("/v1/admin/reload")
        assert r.status_code == 200 and r.json()["status"] == "reloaded" and r.json()["version"] == 2
        assert _categories(c, "您等消息吧。") == ["F10"]
        (lex / "acme.yaml").write_text("entries:\n  - id: acme.bad\n    category: F99\n", encoding="utf-8")
        r = c.post("/v1/admin/reload")
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "lexicon_invalid" and "acme.bad" in r.json()["error"]["details"]
        assert _categories(c, "您等消息吧。") == ["F10"]  # the last good rules keep serving
        assert c.get("/readyz").json()["version"] == 2


def test_api_sighup_reloads(company_server):
    srv, lex = company_server
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        (lex / "acme.yaml").write_text(NEW_ENTRY, encoding="utf-8")
        os.kill(srv.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 30
        while c.get("/readyz").json()["version"] < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _categories(c, "您等消息吧。") == ["F10"]


def test_api_starts_ready_within_three_seconds(tmp_path):
    started = time.monotonic()
    srv = start_server(tmp_path, server_env(tmp_path, XDG_CACHE_HOME=os.environ.get("XDG_CACHE_HOME", str(tmp_path))))
    try:
        elapsed = time.monotonic() - started
        assert elapsed < 10  # generous here; the bench reports the number (target < 3 s)
    finally:
        srv.stop()


def test_api_serve_reports_a_broken_lexicon(tmp_path):
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "bad.yaml").write_text("entries:\n  - id: acme.x\n    category: F77\n", encoding="utf-8")
    code, err = _serve(server_env(tmp_path), "--lexicon-dir", str(tmp_path / "lex"))
    assert code == 2 and "bad.yaml" in err and "acme.x" in err


def test_api_hash_key_command(run_env):
    out = subprocess.run([*huashu_command(), "hash-key", "-"], input=b"abc\n", capture_output=True, env=run_env, check=True)
    assert out.stdout.decode().strip() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_api_workers_serve_and_reload_together(tmp_path):
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "acme.yaml").write_text("entries: []\n", encoding="utf-8")
    srv = start_server(tmp_path, server_env(tmp_path, HUASHU_LEXICON_DIRS=str(lex)), "--workers", "2")
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            assert _categories(c, "您等消息吧。") == []
            (lex / "acme.yaml").write_text(NEW_ENTRY, encoding="utf-8")
            r = c.post("/v1/admin/reload")
            assert r.status_code == 202 and r.json()["status"] == "restarting"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                seen = {tuple(_categories(c, "您等消息吧。")) for _ in range(20)}
                if seen == {("F10",)}:
                    break
                time.sleep(0.5)
            assert seen == {("F10",)}, seen  # every worker has the new rule, and none failed meanwhile
    finally:
        srv.stop()


def test_api_engine_is_recycled_after_many_checks(monkeypatch):
    """spaCy keeps every token string it has seen; a long-running server rebuilds its engine."""
    import asyncio

    import api.state as state_module

    monkeypatch.setattr(state_module, "RECYCLE_AFTER", 3)

    async def scenario():
        state = state_module.LiveEngine([], cache_size=0)
        await state.reload()
        first = state.checker
        for text in ("好的", "收到", "谢谢您"):
            state.check(state.checker, text)
        for _ in range(100):
            await asyncio.sleep(0.05)
            if state.version == 2:
                break
        return first, state

    first, state = asyncio.run(scenario())
    assert state.version == 2 and state.checker is not first
    assert state.check(state.checker, "改天再联系你。").report.verdict == "block"


# ---- the satisfaction survey ------------------------------------------------------------------

SURVEY_ROWS = [
    {"respondent": f"R{r}", "item": item, "importance": imp, "satisfaction": sat}
    for r in range(1, 5)
    for item, imp, sat in (("电梯维修", 5, 2), ("绿化养护", 2, 5), ("安保巡逻", 5, 5), ("社区活动", 2, 2))
] + [{"respondent": "R1", "item": "电梯维修-意见", "importance": None, "satisfaction": None, "comment": "电梯老是坏，13812345678"}]


def _survey_csv(rows=SURVEY_ROWS) -> str:
    lines = ["受访者,项目,重要程度,满意度,意见"]
    lines += [f"{r['respondent']},{r['item']},{r['importance'] or ''},{r['satisfaction'] or ''},{r.get('comment', '')}" for r in rows]
    return "\n".join(lines) + "\n"


def test_api_survey_from_json_rows_puts_each_item_in_its_quadrant(client):
    r = client.post("/v1/survey", json={"rows": SURVEY_ROWS})
    assert r.status_code == 200, r.text
    body = r.json()
    quadrant = {i["item"]: i["quadrant"] for i in body["items"]}
    assert quadrant == {"电梯维修": "急需改进", "绿化养护": "锦上添花", "安保巡逻": "继续保持", "社区活动": "不合优先"}
    assert body["importance_line"] == 3.5 and body["satisfaction_line"] == 3.5
    assert [i["item"] for i in body["urgent"]] == ["电梯维修"]
    assert body["chart_svg"].count("data-item=") == 4
    given = client.post("/v1/survey", json={"rows": SURVEY_ROWS, "satisfaction_line": 1.5}).json()
    assert {i["item"]: i["quadrant"] for i in given["items"]}["电梯维修"] == "继续保持"  # above a lower target
    assert given["lines_from"]["satisfaction"] == "given"


def test_api_survey_with_no_satisfaction_scores_has_no_satisfaction_line(client):
    """Found by the schema fuzzer: answers that only rate importance leave the satisfaction line
    undefined; the response says null, as its schema allows, and places no item."""
    r = client.post("/v1/survey", json={"rows": [{"respondent": "R1", "item": "电梯维修", "importance": 4, "satisfaction": None}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["satisfaction_line"] is None and body["importance_line"] == 4.0
    assert body["items"][0]["quadrant"] is None
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SurveyResponse"]["properties"]["satisfaction_line"]
    assert {"type": "null"} in schema.get("anyOf", []), schema


def test_api_survey_upload_equals_the_command_and_takes_files_over_the_json_limit(client, tmp_path):
    from management.survey import run

    data = _survey_csv().encode("gb18030")
    r = client.post("/v1/survey", files={"file": ("满意度.csv", data, "text/csv")}, data={"scale": "5"})
    assert r.status_code == 200, r.text
    (tmp_path / "满意度.csv").write_bytes(data)
    assert r.json()["items"] == run([tmp_path / "满意度.csv"], tmp_path / "out")["items"]
    # a survey of 2,000 respondents is far over the 64 KB a JSON body may have
    big = [dict(row, respondent=f"R{n}-{row['respondent']}") for n in range(500) for row in SURVEY_ROWS[:-1]]
    payload = _survey_csv(big).encode("utf-8")
    assert len(payload) > 64 * 1024
    r = client.post("/v1/survey", files={"file": ("big.csv", payload, "text/csv")})
    assert r.status_code == 200 and r.json()["respondents"] == 2000


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"files": {"file": ("x.csv", "项目,满意度\n电梯,3\n".encode(), "text/csv")}}, 422, "survey_invalid"),
        ({"files": {"file": ("x.txt", b"hello", "text/plain")}}, 422, "survey_invalid"),
        ({"files": {"other": ("x.csv", b"a", "text/csv")}}, 422, "no_file"),
        ({"files": {"file": ("x.csv", _survey_csv().encode(), "text/csv")}, "data": {"scale": "7"}}, 422, "bad_option"),
        ({"content": b"respondent,item\n", "headers": {"content-type": "text/csv"}}, 415, "unsupported_media_type"),
        ({"json": {"rows": []}}, 422, "invalid_request"),
    ],
)
def test_api_survey_refuses_what_it_cannot_read_with_a_reason(client, kwargs, status, code):
    r = client.post("/v1/survey", **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


def _xlsx_bytes(tmp_path) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["受访者", "项目", "重要程度", "满意度"])
    book.active.append(["R1", "电梯维修", 5, 2])
    book.save(tmp_path / "ok.xlsx")
    return (tmp_path / "ok.xlsx").read_bytes()


def _rezipped(data: bytes, replace: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info.filename)))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def test_api_survey_refuses_zip_bombs_and_broken_workbooks_with_a_reason(client, tmp_path):
    good = _xlsx_bytes(tmp_path)
    bomb = _rezipped(good, {"xl/padding.xml": b" " * (70 * 2**20)})  # 70 MB of spaces, a few KB zipped
    assert len(bomb) < 1024 * 1024
    broken = _rezipped(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    for name, data, said in (("bomb.xlsx", bomb, "解压后超过"), ("broken.xlsx", broken, "无法作为 Excel")):
        r = client.post("/v1/survey", files={"file": (name, data, "application/octet-stream")})
        assert r.status_code == 422, r.text
        assert said in r.json()["error"]["message"] and name in r.json()["error"]["message"]


def test_api_survey_lists_200_refused_rows_and_counts_them_all(client):
    lines = ["respondent,item,importance,satisfaction"] + [f"R{i},电梯维修,5,2" for i in range(5)]
    lines += [f"X{i},电梯维修,9,9" for i in range(300)]
    r = client.post("/v1/survey", files={"file": ("many.csv", "\n".join(lines).encode(), "text/csv")})
    assert r.status_code == 200
    body = r.json()
    assert len(body["errors"]) == 200 and body["errors_total"] == 300 and body["respondents"] == 5


def test_api_survey_takes_numbers_only_and_json_bodies_keep_their_limit(client):
    row = {"respondent": "R1", "item": "电梯维修", "importance": True, "satisfaction": 2}
    r = client.post("/v1/survey", json={"rows": [row]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    big = {"rows": [{"respondent": f"R{i}", "item": "电梯维修", "importance": 5, "satisfaction": 2} for i in range(2000)]}
    assert client.post("/v1/survey", json=big).status_code == 413  # the file limit is for uploads
    bad = client.post("/v1/survey", files={"file": ("bad.csv", "respondent,item,importance,satisfaction\nR1,电梯,9,9\n".encode(), "text/csv")})
    assert bad.status_code == 422 and "例如" in bad.json()["error"]["message"] and "第 2 行" in bad.json()["error"]["message"]

"""Integrations, each tested with the real client or peer: language_tool_python against /v2,
WeCom and WeChat callbacks acted out with an encryptor written here (cross-checked against
wechatpy and Tencent's published vectors), the chat-toolbar page in Chromium, and MCP over stdio
and streamable HTTP with the mcp package's own client."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import struct
import threading
import unicodedata
import time
import xml.etree.ElementTree as ET

import httpx
import language_tool_python
import pytest
import uvicorn
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.conftest import free_port, huashu_command, server_env, start_server

# ---- LanguageTool ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tool(server):
    t = language_tool_python.LanguageTool("zh-CN", remote_server=server.url)
    yield t
    t.close()


def test_languagetool_client_checks_with_emoji_before_a_finding(tool, checker):
    text = "😊👨‍👩‍👧您好，改天再联系你。师傅可能下午过来。"
    matches = tool.check(text)
    report = checker.check(text)
    assert [(m.rule_id, m.offset, m.error_length) for m in matches] == [
        (f.rule_id, f.start, f.end - f.start) for f in report.findings
    ]
    assert [text[m.offset : m.offset + m.error_length] for m in matches] == ["改天再联系你", "可能"]
    assert matches[0].category == "F10" and matches[0].replacements[0] == report.findings[0].suggestions[0]
    assert matches[0].message == unicodedata.normalize("NFKC", report.findings[0].message)  # the client NFKCs it
    corrected = tool.correct(text)
    # LanguageTool clients replace each span with its first suggestion (the whole-reply rewrite
    # is the composer's, not the sum of the suggestions)
    expected = text
    for f in sorted(report.findings, key=lambda f: -f.start):
        expected = expected[: f.start] + f.suggestions[0] + expected[f.end :]
    assert corrected == expected and "改天" not in corrected
    assert checker.check(corrected).findings == ()


def test_languagetool_client_rule_selection(server):
    text = "改天再联系你，师傅可能下午过来。"
    t = language_tool_python.LanguageTool("zh-CN", remote_server=server.url)
    try:
        t.disabled_categories = {"D4"}
        assert [m.category for m in t.check(text)] == ["F10"]
        t.disabled_categories = set()
        t.disabled_rules = {"forbidden.F10.some-other-day"}  # the lexicon's rule: the model still reads F10
        assert [(m.category, m.rule_id) for m in t.check(text)] == [("F10", "model.F10"), ("D4", "disliked.D4.uncertain-adverb")]
        t.disabled_rules = {"forbidden.F10.some-other-day", "model.F10"}
        assert [m.category for m in t.check(text)] == ["D4"]
        t.disabled_rules = set()
        t.enabled_categories = {"D4"}
        t.enabled_rules_only = True
        assert [m.category for m in t.check(text)] == ["D4"]
    finally:
        t.close()


def test_languagetool_json_shape_and_utf16_offsets(client):
    r = client.post("/v2/check", data={"text": "😊改天再联系你。", "language": "zh-CN"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    body = r.json()
    assert body["software"]["apiVersion"] == 1 and body["language"]["code"] == "zh-CN"
    m = body["matches"][0]
    assert (m["offset"], m["length"]) == (2, 6)  # the emoji is two UTF-16 units
    ctx = m["context"]["text"].encode("utf-16-le")  # context offsets are UTF-16 units too
    assert ctx[2 * m["context"]["offset"] : 2 * (m["context"]["offset"] + m["context"]["length"])].decode("utf-16-le") == "改天再联系你"
    assert m["rule"]["category"] == {"id": "F10", "name": "含糊拖延"} and m["type"]["typeName"] == "Other"
    assert m["replacements"][0]["value"] and m["sentence"] == "😊改天再联系你。"
    assert body["sentenceRanges"] == [[0, 9]]


def test_languagetool_annotated_data(client):
    data = {"annotation": [{"markup": "<p>"}, {"text": "您好，"}, {"markup": "<b>", "interpretAs": ""},
                           {"text": "改天再联系你"}, {"markup": "</b></p>", "interpretAs": "\n\n"}]}
    r = client.post("/v2/check", data={"data": json.dumps(data, ensure_ascii=False), "language": "auto"})
    m = r.json()["matches"][0]
    original = "<p>您好，<b>改天再联系你</b></p>"
    assert original[m["offset"] : m["offset"] + m["length"]] == "改天再联系你"


def test_languagetool_match_ending_in_markup_covers_the_markup(client):
    """A finding whose last character is what a markup is read as (interpretAs) ends where the
    markup ends, however long the markup (an empty one at the very end once ran past the text)."""
    for markup in ("", "<i>你</i>"):
        data = {"annotation": [{"text": "改天再联系"}, {"markup": markup, "interpretAs": "你"}]}
        r = client.post("/v2/check", data={"data": json.dumps(data, ensure_ascii=False), "language": "zh-CN"})
        assert r.status_code == 200, r.text
        m = r.json()["matches"][0]
        assert m["offset"] == 0 and m["length"] == len("改天再联系" + markup)


def test_languagetool_errors_and_languages(client):
    assert client.get("/v2/languages").json() == [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
    r = client.post("/v2/check", data={"text": "hello", "language": "en-US"})
    assert r.status_code == 400 and "不支持的语言" in r.json()["error"]["message"]
    assert client.post("/v2/check", data={"language": "zh-CN"}).status_code == 400
    assert client.post("/v2/check", data={"text": "好" * 10_001, "language": "zh-CN"}).status_code == 413
    assert client.post("/v2/check", data={"data": "{not json", "language": "zh-CN"}).status_code == 400
    assert client.get("/v2/check", params={"text": "改天再联系你", "language": "zh"}).json()["matches"]
    assert client.options("/v2/check").status_code == 204


# ---- WeCom and WeChat callbacks -----------------------------------------------------------------

TOKEN, AES_KEY, CORP_ID = "hs-token-1", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wwcorp0001"
APP_ID = "wxapp0000001"
KEY = base64.b64decode(AES_KEY + "=")


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def wecom_encrypt(plain: bytes, receiveid: str) -> str:
    """WeCom's encryption, written here from the specification (not the product's code)."""
    raw = os.urandom(16) + struct.pack(">I", len(plain)) + plain + receiveid.encode()
    n = 32 - len(raw) % 32
    raw += bytes([n]) * n
    e = Cipher(algorithms.AES(KEY), modes.CBC(KEY[:16])).encryptor()
    return base64.b64encode(e.update(raw) + e.finalize()).decode()


def wecom_decrypt(encrypted: str) -> tuple[bytes, bytes]:
    d = Cipher(algorithms.AES(KEY), modes.CBC(KEY[:16])).decryptor()
    raw = d.update(base64.b64decode(encrypted)) + d.finalize()
    raw = raw[: -raw[-1]]
    (n,) = struct.unpack(">I", raw[16:20])
    return raw[20 : 20 + n], raw[20 + n :]


class FakeWeComApi:
    """Tencent's token and ticket endpoints, served on loopback (the real ones are not reachable)."""

    def __init__(self):
        from fastapi import FastAPI

        self.calls = 0
        app = FastAPI()

        @app.get("/cgi-bin/gettoken")
        async def gettoken(corpid: str, corpsecret: str):
            self.calls += 1
            ok = corpid == CORP_ID and corpsecret == "app-secret"
            return {"errcode": 0, "access_token": "AT1", "expires_in": 7200} if ok else {"errcode": 40001, "errmsg": "invalid credential"}

        @app.get("/cgi-bin/ticket/get")
        async def ticket(access_token: str, type: str):  # noqa: A002
            return {"errcode": 0, "ticket": "TICKET-1", "expires_in": 7200}

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def wecom_server(tmp_path_factory):
    api = FakeWeComApi()
    tmp = tmp_path_factory.mktemp("wecom")
    env = server_env(
        tmp,
        HUASHU_WECOM_TOKEN=TOKEN, HUASHU_WECOM_AES_KEY=AES_KEY, HUASHU_WECOM_CORP_ID=CORP_ID,
        HUASHU_WECOM_AGENT_ID="1000002", HUASHU_WECOM_SECRET="app-secret",
        HUASHU_WECOM_API_BASE=f"http://127.0.0.1:{api.port}",
        HUASHU_WECHAT_TOKEN=TOKEN, HUASHU_WECHAT_AES_KEY=AES_KEY, HUASHU_WECHAT_APP_ID=APP_ID,
    )
    srv = start_server(tmp, env)
    yield srv, api
    srv.stop()
    api.stop()


def _post_message(c, content, msg_id, receiveid=CORP_ID, *, timestamp=None, signature=None):
    inner = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
    encrypted = wecom_encrypt(inner.encode(), receiveid)
    ts, nonce = timestamp or str(int(time.time())), "38572913"
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    params = {"msg_signature": signature or sign(TOKEN, ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}
    return c.post("/wecom/callback", params=params, content=body.encode())


def test_wecom_crypto_matches_tencent_vector_and_wechatpy():
    from wechatpy.enterprise.crypto import WeChatCrypto

    from api.wecom import WeComCrypto

    ours = WeComCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
    echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    assert ours.sign("1409659589", "263014780", echostr) == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
    assert ours.decrypt(echostr) == b"1616140317555161061"
    theirs = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    mine = WeComCrypto(TOKEN, AES_KEY, CORP_ID)
    reply = mine.encrypted_reply("<xml><Content><![CDATA[话术助手]]></Content></xml>", "12345", "1700000000")
    parsed = ET.fromstring(reply)
    assert "话术助手" in theirs.decrypt_message(reply, parsed.findtext("MsgSignature"), "1700000000", "12345")
    wrapped = theirs.encrypt_message("<xml><Content>改天再联系你</Content></xml>", "999", "1700000001")
    assert mine.decrypt(ET.fromstring(wrapped).findtext("Encrypt")) == "<xml><Content>改天再联系你</Content></xml>".encode()


def test_wecom_url_verification(wecom_server):
    srv, _ = wecom_server
    ts, nonce = str(int(time.time())), "1372623149"
    echostr = wecom_encrypt(b"echo-5381", CORP_ID)
    with httpx.Client(base_url=srv.url) as c:
        r = c.get("/wecom/callback", params={"msg_signature": sign(TOKEN, ts, nonce, echostr), "timestamp": ts, "nonce": nonce, "echostr": echostr})
        assert r.status_code == 200 and r.text == "echo-5381"
        bad = c.get("/wecom/callback", params={"msg_signature": "0" * 40, "timestamp": ts, "nonce": nonce, "echostr": echostr})
        assert bad.status_code == 403


def test_wecom_message_gets_an_encrypted_reply_with_findings(wecom_server, checker):
    srv, _ = wecom_server
    with httpx.Client(base_url=srv.url) as c:
        r = _post_message(c, "您好，改天再联系你。", "7000000000001")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    outer = ET.fromstring(r.text)
    encrypted, ts, nonce = outer.findtext("Encrypt"), outer.findtext("TimeStamp"), outer.findtext("Nonce")
    assert outer.findtext("MsgSignature") == sign(TOKEN, ts, nonce, encrypted)
    plain, receiveid = wecom_decrypt(encrypted)
    assert receiveid == CORP_ID.encode()
    reply = ET.fromstring(plain.decode())
    assert reply.findtext("ToUserName") == "zhangsan" and reply.findtext("MsgType") == "text"
    content = reply.findtext("Content")
    assert content.startswith("【拦截】") and "F10 含糊拖延" in content
    assert checker.check("您好，改天再联系你。").rewrite in content


def test_wecom_takes_the_api_text_limit(wecom_server):
    srv, _ = wecom_server
    with httpx.Client(base_url=srv.url) as c:
        r = _post_message(c, "好" * 12_000, "7000000000777")
    assert r.status_code == 200
    plain, _ = wecom_decrypt(ET.fromstring(r.text).findtext("Encrypt"))
    assert "超过 10000 字符上限（收到 12000 字符）" in ET.fromstring(plain.decode()).findtext("Content")


def test_wecom_refuses_forged_wrong_corp_and_stale(wecom_server):
    srv, _ = wecom_server
    with httpx.Client(base_url=srv.url) as c:
        assert _post_message(c, "好的", "1", signature="f" * 40).status_code == 403
        r = _post_message(c, "好的", "2", receiveid="wwsomeoneelse")
        assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_receiver"
        r = _post_message(c, "好的", "3", timestamp=str(int(time.time()) - 3600))
        assert r.status_code == 403 and r.json()["error"]["code"] == "stale_timestamp"
        assert c.post("/wecom/callback", params={"msg_signature": "x", "timestamp": str(int(time.time())), "nonce": "1"}, content=b"<xml><Encrypt").status_code == 400
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>'
        assert c.post("/wecom/callback", params={"msg_signature": "x", "timestamp": str(int(time.time())), "nonce": "1"}, content=bomb).status_code == 400
        assert c.post("/wecom/callback", params={"timestamp": "1"}, content=b"<xml/>").status_code == 400


def test_wecom_repeated_msgid_is_answered_once(wecom_server):
    srv, _ = wecom_server
    with httpx.Client(base_url=srv.url) as c:
        first = _post_message(c, "我不懂，我不会。", "7000000000099")
        again = _post_message(c, "我不懂，我不会。", "7000000000099")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content  # the same answer, not a second check
    time.sleep(0.8)
    log = [json.loads(x) for x in srv.log().splitlines() if x.startswith("{") and '"wecom"' in x]
    assert [x["wecom"] for x in log if x.get("path") == "/wecom/callback"][-2:] == ["reply", "repeat"]


def test_wechat_official_account(wecom_server):
    from wechatpy.crypto import WeChatCrypto

    srv, _ = wecom_server
    ts, nonce = str(int(time.time())), "5577"
    signature = sign(TOKEN, ts, nonce)
    with httpx.Client(base_url=srv.url) as c:
        r = c.get("/wechat/callback", params={"signature": signature, "timestamp": ts, "nonce": nonce, "echostr": "plain+echo/=="})
        assert r.text == "plain+echo/=="
        assert c.get("/wechat/callback", params={"signature": "1" * 40, "timestamp": ts, "nonce": nonce, "echostr": "e"}).status_code == 403
        plain = ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[openid-1]]></FromUserName>"
                 "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[公司的规定就是这样的]]></Content><MsgId>42</MsgId></xml>")
        r = c.post("/wechat/callback", params={"signature": signature, "timestamp": ts, "nonce": nonce}, content=plain.encode())
        reply = ET.fromstring(r.text)
        assert reply.findtext("ToUserName") == "openid-1" and "F08" in reply.findtext("Content")
        theirs = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        wrapped = theirs.encrypt_message(plain.replace("<MsgId>42", "<MsgId>43"), nonce, ts)
        encrypted = ET.fromstring(wrapped).findtext("Encrypt")
        r = c.post("/wechat/callback", params={"signature": signature, "timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
                                               "msg_signature": sign(TOKEN, ts, nonce, encrypted)}, content=wrapped.encode())
        outer = ET.fromstring(r.text)
        decrypted = theirs.decrypt_message(r.text, outer.findtext("MsgSignature"), outer.findtext("TimeStamp"), outer.findtext("Nonce"))
        assert "F08" in ET.fromstring(decrypted).findtext("Content")


def test_wecom_jsapi_signature_vector_and_config(wecom_server):
    from api.wecom import jsapi_signature

    # the JS-SDK documentation's example
    assert jsapi_signature("sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
                           "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com?params=value") == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    srv, api = wecom_server
    with httpx.Client(base_url=srv.url) as c:
        url = srv.url + "/wecom/toolbar"
        config = c.get("/wecom/jsapi-config", params={"url": url + "#frag"}).json()
        assert config["corpid"] == CORP_ID and config["agentid"] == "1000002"
        assert config["signature"] == jsapi_signature("TICKET-1", config["nonceStr"], str(config["timestamp"]), url)
        calls = api.calls
        c.get("/wecom/jsapi-config", params={"url": url})
        assert api.calls == calls  # the ticket is cached


def test_wecom_not_configured_is_404(client):
    assert client.get("/wecom/callback", params={"msg_signature": "a", "timestamp": "1", "nonce": "1", "echostr": "x"}).status_code == 404
    assert client.get("/wecom/jsapi-config", params={"url": "x"}).status_code == 404


# ---- the chat-toolbar page ---------------------------------------------------------------------


def test_wecom_toolbar_without_bridge_offers_copy(server):
    from tests.test_web import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed here")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 360, "height": 700}, permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.url + "/wecom/toolbar")
        assert "未检测到企业微信" in page.get_by_test_id("bridge-status").inner_text()
        assert page.get_by_test_id("send-button").is_disabled()
        page.get_by_test_id("draft-input").fill("改天再联系你。")
        page.get_by_test_id("check-button").click()
        page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'block'")
        page.get_by_test_id("apply-rewrite").click()
        page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
        assert page.get_by_test_id("send-button").is_disabled()  # no bridge: copy instead
        page.get_by_test_id("copy-button").click()
        assert page.evaluate("navigator.clipboard.readText()") == page.get_by_test_id("draft-input").input_value()
        assert all(u.startswith(server.url) for u in requests)
        browser.close()


# ---- MCP ---------------------------------------------------------------------------------------


def _mcp_calls(target):
    from mcp import Client

    async def run():
        async with Client(target) as c:
            names = sorted(t.name for t in (await c.list_tools()).tools)
            checked = await c.call_tool("check_reply", {"text": "您好，改天再联系你。"})
            rewritten = await c.call_tool("rewrite_reply", {"text": "我不太清楚。"})
            audited = await c.call_tool("audit_conversation", {"turns": [
                {"role": "customer", "text": "电梯坏了三天了，我要投诉！"},
                {"role": "agent", "text": "谢谢您的反映，非常抱歉，您说的情况我记下了，原因是配件缺货，师傅今天下午三点前上门，还有什么需要随时找我。"},
            ]})
            drafted = await c.call_tool("draft_reply", {"message": "电梯里困人了，快来！", "customer_name": "王先生"})
            return names, checked.structured_content, rewritten.structured_content, audited.structured_content, drafted.structured_content

    return asyncio.run(run())


def _assert_mcp(results, checker):
    names, checked, rewritten, audited, drafted = results
    assert names == ["audit_conversation", "check_reply", "draft_reply", "rewrite_reply"]
    report = checker.check("您好，改天再联系你。")
    assert checked["verdict"] == "block" and checked["rewrite"] == report.rewrite
    assert [(f["category"], f["start"], f["end"]) for f in checked["findings"]] == [(f.category, f.start, f.end) for f in report.findings]
    assert rewritten == {"original": "我不太清楚。", "rewrite": checker.check("我不太清楚。").rewrite, "changed": True, "fixed": ["F05"]}
    assert audited["complaint"] is True and audited["score"] == 100 and audited["steps_missed"] == []
    assert drafted["urgent"]["kind"] == "trapped" and drafted["draft"].startswith("王先生")
    assert all(checker.check(d).verdict == "pass" for d in [drafted["draft"], *drafted["alternatives"]])


def test_mcp_over_streamable_http(server, checker):
    _assert_mcp(_mcp_calls(server.url + "/mcp"), checker)


def test_mcp_over_stdio(run_env, checker):
    from mcp import StdioServerParameters

    command = huashu_command()
    params = StdioServerParameters(command=command[0], args=[*command[1:], "mcp"], env=run_env)
    _assert_mcp(_mcp_calls(params), checker)

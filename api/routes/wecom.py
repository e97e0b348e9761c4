"""WeCom and WeChat callbacks, the WeCom chat-toolbar page and its JS-SDK configuration.

- /wecom/callback: a staff member sends a draft to the 话术助手 app and gets back, as an
  encrypted passive reply, the findings and the suggested rewrite. WeCom retries a message it
  got no answer to; a repeated MsgId gets the same answer without being checked again.
- /wechat/callback: the same for a WeChat Official Account (plain or safe mode).
- /wecom/toolbar: the H5 page for WeCom's chat toolbar (聊天工具栏), where staff draft a reply
  beside the customer chat and send the approved text with ww/wx sendChatMessage.
- /wecom/jsapi-config: the wx.agentConfig signature that page needs (agent jsapi ticket from the
  WeCom API, cached until it expires).
Refusals are 4xx (403 for signatures, CorpID and stale timestamps), never 5xx.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from api.deps import context, require_length, services_of
from api.errors import ApiError
from api.paths import STATIC
from api.services import CallbackEndpoint
from api.wecom import (
    CallbackError,
    check_signature,
    check_timestamp,
    jsapi_signature,
    parse_xml,
    reply_text,
    text_reply_xml,
)
from assistant.limits import problem_with

router = APIRouter(tags=["wecom"], include_in_schema=False)
XML = "application/xml"


def _refuse(exc: CallbackError):
    return ApiError(exc.status, exc.code, exc.message)


def _wecom(request: Request) -> CallbackEndpoint:
    endpoint = services_of(request).wecom
    if endpoint.crypto is None and endpoint.problem is None:
        raise ApiError(404, "wecom_not_configured", "未配置企业微信回调（HUASHU_WECOM_TOKEN、HUASHU_WECOM_AES_KEY、HUASHU_WECOM_CORP_ID）")
    if endpoint.problem is not None:
        raise ApiError(503, "wecom_misconfigured", f"企业微信配置有误：{endpoint.problem}")
    return endpoint


def _query(request: Request, *names: str) -> list[str]:
    values = [request.query_params.get(n) for n in names]
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise ApiError(400, "missing_parameter", f"缺少参数：{'、'.join(missing)}")
    return values  # type: ignore[return-value]


def _answer(request: Request, text: str) -> tuple[str, str]:
    """(the reply to send, what happened: "reply", or "refused" for a text the API would refuse:
    over the limit, or not checkable, answered with the API's own message)."""
    settings, state, checker = context(request)
    try:
        require_length(text, settings.max_text_chars, "消息")
    except ApiError as exc:
        return exc.message, "refused"
    if (problem := problem_with(text)) is not None:
        return str(problem), "refused"
    return reply_text(state.check(checker, text).report), "reply"


def _reply_once(
    request: Request, channel: str, endpoint: CallbackEndpoint, inner: dict[str, str], seal: Callable[[str], str]
) -> Response:
    """Answer a decrypted message with the findings and a rewrite, `seal`ed for the wire. Both
    platforms retry a message they think went unanswered: a repeat (same MsgId) gets the same
    bytes back and is not checked again; a message that is not text gets an empty answer."""
    key = inner.get("MsgId") or f"{inner.get('FromUserName')}:{inner.get('CreateTime')}"
    seen = endpoint.seen
    earlier = seen.get(key)
    if earlier is not None:
        request.state.log = {channel: "repeat"}
        return Response(earlier, media_type=XML)
    if inner.get("MsgType") != "text" or not inner.get("Content", "").strip():
        seen.put(key, b"")
        return PlainTextResponse("")
    answer, outcome = _answer(request, inner["Content"])
    reply = text_reply_xml(inner.get("FromUserName", ""), inner.get("ToUserName", ""), answer)
    body = seal(reply).encode("utf-8")
    seen.put(key, body)
    request.state.log = {channel: outcome}
    return Response(body, media_type=XML)


@router.get("/wecom/callback")
async def wecom_verify(request: Request):
    """URL verification: decrypt echostr and return the plaintext."""
    crypto = _wecom(request).crypto
    signature, timestamp, nonce, echostr = _query(request, "msg_signature", "timestamp", "nonce", "echostr")
    try:
        check_timestamp(timestamp)
        check_signature((crypto.token, timestamp, nonce, echostr), signature)
        plain = crypto.decrypt(echostr)
    except CallbackError as exc:
        raise _refuse(exc) from None
    return PlainTextResponse(plain.decode("utf-8", "replace"))


@router.post("/wecom/callback")
async def wecom_message(request: Request):
    """A message to the app: check its text, reply (encrypted) with the findings and a rewrite."""
    endpoint = _wecom(request)
    crypto = endpoint.crypto
    signature, timestamp, nonce = _query(request, "msg_signature", "timestamp", "nonce")
    try:
        check_timestamp(timestamp)
        outer = parse_xml(await request.body())
        encrypted = outer.get("Encrypt")
        if not encrypted:
            raise CallbackError(400, "bad_xml", "XML 中没有 Encrypt")
        check_signature((crypto.token, timestamp, nonce, encrypted), signature)
        inner = parse_xml(crypto.decrypt(encrypted))
    except CallbackError as exc:
        raise _refuse(exc) from None
    return _reply_once(request, "wecom", endpoint, inner, lambda reply: crypto.encrypted_reply(reply, nonce))


# ---- WeChat Official Account ------------------------------------------------------------------


def _wechat(request: Request) -> CallbackEndpoint:
    endpoint = services_of(request).wechat
    if not endpoint.token:
        raise ApiError(404, "wechat_not_configured", "未配置公众号回调（HUASHU_WECHAT_TOKEN）")
    if endpoint.problem is not None:
        raise ApiError(503, "wechat_misconfigured", f"公众号配置有误：{endpoint.problem}")
    return endpoint


@router.get("/wechat/callback")
async def wechat_verify(request: Request):
    """Official Account URL verification: the signature leaves echostr out; echostr goes back as is."""
    token = _wechat(request).token
    signature, timestamp, nonce, echostr = _query(request, "signature", "timestamp", "nonce", "echostr")
    try:
        check_timestamp(timestamp)
        check_signature((token, timestamp, nonce), signature)
    except CallbackError as exc:
        raise _refuse(exc) from None
    return PlainTextResponse(echostr)


@router.post("/wechat/callback")
async def wechat_message(request: Request):
    endpoint = _wechat(request)
    token, crypto = endpoint.token, endpoint.crypto
    signature, timestamp, nonce = _query(request, "signature", "timestamp", "nonce")
    safe = request.query_params.get("encrypt_type") == "aes"
    try:
        check_timestamp(timestamp)
        check_signature((token, timestamp, nonce), signature)
        outer = parse_xml(await request.body())
        if safe:
            if crypto is None:
                raise CallbackError(400, "not_configured", "安全模式需要 HUASHU_WECHAT_AES_KEY 和 HUASHU_WECHAT_APP_ID")
            msg_signature = request.query_params.get("msg_signature")
            encrypted = outer.get("Encrypt") or ""
            check_signature((token, timestamp, nonce, encrypted), msg_signature)
            inner = parse_xml(crypto.decrypt(encrypted))
        else:
            inner = outer
    except CallbackError as exc:
        raise _refuse(exc) from None
    seal = (lambda reply: crypto.encrypted_reply(reply, nonce)) if safe and crypto else (lambda reply: reply)
    return _reply_once(request, "wechat", endpoint, inner, seal)


# ---- chat toolbar ---------------------------------------------------------------------------


@router.get("/wecom/toolbar")
async def toolbar():
    return FileResponse(STATIC / "toolbar.html", headers={"Cache-Control": "no-cache"})


async def _agent_ticket(request: Request) -> str:
    """The app's agent_config jsapi ticket, fetched from the WeCom API and cached until expiry."""
    services = services_of(request)
    s, cache = services.settings, services.wecom_ticket
    if (ticket := cache.valid()) is not None:
        return ticket
    base = s.wecom_api_base.rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            token = (await client.get(f"{base}/cgi-bin/gettoken", params={"corpid": s.wecom_corp_id, "corpsecret": s.wecom_secret.get_secret_value()})).json()
            if token.get("errcode", 0) != 0:
                raise ApiError(502, "wecom_api_error", f"企业微信接口返回错误：{token.get('errmsg')}")
            ticket = (await client.get(f"{base}/cgi-bin/ticket/get", params={"access_token": token["access_token"], "type": "agent_config"})).json()
            if ticket.get("errcode", 0) != 0:
                raise ApiError(502, "wecom_api_error", f"企业微信接口返回错误：{ticket.get('errmsg')}")
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise ApiError(502, "wecom_api_unreachable", f"无法从企业微信获取 jsapi_ticket：{exc}") from None
    cache.keep(ticket["ticket"], int(ticket.get("expires_in", 7200)))
    return ticket["ticket"]


@router.get("/wecom/jsapi-config")
async def jsapi_config(request: Request):
    """What the toolbar page passes to wx.agentConfig for the page at `url`."""
    s = services_of(request).settings
    if not (s.wecom_corp_id and s.wecom_agent_id and s.wecom_secret):
        raise ApiError(404, "wecom_not_configured", "未配置企业微信应用（HUASHU_WECOM_CORP_ID、HUASHU_WECOM_AGENT_ID、HUASHU_WECOM_SECRET）")
    (url,) = _query(request, "url")
    ticket = await _agent_ticket(request)
    nonce, timestamp = os.urandom(8).hex(), str(int(time.time()))
    return {
        "corpid": s.wecom_corp_id,
        "agentid": s.wecom_agent_id,
        "timestamp": int(timestamp),
        "nonceStr": nonce,
        "signature": jsapi_signature(ticket, nonce, timestamp, url),
        "jsApiList": ["sendChatMessage", "getContext"],
    }

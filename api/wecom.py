"""WeCom (企业微信) and WeChat Official Account callbacks: the crypto and the messages.

Crypto as WeCom specifies it (加解密方案): AESKey = base64(EncodingAESKey + "="), IV = AESKey[:16],
AES-256-CBC over random(16) ‖ uint32_be(len) ‖ msg ‖ receiveid, PKCS#7-padded to 32 bytes (so a
pad byte may be up to 32: stripped by its value, not by a 16-byte unpadder); signature =
sha1 of the sorted token, timestamp, nonce and ciphertext, compared in constant time. For the
Official Account the receiveid is the AppID and the plain-mode signature leaves the ciphertext out.

XML is parsed with defusedxml (entity expansion and external entities refused).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from collections import OrderedDict

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree

from assistant.report import Report
from assistant.taxonomy import taxonomy

MAX_CLOCK_SKEW = 300  # seconds between WeCom's timestamp and ours
BLOCK = 32
VERDICT = {"pass": "通过", "warn": "提醒", "block": "拦截"}


class CallbackError(Exception):
    """A callback request to refuse: `status` (400 or 403) and a reason in Chinese."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_timestamp(timestamp: str, now: float | None = None) -> None:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        raise CallbackError(400, "bad_timestamp", "timestamp 不是整数") from None
    if abs((now or time.time()) - ts) > MAX_CLOCK_SKEW:
        raise CallbackError(403, "stale_timestamp", "timestamp 与服务器时间相差超过 5 分钟")


def check_signature(expected_parts: tuple[str, ...], given: str | None) -> None:
    if not given or not hmac.compare_digest(sha1_signature(*expected_parts), given.lower()):
        raise CallbackError(403, "bad_signature", "签名校验失败")


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (ValueError, TypeError):
            key = b""
        if len(encoding_aes_key) != 43 or len(key) != 32:
            raise ValueError("EncodingAESKey 应是 43 个字符（base64，解码后 32 字节）")
        self.token, self.key, self.receive_id = token, key, receive_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: bytes, random16: bytes | None = None) -> str:
        raw = (random16 or os.urandom(16)) + struct.pack(">I", len(message)) + message + self.receive_id.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> bytes:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (ValueError, TypeError):
            raise CallbackError(400, "bad_payload", "密文不是有效的 base64") from None
        if not data or len(data) % 16:
            raise CallbackError(400, "bad_payload", "密文长度不是 16 的倍数")
        decryptor = self._cipher().decryptor()
        raw = decryptor.update(data) + decryptor.finalize()
        pad = raw[-1]
        if not 1 <= pad <= BLOCK or len(raw) < 20 + pad:
            raise CallbackError(400, "bad_payload", "无法解密（填充不正确，可能是 EncodingAESKey 不对）")
        body = raw[16:-pad]
        (length,) = struct.unpack(">I", body[:4])
        message, receiver = body[4 : 4 + length], body[4 + length :]
        if len(message) != length:
            raise CallbackError(400, "bad_payload", "无法解密（长度不符）")
        if not hmac.compare_digest(receiver, self.receive_id.encode()):
            raise CallbackError(403, "wrong_receiver", "消息不是发给本企业/公众号的（receiveid 不符）")
        return message

    def sign(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return sha1_signature(self.token, timestamp, nonce, encrypted)

    def encrypted_reply(self, message: str, nonce: str, timestamp: str | None = None) -> str:
        timestamp = timestamp or str(int(time.time()))
        encrypted = self.encrypt(message.encode("utf-8"))
        return (
            f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{self.sign(timestamp, nonce, encrypted)}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )


def parse_xml(data: bytes | str) -> dict[str, str]:
    """A flat <xml> message -> {tag: text}; CallbackError(400) if it is not one."""
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # defusedxml raises several kinds (ParseError, EntitiesForbidden, ...)
        raise CallbackError(400, "bad_xml", "请求体不是有效的 XML") from None
    return {child.tag: (child.text or "") for child in root}


def reply_text(report: Report) -> str:
    """What the 话术助手 answers a staff member: verdict, findings with reasons, the rewrite."""
    names = taxonomy().categories
    lines = [f"【{VERDICT[report.verdict]}】得分 {report.score}"]
    if not report.findings:
        lines.append("没有发现禁语或不当用语，可以发送。")
        return "\n".join(lines)
    for i, f in enumerate(report.findings, 1):
        lines.append(f"{i}. {f.category} {names[f.category].name}：“{f.match}”")
        lines.append(f"   {f.message}")
    lines.append("建议改写：")
    lines.append(report.rewrite)
    return "\n".join(lines)


def text_reply_xml(to_user: str, from_user: str, content: str) -> str:
    def cdata(s: str) -> str:
        return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


class SeenMessages:
    """MsgIds answered recently (WeCom retries up to 3 times within seconds), with the answer."""

    def __init__(self, size: int = 10_000, ttl: float = 600):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        item = self._items.get(key)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, key: str, answer: bytes) -> None:
        self._items[key] = (time.monotonic(), answer)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def jsapi_signature(ticket: str, nonce: str, timestamp: str, url: str) -> str:
    """The JS-SDK signature (wx.config / wx.agentConfig): sha1 of the sorted query string."""
    url = url.split("#", 1)[0]
    return hashlib.sha1(f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}".encode()).hexdigest()


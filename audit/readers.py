"""Transcript files -> messages, one at a time, whatever the input's size.

Formats (by extension, or forced with --format; any of them gzip-compressed as *.gz):
- jsonl: one message a line, {"message_id"?, "conversation_id", "role": "agent"|"customer",
  "sender", "time", "text"}; `time` is ISO 8601 or epoch milliseconds. A line that carries WeCom
  archive keys (msgid, msgtype) is read as a WeCom message instead.
- csv: the same columns, with a header row.
- wecom: 会话内容存档 messages (msgid, action, from, tolist, roomid, msgtime, msgtype,
  text.content), as JSON lines, a JSON array, or {"chatdata": [...]}. Internal user ids are
  agents, wm/wo ids customers; group chats are conversations by roomid, one-to-one chats by the
  pair of participants. Only sent text messages are audited; others are counted as skipped.
- alibaba: dialogue files {"dialogue": [{"role", "words", "begin", "end", "identity"?}]}, one
  conversation per file (or per line of a .jsonl); 客服/agent is the agent, 客户/customer the
  resident.

A row that can't be read becomes a Rejected with its file, line and a reason in Chinese; the
rest of the file is still read. That includes a message text the engine cannot check (a lone
surrogate escape, more than a million characters) and JSON nested too deep to parse. A gzip file
cut short is read up to where it breaks, and the break is a Rejected naming the line after the
last one read; a file that cannot be read at all (missing, a directory, a .gz that is not gzip)
is a UsageError before anything is audited.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.limits import problem_with

FORMATS = ("jsonl", "csv", "wecom", "alibaba")
AGENT_ROLES = {"agent": "agent", "staff": "agent", "客服": "agent", "坐席": "agent", "员工": "agent",
               "customer": "customer", "resident": "customer", "user": "customer", "客户": "customer", "业主": "customer"}
_EXTERNAL_PREFIXES = ("wm", "wo")
_ROBOT_PREFIX = "wb"


class UsageError(ValueError):
    """An input that cannot be audited at all (missing file, unknown format)."""


@dataclass(slots=True)
class Message:
    conversation_id: str
    role: str  # agent | customer
    sender: str
    time_ms: int
    time: str  # as given, for the outputs
    text: str
    message_id: str | None
    file: str
    line: int


@dataclass(slots=True)
class Rejected:
    file: str
    line: int
    reason: str


@dataclass(slots=True)
class Skipped:
    """A well-formed record with nothing to audit (an image, a recalled message)."""

    file: str
    line: int


def detect_format(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"  # decided by content: an Alibaba dialogue or WeCom messages
    raise UsageError(f"{path}: 无法从扩展名判断格式（.jsonl、.csv、.json，可加 .gz），请用 --format 指定")


GZIP_MAGIC = b"\x1f\x8b"
# what reading a damaged gzip stream raises part-way (zlib.error for corrupt data, EOFError for a cut)
_BROKEN_STREAM = (EOFError, OSError, zlib.error)


def _is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _open_text(path: Path):
    raw = gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")  # noqa: SIM115
    return raw


def check_readable(path: Path) -> None:
    """UsageError, in Chinese, when `path` cannot be read at all."""
    if path.is_dir():
        raise UsageError(f"{path}: 是一个目录，不是文件（请给出聊天记录文件，例如 {path}/*.jsonl）")
    if not path.is_file():
        raise UsageError(f"{path}: 文件不存在")
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError as exc:
        raise UsageError(f"{path}: 无法读取（{exc.strerror}）") from None
    if _is_gzip(path) and head != GZIP_MAGIC:
        raise UsageError(f"{path}: 扩展名是 .gz，但内容不是 gzip 压缩文件")


def parse_time(value) -> tuple[int, str]:
    """(epoch milliseconds, the value as text). ISO 8601 without an offset is taken as UTC."""
    if isinstance(value, bool) or value is None:
        raise ValueError("缺少 time")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        ms = int(float(value))
        if not -10**14 < ms < 10**14:
            raise ValueError(f"time 不是合理的毫秒时间戳：{value}")
        return ms, str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"time 既不是 ISO 8601 时间也不是毫秒时间戳：{value!r}")
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"time 不是 ISO 8601 时间：{value}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000), value


def _text_field(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"缺少 {key}")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{key} 应是字符串")
    return str(value)


def message_from_row(row: dict, file: str, line: int) -> Message:
    """A standard row (JSONL or CSV) -> Message; ValueError with a Chinese reason if it is bad."""
    conversation = _text_field(row, "conversation_id")
    role_raw = row.get("role")
    role = AGENT_ROLES.get(str(role_raw).strip().lower()) if role_raw is not None else None
    if role is None:
        raise ValueError(f"role 应是 agent 或 customer，收到 {role_raw!r}")
    sender = _text_field(row, "sender")
    time_ms, time_text = parse_time(row.get("time"))
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError("缺少字符串类型的 text")
    if not text.strip():
        raise ValueError("text 为空")
    mid = row.get("message_id")
    return Message(conversation, role, sender, time_ms, time_text, text, None if mid in (None, "") else str(mid), file, line)


def _wecom_message(row: dict, file: str, line: int) -> Message | Skipped:
    for key in ("msgid", "action", "from", "msgtime", "msgtype"):
        if key not in row:
            raise ValueError(f"企业微信消息缺少 {key}")
    if row["action"] != "send" or row["msgtype"] != "text":
        return Skipped(file, line)
    sender = str(row["from"])
    if sender.startswith(_ROBOT_PREFIX):
        return Skipped(file, line)
    content = (row.get("text") or {}).get("content") if isinstance(row.get("text"), dict) else None
    if not isinstance(content, str):
        raise ValueError("企业微信文本消息缺少 text.content")
    if not content.strip():
        return Skipped(file, line)
    role = "customer" if sender.startswith(_EXTERNAL_PREFIXES) else "agent"
    room = row.get("roomid") or ""
    if room:
        conversation = f"room:{room}"
    else:
        tolist = row.get("tolist") or []
        if not isinstance(tolist, list) or not tolist:
            raise ValueError("企业微信单聊消息缺少 tolist")
        conversation = "chat:" + "|".join(sorted({sender, str(tolist[0])}))
    time_ms, _ = parse_time(row["msgtime"])
    iso = datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc).isoformat(timespec="seconds")
    return Message(conversation, role, sender, time_ms, iso, content, str(row["msgid"]), file, line)


def _alibaba_dialogue(doc: dict, file: str, line: int, conversation: str) -> Iterator[Message | Rejected]:
    turns = doc.get("dialogue")
    if not isinstance(turns, list):
        yield Rejected(file, line, "dialogue 应是列表")
        return
    conversation = str(doc.get("tid") or doc.get("id") or conversation)
    for i, turn in enumerate(turns, 1):
        where = f"dialogue[{i - 1}]"
        if not isinstance(turn, dict):
            yield Rejected(file, line, f"{where} 应是对象")
            continue
        role = AGENT_ROLES.get(str(turn.get("role", "")).strip().lower())
        words = turn.get("words")
        if role is None:
            yield Rejected(file, line, f"{where}.role 应是 客服 或 客户，收到 {turn.get('role')!r}")
            continue
        if not isinstance(words, str) or not words.strip():
            yield Rejected(file, line, f"{where}.words 为空")
            continue
        begin = turn.get("begin", 0)
        if isinstance(begin, bool) or not isinstance(begin, int | float):
            yield Rejected(file, line, f"{where}.begin 应是毫秒数")
            continue
        sender = str(turn.get("identity") or doc.get("agent") or ("客服" if role == "agent" else "客户"))
        if role == "customer":
            sender = str(turn.get("identity") or "客户")
        yield Message(conversation, role, sender, int(begin), str(begin), words, f"{conversation}#{i}", file, line)


def _records_from_json_doc(doc, file: str, line: int, forced: str | None, fallback_id: str):
    """One parsed JSON value -> messages, skips and rejections (for .json files and JSONL lines)."""
    if isinstance(doc, dict) and "dialogue" in doc and forced in (None, "alibaba"):
        yield from _alibaba_dialogue(doc, file, line, fallback_id)
    elif isinstance(doc, dict) and "chatdata" in doc and isinstance(doc["chatdata"], list):
        for i, item in enumerate(doc["chatdata"]):
            yield from _records_from_json_doc(item, file, line, "wecom", f"{fallback_id}-{i}")
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from _records_from_json_doc(item, file, line if line else i + 1, forced, f"{fallback_id}-{i}")
    elif isinstance(doc, dict) and (forced == "wecom" or ("msgid" in doc and "msgtype" in doc)):
        try:
            yield _wecom_message(doc, file, line)
        except ValueError as exc:
            yield Rejected(file, line, str(exc))
    elif isinstance(doc, dict):
        try:
            yield message_from_row(doc, file, line)
        except ValueError as exc:
            yield Rejected(file, line, str(exc))
    else:
        yield Rejected(file, line, "应是 JSON 对象")


def read(path: Path, forced: str | None = None) -> Iterator[Message | Rejected | Skipped]:
    """Every record of one input file, in file order."""
    check_readable(path)
    fmt = forced or detect_format(path)
    file = str(path)
    if fmt == "csv":
        records = _read_csv(path, file)
    elif fmt in ("jsonl", "wecom", "alibaba") and not path.name.lower().removesuffix(".gz").endswith(".json"):
        records = _read_jsonl(path, file, None if fmt == "jsonl" else fmt)
    else:
        records = _read_json(path, file, None if fmt in ("json", "jsonl") else fmt)
    for record in records:
        if isinstance(record, Message) and (problem := problem_with(record.text)) is not None:
            yield Rejected(record.file, record.line, f"text 无法检查：{problem}")
        else:
            yield record


def _lines(raw, file: str, broken: list):
    """Numbered lines of a binary stream; a stream that breaks part-way (a cut or corrupt gzip)
    ends here, and `broken` gets the Rejected that says where."""
    number = 0
    try:
        for number, data in enumerate(raw, 1):  # noqa: B007 - number is read after the loop
            yield number, data
    except _BROKEN_STREAM as exc:
        broken.append(Rejected(file, number + 1, f"压缩文件在此处损坏或被截断，后面的内容无法读取（{type(exc).__name__}）"))


def _read_jsonl(path: Path, file: str, forced: str | None):
    broken: list[Rejected] = []
    with _open_text(path) as raw:
        for number, data in _lines(raw, file, broken):
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Rejected(file, number, f"不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节）")
                continue
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Rejected(file, number, f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
                continue
            except RecursionError:
                yield Rejected(file, number, "JSON 嵌套层数过深，无法读取")
                continue
            yield from _records_from_json_doc(doc, file, number, forced, f"{Path(file).name}:{number}")
    yield from broken


def _read_json(path: Path, file: str, forced: str | None):
    try:
        with _open_text(path) as raw:
            data = raw.read()
    except _BROKEN_STREAM as exc:
        yield Rejected(file, 1, f"压缩文件损坏或被截断，无法读取（{type(exc).__name__}）")
        return
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        yield Rejected(file, 1, f"不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节）")
        return
    except json.JSONDecodeError as exc:
        yield Rejected(file, exc.lineno, f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
        return
    except RecursionError:
        yield Rejected(file, 1, "JSON 嵌套层数过深，无法读取")
        return
    yield from _records_from_json_doc(doc, file, 0, forced, Path(file).name.removesuffix(".gz"))


def _read_csv(path: Path, file: str):
    """CSV, decoded line by line so one badly encoded line costs only its own record."""
    bad_lines: dict[int, str] = {}
    cut_short: list[Rejected] = []

    def lines(raw):
        for number, data in _lines(raw, file, cut_short):
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad_lines[number] = f"不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节）"
                yield data.decode("utf-8", errors="replace")

    with _open_text(path) as raw:
        reader = csv.reader(lines(raw))
        try:
            header = next(reader)
        except StopIteration:
            return
        if 1 in bad_lines:
            yield Rejected(file, 1, bad_lines[1])
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = {"conversation_id", "role", "sender", "time", "text"} - set(header)
        if missing:
            yield Rejected(file, 1, f"表头缺少列：{'、'.join(sorted(missing))}")
            return
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                yield from cut_short
                return
            except csv.Error as exc:
                yield Rejected(file, reader.line_num, f"CSV 格式有误：{exc}")
                previous = reader.line_num
                continue
            first, last = previous + 1, reader.line_num
            previous = last
            broken = next((bad_lines[n] for n in range(first, last + 1) if n in bad_lines), None)
            if broken:
                yield Rejected(file, first, broken)
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield Rejected(file, first, f"应有 {len(header)} 列，实有 {len(cells)} 列")
                continue
            try:
                yield message_from_row(dict(zip(header, cells, strict=True)), file, first)
            except ValueError as exc:
                yield Rejected(file, first, str(exc))

"""LanguageTool's HTTP API on top of the engine, so existing LanguageTool clients work unchanged.

POST /v2/check takes LanguageTool's form fields (text or data, language, enabled/disabled rules
and categories, enabledOnly, level) and answers in LanguageTool's JSON (the shape of
RuleMatchesAsJsonSerializer). Offsets and lengths are UTF-16 code units, as Java counts them: an
emoji before a finding moves it by two, not one. With `data` (text and markup annotations) the
markup is left out of the check and offsets point into the whole annotated document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from assistant.punctuation import SENTENCE_ENDS
from assistant.report import Finding, Report
from assistant.taxonomy import taxonomy

SOFTWARE = {
    "name": "Huashu",
    "version": "0.1.0",
    "buildDate": "2026-11-27",
    "apiVersion": 1,
    "premium": False,
    "status": "",
}
LANGUAGES = [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
ACCEPTED_LANGUAGES = {"zh", "zh-cn", "zh-hans", "auto"}
CONTEXT_CHARS = 40


class LanguageToolInputError(ValueError):
    """A request LanguageTool itself would refuse (400); the message says why, in Chinese."""


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class Utf16:
    """Python str index -> UTF-16 code unit index, for one text."""

    def __init__(self, text: str):
        self._prefix = [0]
        total = 0
        for ch in text:
            total += 2 if ord(ch) > 0xFFFF else 1
            self._prefix.append(total)

    def __call__(self, index: int) -> int:
        return self._prefix[index]


@dataclass
class Annotated:
    """Plain text to check, and where each of its characters lies in the whole document."""

    plain: str
    original: str
    positions: list[int]  # plain index -> original index (one past the end included)
    ends: list[int]  # plain index -> where the original that character stands for ends (a markup's end)


def parse_data(data: str) -> Annotated:
    """LanguageTool's `data`: {"annotation": [{"text": ...} | {"markup": ..., "interpretAs"?: ...}]}."""
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise LanguageToolInputError(f"data 不是有效的 JSON：{exc.msg}") from None
    parts = doc.get("annotation") if isinstance(doc, dict) else None
    if not isinstance(parts, list):
        raise LanguageToolInputError('data 应是 {"annotation": [...]}')
    plain, original, positions, ends = [], [], [], []
    offset = 0
    for i, part in enumerate(parts):
        if not isinstance(part, dict):
            raise LanguageToolInputError(f"annotation[{i}] 应是对象")
        if "text" in part and isinstance(part["text"], str):
            for k, ch in enumerate(part["text"]):
                plain.append(ch)
                positions.append(offset + k)
                ends.append(offset + k + 1)
            original.append(part["text"])
            offset += len(part["text"])
        elif "markup" in part and isinstance(part["markup"], str):
            shown = part.get("interpretAs", "")
            if not isinstance(shown, str):
                raise LanguageToolInputError(f"annotation[{i}].interpretAs 应是字符串")
            for ch in shown:
                plain.append(ch)
                positions.append(offset)
                ends.append(offset + len(part["markup"]))  # what it is read as stands for the whole markup
            original.append(part["markup"])
            offset += len(part["markup"])
        else:
            raise LanguageToolInputError(f"annotation[{i}] 应有 text 或 markup 字符串")
    positions.append(offset)
    return Annotated("".join(plain), "".join(original), positions, ends)


def plain_document(text: str) -> Annotated:
    return Annotated(text, text, list(range(len(text) + 1)), list(range(1, len(text) + 1)))


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def check_language(language: str | None) -> None:
    if not language:
        raise LanguageToolInputError("缺少 language 参数（可用 zh-CN 或 auto）")
    if language.strip().lower() not in ACCEPTED_LANGUAGES:
        raise LanguageToolInputError(f"不支持的语言：{language}（话术只检查中文：zh-CN、zh 或 auto）")


LEVELS = ("default", "picky")


def check_level(level: str | None) -> None:
    """LanguageTool knows two levels; anything else is refused as LanguageTool refuses it."""
    if level and level not in LEVELS:
        raise LanguageToolInputError(f"level 只能是 default 或 picky（收到 {level[:40]!r}）")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max((text.rfind(c, 0, start) for c in SENTENCE_ENDS), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in SENTENCE_ENDS) if i != -1]
    hi = min(ends) + 1 if ends else len(text)
    return lo, hi


def _sentence_ranges(text: str, to16: Utf16) -> list[list[int]]:
    ranges, lo = [], 0
    for i, ch in enumerate(text):
        if ch in SENTENCE_ENDS:
            ranges.append([to16(lo), to16(i + 1)])
            lo = i + 1
    if lo < len(text):
        ranges.append([to16(lo), to16(len(text))])
    return ranges


def _match(f: Finding, doc: Annotated, to16: Utf16) -> dict:
    names = taxonomy().categories
    start = doc.positions[f.start]
    end = doc.ends[f.end - 1] if f.end > f.start else start
    original = doc.original
    ctx_lo, ctx_hi = max(0, start - CONTEXT_CHARS), min(len(original), end + CONTEXT_CHARS)
    context = original[ctx_lo:ctx_hi]
    s_lo, s_hi = _sentence_bounds(doc.plain, f.start, f.end)
    category = names[f.category]
    return {
        "message": f.message,
        "shortMessage": category.name,
        "replacements": [{"value": s} for s in f.suggestions],
        "offset": to16(start),
        "length": to16(end) - to16(start),
        "context": {
            "text": context,
            "offset": utf16_len(original[ctx_lo:start]),
            "length": utf16_len(original[start:end]),
        },
        "sentence": doc.plain[s_lo:s_hi].strip(),
        "type": {"typeName": "Other"},
        "rule": {
            "id": f.rule_id,
            "description": f"{category.code} {category.name}",
            "issueType": "non-conformance" if f.severity == "error" else "style",
            "category": {"id": category.code, "name": category.name},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
        "confidence": f.confidence,
    }


def response(report: Report, doc: Annotated) -> dict:
    """LanguageTool's JSON for a report on `doc.plain`."""
    to16 = Utf16(doc.original)
    return {
        "software": SOFTWARE,
        "warnings": {"incompleteResults": False},
        "language": {
            "name": "Chinese",
            "code": "zh-CN",
            "detectedLanguage": {"name": "Chinese", "code": "zh-CN", "confidence": 1.0, "source": "huashu"},
        },
        "matches": [_match(f, doc, to16) for f in report.findings],
        "sentenceRanges": _sentence_ranges(doc.original, to16),
    }

"""Masking residents' personal data in the report: phone numbers, ID numbers, room numbers.

Masks keep the text's length (digits become *), so highlight offsets computed on the original
text still fit the masked one.
"""

from __future__ import annotations

import re

_ID = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
_ROOM = re.compile(
    r"(?:[A-Za-z]?\d+(?:号楼|栋|幢|座|号|单元|楼|层|室|房|户)){1,4}\d*|(?<!\d)\d{1,3}-\d{1,3}-\d{2,4}(?!\d)|(?<!\d)\d{3,4}(?=室|房|号房)"
)


def _stars(s: str) -> str:
    return re.sub(r"[0-9A-Za-z]", "*", s)


def mask(text: str) -> str:
    """The text with phone, ID and room numbers starred out, same length."""
    text = _ID.sub(lambda m: m.group(1)[:3] + "*" * (len(m.group(0)) - 5) + m.group(3)[-2:], text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _ROOM.sub(lambda m: _stars(m.group(0)), text)
    return text

"""What text the engine can check, and the one error for text it can't.

A text is uncheckable when it holds a lone UTF-16 surrogate (JSON allows "\\ud800", a terminal
passes undecodable bytes as "\\udcff"; no encoder can write them) or when it is longer than
MAX_CHARS. Adapters turn UncheckableText into their own refusal (HTTP 400, a rejected row, exit
status 2) instead of a crash, and name the place with `position`.
"""

from __future__ import annotations

import re

MAX_CHARS = 1_000_000  # a chat reply is a few hundred characters; a pasted novel is not a reply
_SURROGATE = re.compile("[\ud800-\udfff]")


class UncheckableText(ValueError):
    """A text the engine refuses; the message says why in Chinese, `position` where (or None)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def problem_with(text: str) -> UncheckableText | None:
    """Why `text` cannot be checked, or None when it can."""
    if len(text) > MAX_CHARS:
        return UncheckableText(f"文本超过 {MAX_CHARS:,} 字符上限（收到 {len(text):,} 字符）")
    if (m := _SURROGATE.search(text)) is not None:
        if "\udc80" <= m.group() <= "\udcff":
            return UncheckableText(
                f"文本含有无效的 UTF-8 字节（第 {m.start() + 1} 个字符处），请检查编码", m.start()
            )
        return UncheckableText(
            f"文本含有孤立的 UTF-16 代理项 \\u{ord(m.group()):04x}（第 {m.start() + 1} 个字符处），不是有效的 Unicode 文本",
            m.start(),
        )
    return None


def ensure_checkable(text: str) -> None:
    if (problem := problem_with(text)) is not None:
        raise problem

"""Concrete times for a reply's commitment ("今天下午五点前", "三十分钟内").

The deck asks for definite commitments; a time that has already passed, or one in the middle of
the night, is worse than none, so the deadline is worked out from the current time: rounded up
to the hour, kept within working hours (8:00-20:00), otherwise moved to the next morning.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHINESE_DIGITS = "零一二三四五六七八九"  # the composer reads numbers with them too
WORK_START, WORK_END = 8, 20  # first and last hour a deadline may fall on
NEXT_MORNING = 10  # deadline hour when the work day is over
DEFAULT_TIMEZONE = "Asia/Shanghai"


def default_timezone() -> str:
    """HUASHU_TIMEZONE, else the time of China (where the residents are)."""
    return os.environ.get("HUASHU_TIMEZONE") or DEFAULT_TIMEZONE


def _zone(timezone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone or default_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_now(timezone: str | None = None) -> datetime:
    """Now, where the residents are: every promised time is worked out from this."""
    return datetime.now(_zone(timezone))


def local_time(epoch_ms: int, timezone: str | None = None) -> datetime:
    """A moment (milliseconds since the epoch) where the residents are: when a message was sent."""
    return datetime.fromtimestamp(epoch_ms / 1000, _zone(timezone))


def chinese_number(n: int) -> str:
    """0-99 in Chinese numerals: 5 -> 五, 12 -> 十二, 30 -> 三十."""
    if not 0 <= n < 100:
        raise ValueError(n)
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")


def clock(hour: int) -> str:
    """A whole hour of the day as people say it: 9 -> 上午九点, 12 -> 中午十二点, 17 -> 下午五点."""
    if hour < 12:
        return f"上午{chinese_number(hour)}点"
    if hour == 12:
        return "中午十二点"
    period = "下午" if hour < 18 else "晚上"
    return f"{period}{chinese_number(hour - 12)}点"


TIME_SLOT = "{time}"  # in a lexicon rewrite: the time it promises, worked out when the report is made
SUGGESTED_HOURS = 2  # how far ahead a suggestion's promised time lies


def timed(text: str, now: datetime) -> str:
    """`text` with its time slot filled: a time that has not passed at `now` (a suggestion
    written "今天下午五点前" would promise the past when checked at 19:00)."""
    return text.replace(TIME_SLOT, promise_time(now, hours=SUGGESTED_HOURS)) if TIME_SLOT in text else text


def promise_time(now: datetime, *, minutes: int | None = None, hours: int | None = None) -> str:
    """How soon, said concretely: within `minutes`, or a clock time `hours` from `now`."""
    if minutes is not None:
        return f"{chinese_number(minutes)}分钟内"
    deadline = now + timedelta(hours=hours or 0)
    if deadline.minute or deadline.second or deadline.microsecond:
        deadline = deadline.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if deadline.hour > WORK_END or deadline.hour < WORK_START:
        day = deadline.date() if deadline.hour < WORK_START else deadline.date() + timedelta(days=1)
        deadline = datetime.combine(day, datetime.min.time()).replace(hour=NEXT_MORNING)
    days = (deadline.date() - now.date()).days
    day_word = {0: "今天", 1: "明天", 2: "后天"}.get(days)
    if day_word is None:
        day_word = f"{deadline.month}月{deadline.day}日"
    return f"{day_word}{clock(deadline.hour)}前"

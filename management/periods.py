"""Report periods: a run of whole days in the office's time zone, by default the last full
calendar month in the data, compared with the period just before it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from management.reading import ReportError


@dataclass(frozen=True)
class Period:
    first: date  # first day, inclusive
    last: date  # last day, inclusive
    zone: ZoneInfo
    chosen_by: str = "given"  # "given" (--from/--to), "last_full_month", "data" (the data cover no full month)

    @cached_property
    def start_ms(self) -> int:
        return int(datetime.combine(self.first, time(), self.zone).timestamp() * 1000)

    @cached_property
    def end_ms(self) -> int:
        """Exclusive: midnight after the last day."""
        return int(datetime.combine(self.last + timedelta(days=1), time(), self.zone).timestamp() * 1000)

    def holds(self, ms: int | None) -> bool:
        return ms is not None and self.start_ms <= ms < self.end_ms

    @property
    def whole_month(self) -> bool:
        return self.first.day == 1 and self.last == _month_end(self.first) and self.first.month == self.last.month

    @property
    def label(self) -> str:
        if self.whole_month:
            return f"{self.first.year}年{self.first.month}月"
        return f"{_day_label(self.first)}至{_day_label(self.last)}"


def _day_label(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _parse(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ReportError(f"{option} {value!r}：日期格式应为 YYYY-MM-DD，例如 2026-11-01") from None


def local_day(ms: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ms / 1000, zone).date()


def period_of_request(date_from: str | None, date_to: str | None, conversations: list[dict], zone: ZoneInfo) -> Period:
    """The period asked for; without --from/--to, the last full calendar month in the data (the
    month before the last message's, unless that message is on its month's last day); when the
    data cover no full month, the days they cover."""
    times = [t for c in conversations for t in times_of(c)]
    if date_from or date_to:
        first = _parse(date_from, "--from") if date_from else None
        last = _parse(date_to, "--to") if date_to else None
        if first is None:
            first = last.replace(day=1)
        if last is None:
            last = local_day(max(times), zone) if times else _month_end(first)
        if last < first:
            raise ReportError(f"--from {first} 晚于 --to {last}")
        return Period(first, last, zone, "given")
    if not times:
        raise ReportError("审计结果里没有任何会话，无法确定报告期；请用 --from/--to 指定")
    earliest, latest = local_day(min(times), zone), local_day(max(times), zone)
    month = latest.replace(day=1)
    if latest != _month_end(latest):
        month = (month - timedelta(days=1)).replace(day=1)
    if month < earliest.replace(day=1):
        return Period(earliest, latest, zone, "data")
    return Period(month, _month_end(month), zone, "last_full_month")


def times_of(conversation: dict):
    """When anything happened in an audited conversation: its matters and its staff replies."""
    yield from (m["t"] for m in conversation["matters"])
    yield from (r[0] for r in conversation["replies"])


def previous_of(period: Period) -> Period:
    """The period just before: the month before a calendar month, else as many days before."""
    if period.whole_month:
        last = period.first - timedelta(days=1)
        return Period(last.replace(day=1), last, period.zone, period.chosen_by)
    days = (period.last - period.first).days + 1
    return Period(period.first - timedelta(days=days), period.first - timedelta(days=1), period.zone, period.chosen_by)

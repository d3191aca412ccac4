"""Dates as published: parsing with named time zones, visible date lines, and the UTC choice.

A date without a zone is taken as UTC (the feed and page give no better evidence).  Named
zones are resolved with a fixed table of the abbreviations news sites print; ambiguous ones
(IST, CST) take their most common newsroom meaning, documented in ``ZONES``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from dateutil import parser as dateparser

# Offsets in hours.  CST is US Central (China Standard Time writes "Beijing time" or CST+8 in
# practice); IST is India (Irish and Israel Standard Time are rarer in datelines).
ZONES: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3,
    "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8,
    "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BRT": -3, "ART": -3,
}  # fmt: skip
FUTURE_TOLERANCE = timedelta(minutes=10)
# No news item predates the Unix epoch; an earlier date is a placeholder ("0001-01-01") or a
# parse of garbage, and RSS readers print year 1 as 2001.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?!\d)")
_DEFAULT = datetime(2000, 1, 1)  # fields a date leaves out never come from today

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}\b)?)?"
DATE_LINE = re.compile(
    r"(?:(?:Published|Posted|Updated|Date)\s*(?:on)?\s*:?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)"
    rf"{_TIME}",
    re.I,
)


def _tzinfos(name: str | None, offset: int | None) -> object:
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if not name:
        return None
    hours = ZONES.get(name.upper())
    if hours is None:
        return None
    return timezone(timedelta(hours=hours), name.upper())


def parse_date(raw: str | None) -> datetime | None:
    """``raw`` as a UTC-aware datetime, or None when it is not a date."""
    if not raw or not raw.strip():
        return None
    text = _tidy(raw)
    if not _YEAR.search(text):
        return None  # "3 hours ago" and bare times would be read relative to today
    try:
        value = dateparser.parse(text, default=_DEFAULT, tzinfos=_tzinfos, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if value is None or not 1900 <= value.year <= 2200:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def _tidy(raw: str) -> str:
    # "Nov. 16" and "10:30 a.m." trip dateutil; "Published:" and "at" are noise.
    text = " ".join(raw.split())
    text = re.sub(r"\b([ap])\.m\.", r"\1m", text, flags=re.I)
    text = re.sub(r"^(?:published|posted|updated|date)\s*(?:on)?\s*:?\s*", "", text, flags=re.I)
    return text.replace(" at ", " ")


def find_date_line(text: str) -> str | None:
    """The first visible date ("Published: Nov. 16, 2024 10:30 a.m. EST") in ``text``."""
    for match in DATE_LINE.finditer(text[:5000]):
        candidate = match.group(0).strip(" ,")
        if parse_date(candidate) is not None:
            return candidate
    return None


def clamp_date(
    value: datetime | None, now: datetime, tolerance: timedelta = FUTURE_TOLERANCE
) -> datetime | None:
    """``value`` in UTC within [1970, now + tolerance]: None before 1970 (no real date),
    ``now`` beyond the tolerance (a wrong zone, a scheduled post, or year 9999)."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 has no UTC form
        return None
    if value < EARLIEST:
        return None
    return now if value > now + tolerance else value


def choose_published(
    candidates: list[datetime | None], now: datetime, tolerance: timedelta = FUTURE_TOLERANCE
) -> datetime:
    """The first date that survives ``clamp_date``; ``now`` when none is known."""
    for value in candidates:
        clamped = clamp_date(value, now, tolerance)
        if clamped is not None:
            return clamped
    return now

"""Dates as published: parsing with named time zones, visible date lines, and the UTC choice.

A date without a zone is taken as UTC (the feed and page give no better evidence).  Named
zones are resolved with a fixed table of the abbreviations news sites print; ambiguous ones
(IST, CST) take their most common newsroom meaning, documented in ``ZONES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import ClassVar
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from ingest.model import SourceSpec

# Offsets in hours.  CST is US Central (China Standard Time writes "Beijing time" or CST+8 in
# practice); IST is India (Irish and Israel Standard Time are rarer in datelines).
ZONES: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3,
    "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8,
    "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BRT": -3, "ART": -3, "WITA": 8, "WIT": 9, "MYT": 8, "PET": -5, "COT": -5, "ECT": -5,
    "CLT": -4, "CLST": -3, "BOT": -4, "UYT": -3, "PYT": -4, "VET": -4, "SAST": 2, "EAT": 3,
    "WAT": 1, "CAT": 2, "IRST": 3.5, "AFT": 4.5, "NPT": 5.75, "MMT": 6.5, "ULAT": 8,
}  # fmt: skip
# US pages write the zone without its season: "10:15 a.m. ET".
US_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}  # fmt: skip
FUTURE_TOLERANCE = timedelta(minutes=10)
# A listing's day and a page's time are the same date when this close: the listing prints
# its local day, which starts up to 14 hours before or after the UTC one.
SAME_DAY = timedelta(hours=38)
_DOTTED = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")
# A numeric date with the year last ("12/03/2026"): the only form whose order is in doubt
# (dateutil would read an ISO "2026-03-12" day first too, if told to).
_NUMERIC = re.compile(r"(?<![\d-])\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")
_CLOCK = re.compile(
    r"\d{1,2}[:h]\d{2}(?!\d)|\d{1,2}\.\d{2}\s*(?:[ap]\.?m\b|h\b)|\b\d{1,2}\s*[ap]\.?m\b", re.I
)
# No news item predates the Unix epoch; an earlier date is a placeholder ("0001-01-01") or a
# parse of garbage, and RSS readers print year 1 as 2001.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?!\d)")
_DEFAULT = datetime(2000, 1, 1)  # fields a date leaves out never come from today

# Month names in the languages news pages print them in besides English: the parser is told
# them (``_Names``), and a date line may use them ("12 de marzo de 2026", "21 avril 2026").
FOREIGN_MONTHS: tuple[tuple[str, ...], ...] = (
    ("enero", "janvier", "januar", "gennaio", "janeiro", "januari", "stycznia"),
    ("febrero", "février", "fevrier", "februar", "febbraio", "fevereiro", "februari", "lutego"),
    ("marzo", "mars", "märz", "maerz", "março", "marco", "maart", "marca"),
    ("abril", "avril", "aprile", "kwietnia"),
    ("mayo", "mai", "maggio", "maio", "mei", "maja"),
    ("junio", "juin", "juni", "giugno", "junho", "czerwca"),
    ("julio", "juillet", "juli", "luglio", "julho", "lipca"),
    ("agosto", "août", "aout", "augustus", "sierpnia"),
    ("septiembre", "setiembre", "septembre", "settembre", "setembro", "września"),
    ("octubre", "octobre", "oktober", "ottobre", "outubro", "października"),
    ("noviembre", "novembre", "november", "novembro", "listopada"),
    ("diciembre", "décembre", "decembre", "dezember", "dicembre", "dezembro", "december",
     "grudnia"),
)  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    + "".join(f"|{m}" for names in FOREIGN_MONTHS for m in names)
    + r")\.?"
)
# "12 de marzo de 2026", "21 avril 2026 à 15 h 10": the little words between a date's parts.
_JOINERS = ("de", "del", "do", "da", "le", "à", "a", "às", "as", "um", "el", "à partir")
_TIME = (
    r"(?:\s*[,·|–-]?\s*(?:at\s+|à\s+|a las\s+|às\s+|um\s+)?\d{1,2}(?:[:.]|\s?h\s?)\d{2}"
    r"(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?-i:[A-Z]{2,5})\b)?)?"
)
DATE_LINE = re.compile(
    r"(?:(?:Published|Posted|Updated|Date)\s*(?:on)?\s*:?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th|er|º)?\.?"
    rf"\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    # "23/10/2026 - 11:25", "23.10.2026": which comes first, the day or the month, is the
    # source's zone's convention (``_day_first``).
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    rf"{_TIME}",
    re.I,
)


def _zone_names(zone: tzinfo) -> set[str]:
    """The abbreviations a zone prints, winter and summer ("CST" for Asia/Shanghai)."""
    names = {zone.tzname(datetime(2025, month, 15)) for month in (1, 7)}
    return {n.upper() for n in names if n and n[0] not in "+-"}


def _tzinfos(zone: tzinfo | None) -> Callable[[str | None, int | None], object]:
    """dateutil's zone resolver: an explicit offset, else the source's own zone when it
    prints this abbreviation (so CST on a Shanghai page is China's), else the table."""
    own = _zone_names(zone) if zone is not None else set()

    def resolve(name: str | None, offset: int | None) -> object:
        if offset is not None:
            return timezone(timedelta(seconds=offset))
        if not name:
            return None
        if name.upper() in own:
            return zone
        if name.upper() in US_ZONES:  # "ET": EST or EDT, as the date says
            return ZoneInfo(US_ZONES[name.upper()])
        hours = ZONES.get(name.upper())
        if hours is None:
            return None
        return timezone(timedelta(hours=hours), name.upper())

    return resolve


def parse_date(raw: str | None, zone: tzinfo | None = None) -> datetime | None:
    """``raw`` as a UTC-aware datetime, or None when it is not a date. A time printed
    without a zone is in ``zone`` (the source's ``timezone``), else taken as UTC."""
    if not raw or not raw.strip():
        return None
    value = _iso(raw.strip()) or _rfc822(raw.strip())
    if value is not None:
        return _utc(value, zone)
    text = _tidy(raw)
    if not _YEAR.search(text):
        return None  # "3 hours ago" and bare times would be read relative to today
    try:
        value = dateparser.parse(
            text,
            parserinfo=_NAMES,
            default=_DEFAULT,
            tzinfos=_tzinfos(zone),
            fuzzy=True,
            # 12.05.2025 is 12 May wherever it is used; 12/05/2025 too, except where the
            # source's zone says the page is American (or Philippine): month first there.
            dayfirst=bool(_DOTTED.search(text)) or (_NUMERIC.search(text) and _day_first(zone)),
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if value is None:
        return None
    return _utc(value, zone)


# W3C date-time (sitemaps, JSON-LD, Atom): read directly, ten times faster than dateutil,
# which reads these the same way; a sitemap may hold 50,000 of them.
_W3C = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)


def _iso(text: str) -> datetime | None:
    if not _W3C.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# RSS's RFC 822 dates with a numeric offset or GMT/UTC ("Mon, 02 Mar 2026 09:15:00 +0300"):
# read directly, ten times faster than dateutil, which reads them the same way (a test
# holds the two together); names of other zones go to dateutil and the source's zone.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC|Z)"
)
_MONTHS = {names[0]: n for n, names in enumerate(dateparser.parserinfo.MONTHS, 1)}


def _rfc822(text: str) -> datetime | None:
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, zone = match.groups()
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    else:
        offset = timedelta(0)
    try:
        return datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second or 0),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None


def _utc(value: datetime, zone: tzinfo | None) -> datetime | None:
    if not 1900 <= value.year <= 2200:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone or UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


class _Names(dateparser.parserinfo):
    """dateutil's names, with the foreign month names and the words between a date's parts."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = [
        (*english, *foreign)
        for english, foreign in zip(dateparser.parserinfo.MONTHS, FOREIGN_MONTHS, strict=True)
    ]
    JUMP: ClassVar[list[str]] = [*dateparser.parserinfo.JUMP, *_JOINERS]


_NAMES = _Names()
# Zones where a numeric date puts the month first (12/05/2025 is December 5).
_MONTH_FIRST_ZONES = re.compile(
    r"^(?:America/(?:New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Detroit|Boise"
    r"|Indiana/.*|Kentucky/.*|North_Dakota/.*|Juneau|Sitka|Nome|Adak|Menominee|Puerto_Rico)"
    r"|US/.*|Pacific/Honolulu|Pacific/Guam|Asia/Manila)$"
)


def _day_first(zone: tzinfo | None) -> bool:
    name = getattr(zone, "key", None)
    return bool(name) and not _MONTH_FIRST_ZONES.match(str(name))


def _tidy(raw: str) -> str:
    # "Nov. 16" and "10:30 a.m." trip dateutil; "Published:" and "at" are noise. dateutil
    # reads "GMT+5" the POSIX way, as five hours *behind*; pages mean UTC+5.
    text = " ".join(raw.split())
    text = _GMT_OFFSET.sub(_iso_offset, text)
    text = re.sub(r"\b([ap])\.m\.", r"\1m", text, flags=re.I)
    # "10.15 GMT", "10.15am" (the Guardian's clock), not a dotted date's "04.03.2025".
    text = re.sub(
        r"(?<![.\d])(\d{1,2})\.(\d{2})(?![.\d])(?=\s*(?:[ap]m\b|[A-Z]{2,5}\b))",
        r"\1:\2",
        text,
        flags=re.I,
    )
    text = re.sub(r"\b(\d{1,2})\s?h\s?(\d{2})\b", r"\1:\2", text)  # "15 h 10", "15h10"
    text = re.sub(r"\b12 noon\b|\bnoon\b", "12:00 pm", text, flags=re.I)
    text = re.sub(r"\bmidnight\b", "00:00", text, flags=re.I)
    # "(hora de Lima)", "Hanoi time", "Doha time": the place's zone, which the source's
    # `timezone` or a printed offset gives; the words only confuse the parser.
    text = re.sub(r"\(?\bhora de [A-Z][\w ]{1,20}\)?|\b[A-Z][a-z]+ time\b", " ", text)
    text = re.sub(r"^(?:published|posted|updated|date)\s*(?:on)?\s*:?\s*", "", text, flags=re.I)
    return text.replace(" at ", " ")


# (The minus sign escaped: "[+-−]" is a range from "+" to U+2212, which read the ", 4" of
# "10:15 GMT, 4 March 2025" as an offset of four hours.)
_GMT_OFFSET = re.compile(r"\(?\b(?:GMT|UTC)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?\)?")


def _iso_offset(match: re.Match[str]) -> str:
    sign = "-" if match.group(1) in "-−" else "+"
    return f"{sign}{int(match.group(2)):02d}:{match.group(3) or '00'}"


def find_date_line(text: str) -> str | None:
    """The first visible date that gives a time ("Published: Nov. 16, 2024 10:30 a.m.
    EST") in ``text``, else the first that gives the day: a site's bar with today's date
    ("Friday 23 October 2026") often comes before the story's "Published on: 23/10/2026 -
    11:25"."""
    first = None
    for match in DATE_LINE.finditer(text[:5000]):
        candidate = match.group(0).strip(" ,-–")
        if parse_date(candidate) is None:
            continue
        if has_time(candidate):
            return candidate
        first = first or candidate
    return first


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


def source_zone(source: SourceSpec) -> tzinfo | None:
    """The source's ``timezone`` (checked at start-up), for times printed without a zone."""
    return ZoneInfo(source.timezone) if source.timezone else None


def has_time(raw: str | None) -> bool:
    """Whether a printed date gives the time of day, not only the day. Midnight on the dot
    ("00:00:00 +0500") is how feeds print a day without a time: it is not one."""
    if not raw:
        return False
    text = _OFFSET.sub(" ", raw)  # "+05:00" is a zone, not a time of day
    return any(not _MIDNIGHT.match(m.group(0)) for m in _CLOCK.finditer(text))


def has_day(raw: str | None) -> bool:
    """Whether a printed date names its day at all: "Updated 3:10 p.m. EDT" does not."""
    if not raw:
        return False
    return bool(_YEAR.search(raw) or _DAY_MONTH.search(raw) or _NUMERIC.search(raw))


# A month's name beside a day's number, either way round ("Jun 25", "25 juin").
_DAY_MONTH = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH}", re.I)
_MIDNIGHT = re.compile(r"^0?0[:h.]00$")
_OFFSET = re.compile(r"[+\-−]\d{2}:?\d{2}\b")


def choose_published(
    listed: list[datetime | None],
    now: datetime,
    *,
    listed_precise: bool = True,
    page: datetime | None = None,
    page_precise: bool = False,
) -> datetime:
    """The most precise date wins. The feed's or listing's date (the first of ``listed``
    that survives ``clamp_date``) unless it gives only the day and the article page gives a
    time on that day; ``now`` when nothing is known."""
    first = next((v for v in (clamp_date(c, now) for c in listed) if v is not None), None)
    shown = clamp_date(page, now)
    if first is not None and (listed_precise or shown is None or not page_precise):
        return first
    if shown is not None and (first is None or abs(shown - first) <= SAME_DAY):
        return shown
    return first or now

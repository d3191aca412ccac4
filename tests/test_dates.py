"""Dates: the most precise wins, zones printed or configured, abbreviations in context."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ingest import dates
from ingest.dates import choose_published, find_date_line, has_time, parse_date

NOW = datetime(2025, 7, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        ("Posted on Saturday, 20 Jan 2024 at 12:10 pm (SGT)", None, utc(2024, 1, 20, 4, 10)),
        ("Published: 4 March 2025 14:05 JST", None, utc(2025, 3, 4, 5, 5)),
        ("12.05.2025 | 09:41 CET", None, utc(2025, 5, 12, 8, 41)),
        ("Published: 4 March 2025 14:05 WIB", None, utc(2025, 3, 4, 7, 5)),
        ("Published: 4 March 2025 14:05 WITA", None, utc(2025, 3, 4, 6, 5)),
        # CST is US Central by default, China's on a page whose source is in Shanghai.
        ("21 Jan 2025 at 11:12 am (CST)", None, utc(2025, 1, 21, 17, 12)),
        ("21 Jan 2025 at 11:12 am (CST)", "Asia/Shanghai", utc(2025, 1, 21, 3, 12)),
        # No zone printed: the source's timezone, else UTC.
        ("20 June 2025, 17:00 h", "America/Lima", utc(2025, 6, 20, 22, 0)),
        ("20 June 2025, 17:00 h", None, utc(2025, 6, 20, 17, 0)),
        # Month names in other languages, and the words between a date's parts.
        ("12 de marzo de 2026 · 14:05 (hora de Lima)", "America/Lima", utc(2026, 3, 12, 19, 5)),
        ("Publié le mardi 21 avril 2026 à 15 h 10", "Europe/Zurich", utc(2026, 4, 21, 13, 10)),
        ("4 de março de 2026, às 10h30", "America/Sao_Paulo", utc(2026, 3, 4, 13, 30)),
        ("Published at midnight, Thursday 2 April 2026", "Asia/Dubai", utc(2026, 4, 1, 20, 0)),
        ("12 noon, 5 March 2026", "Asia/Dubai", utc(2026, 3, 5, 8, 0)),
        ("Updated at 8:30 p.m. Hanoi time, March 9, 2026", "Asia/Ho_Chi_Minh",
         utc(2026, 3, 9, 13, 30)),
        # A numeric date with the year last: day first, except where the zone is American.
        ("12/03/2026", "America/Lima", utc(2026, 3, 12, 5, 0)),
        ("12/03/2026", "America/New_York", utc(2026, 12, 3, 5, 0)),
        ("2026-03-12", "America/Lima", utc(2026, 3, 12, 5, 0)),
        # Real pages' forms (a battery of 40 from memory): a clock with a dot, the zone
        # before the date, a US zone without its season (winter, then summer).
        ("Tue 4 Mar 2025 10.15 GMT", None, utc(2025, 3, 4, 10, 15)),
        ("10:15 GMT, 4 March 2025", None, utc(2025, 3, 4, 10, 15)),
        ("Mar. 4, 2025 10:15 a.m. ET", None, utc(2025, 3, 4, 15, 15)),
        ("July 4, 2025 10:15 a.m. PT", None, utc(2025, 7, 4, 17, 15)),
        ("04.03.2025 10:15 MSK", None, utc(2025, 3, 4, 7, 15)),
    ],
)  # fmt: skip
def test_printed_dates(raw: str, zone: str | None, expected: datetime) -> None:
    assert parse_date(raw, ZoneInfo(zone) if zone else None) == expected


@pytest.mark.parametrize(
    ("raw", "timed"),
    [("30 Jun 2025", False), ("2025-06-30", False), ("04.03.2025", False),
     ("30 Jun 2025 14:05", True), ("2025-06-30T14:05:00Z", True), ("4 pm", True),
     ("20 June 2025, 17:00 h", True), ("Tue, 01 Apr 2026 00:00:00 +0500", False),
     ("2026-04-01T00:00:00+05:00", False), ("2026-04-01T14:15:00-05:00", True)],
)  # fmt: skip
def test_has_time(raw: str, timed: bool) -> None:
    assert has_time(raw) is timed


def test_a_listing_day_gives_way_to_the_page_time_on_that_day() -> None:
    day = utc(2025, 6, 30)
    page = utc(2025, 6, 30, 7, 42)
    assert choose_published([day], NOW, listed_precise=False, page=page, page_precise=True) == page
    # A page time on another day is another date (a "last updated"): the listing stands.
    other = utc(2025, 6, 2, 7, 42)
    assert choose_published([day], NOW, listed_precise=False, page=other, page_precise=True) == day
    # A precise feed date is never replaced.
    feed = utc(2025, 6, 30, 9, 0)
    assert choose_published([feed], NOW, page=page, page_precise=True) == feed
    assert choose_published([None], NOW, page=page, page_precise=True) == page
    assert choose_published([], NOW) == NOW


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Published: 14 August 2025, 10:20 (GMT+5)", utc(2025, 8, 14, 5, 20)),
        ("3 May 2025 10:00 UTC-3", utc(2025, 5, 3, 13, 0)),
        ("3 May 2025 10:00 GMT+05:30", utc(2025, 5, 3, 4, 30)),
    ],
)
def test_gmt_offsets_mean_ahead_of_utc(raw: str, expected: datetime) -> None:
    # dateutil reads "GMT+5" the POSIX way (behind UTC); news pages never mean that.
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Mon, 02 Mar 2026 09:15:00 +0300",
        "Tue, 3 Mar 2026 23:59:59 -0530",
        "02 Mar 2026 09:15 GMT",
        "Thu, 29 Feb 2024 12:00:00 Z",
    ],
)
def test_rfc822_dates_read_directly_as_dateutil_reads_them(raw: str) -> None:
    # RSS dates skip dateutil (ten times the cost); the answer must not change.
    slow = dates.dateparser.parse(
        dates._tidy(raw), parserinfo=dates._NAMES, default=dates._DEFAULT, fuzzy=True
    )
    assert dates._rfc822(raw) == slow
    assert dates.parse_date(raw) == slow.astimezone(UTC)


def test_other_zone_names_and_impossible_dates_are_left_to_dateutil() -> None:
    assert dates._rfc822("Mon, 02 Mar 2026 09:15:00 EST") is None
    # dateutil knows no "UT": the time is then read in the source's zone, as before.
    assert dates._rfc822("Wed, 04 Mar 2026 00:00:00 UT") is None
    assert dates.parse_date("Mon, 02 Mar 2026 09:15:00 EST") is not None
    assert dates._rfc822("Mon, 31 Feb 2026 09:15:00 +0000") is None


def test_a_date_line_with_a_time_wins_over_an_earlier_day() -> None:
    # A site's bar with today's date, then the story's own line, day first by its zone.
    text = "Friday 23 October 2026 | English ... Published on: 23/10/2026 - 11:25 Text"
    line = find_date_line(text)
    assert line == "Published on: 23/10/2026 - 11:25"
    assert parse_date(line, ZoneInfo("Africa/Bujumbura")) == utc(2026, 10, 23, 9, 25)
    assert find_date_line("Friday 23 October 2026 | English") == "Friday 23 October 2026"

"""Counts over time for the operator's status page: stories per source per day, and stories
and new clusters per hour.

Stories are counted by ``first_seen_at`` (when communique got them, which is what says a
source is delivering), through its index. The bucket (a UTC day or hour) is computed in SQL
so a month of a busy store comes back as a few hundred rows, not every story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ingest.store.schema import clusters, sources, stories

_FORMATS = {  # unit → (SQLite strftime, PostgreSQL to_char, Python strptime)
    "day": ("%Y-%m-%d", "YYYY-MM-DD", "%Y-%m-%d"),
    "hour": ("%Y-%m-%d %H", "YYYY-MM-DD HH24", "%Y-%m-%d %H"),
}


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime  # the hour's start, UTC
    stories: int  # stories first seen in that hour
    clusters: int  # clusters (distinct news events) created in that hour


def _bucket(conn: sa.Connection, column: Any, unit: str) -> sa.ColumnElement[str]:
    sqlite_fmt, pg_fmt, _ = _FORMATS[unit]
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), pg_fmt)
    return sa.func.strftime(sqlite_fmt, column)  # stored as naive UTC text


def _start(text: str, unit: str) -> datetime:
    return datetime.strptime(text, _FORMATS[unit][2]).replace(tzinfo=UTC)


def _floor(moment: datetime, unit: str) -> datetime:
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if unit == "day" else moment


def stories_per_day(conn: sa.Connection, end: datetime, days: int = 30) -> dict[str, list[int]]:
    """For each source with stories in the window, the stories first seen on each of the
    ``days`` UTC days that end with ``end``'s day, oldest first."""
    first = _floor(end, "day") - timedelta(days=days - 1)
    day = _bucket(conn, stories.c.first_seen_at, "day").label("day")
    query = (
        sa.select(sources.c.name, day, sa.func.count().label("n"))
        .join(sources, sources.c.id == stories.c.source_id)
        .where(stories.c.first_seen_at >= first, stories.c.first_seen_at <= end)
        .group_by(sources.c.name, day)
    )
    out: dict[str, list[int]] = {}
    for name, text, n in conn.execute(query):
        index = (_start(text, "day") - first).days
        if 0 <= index < days:
            out.setdefault(name, [0] * days)[index] += int(n)
    return out


def per_hour(conn: sa.Connection, end: datetime, hours: int = 48) -> list[HourCount]:
    """Stories first seen and clusters created in each of the ``hours`` UTC hours that end
    with ``end``'s hour, oldest first.

    A cluster is created with its first story, so the clusters are found through the
    window's stories (the ``first_seen_at`` index), never by scanning every cluster; one
    merged into another since is not counted: it is no longer a separate event."""
    first = _floor(end, "hour") - timedelta(hours=hours - 1)
    in_window = (stories.c.first_seen_at >= first, stories.c.first_seen_at <= end)
    story_hour = _bucket(conn, stories.c.first_seen_at, "hour").label("h")
    counted: dict[str, sa.Select[str, int]] = {
        "stories": sa.select(story_hour, sa.func.count()).where(*in_window).group_by(story_hour),
        "clusters": _clusters_query(conn, first, end, in_window),
    }
    series = {kind: [0] * hours for kind in counted}
    for kind, query in counted.items():
        for text, n in conn.execute(query):
            index = int((_start(text, "hour") - first).total_seconds() // 3600)
            if 0 <= index < hours:
                series[kind][index] += int(n)
    return [
        HourCount(first + timedelta(hours=i), series["stories"][i], series["clusters"][i])
        for i in range(hours)
    ]


def _clusters_query(
    conn: sa.Connection, first: datetime, end: datetime, in_window: tuple[Any, ...]
) -> sa.Select[str, int]:
    recent = sa.select(stories.c.cluster_id).where(*in_window, stories.c.cluster_id.is_not(None))
    hour = _bucket(conn, clusters.c.created_at, "hour").label("h")
    return (
        sa.select(hour, sa.func.count())
        .where(clusters.c.id.in_(recent))
        .where(clusters.c.created_at >= first, clusters.c.created_at <= end)
        .group_by(hour)
    )

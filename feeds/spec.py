"""Output feed definitions: the feeds side's view of ``[[feeds]]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Group = Literal["cluster", "article"]


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One output feed and its filters.

    ``include`` and ``exclude`` hold case-insensitive keywords matched as whole words in the
    title and body; an entry written as ``/pattern/`` is a regular expression instead.
    """

    slug: str
    title: str
    description: str = ""
    group: Group = "cluster"
    limit: int = 50
    language: str = "en"
    topics: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # parties to the story (ISO alpha-2, or EU)
    mentions: tuple[str, ...] = ()  # any country the story names
    organizations: tuple[str, ...] = ()  # blocs and bodies named: EU, NATO, UN, ...
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_score: float = 0.0


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """What the renderer needs to know about where it is served (``[server]``, ``[websub]``)."""

    base_url: str  # absolute, ends with "/"
    title: str = "communique"
    hub: str | None = None  # a WebSub hub URL, announced in every feed when set
    archive_page_size: int = 50  # items per RFC 5005 archive page

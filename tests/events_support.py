"""The events battery: reports of one event and hard negatives, split by outlet family.

``tests/fixtures/events/<half>/`` holds one file per event in ``tests/fixtures/clusters``'
layout (``bench/dedupe_quality.py`` reads it): every report of the event (wire, syndicated
copies, rewrites, independent reports, updates, analyses, reactions), and files of one or
two reports of a different event written to be mistaken for one of them. Each half was
written by its own author, from a description of what one event is, without sight of the
rules or of the other halves; ``HALVES`` says which tune and which are held out.

Unlike the clusters corpus, every article goes through the real normalizer (tagging
included, so clustering reads the countries the tagger finds) before ``assign_cluster``,
in order of publication, into a fresh SQLite store.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import dedupe_quality as quality
from ingest.dedupe_params import DedupeParams
from ingest.model import RawItem, SourceSpec, Story
from ingest.normalize import normalize

ROOT = Path(__file__).resolve().parent / "fixtures" / "events"
# Tuning halves may be read and tuned on; held-out halves are measured, never read.
HALVES = {
    "a": "tuning",
    "c": "tuning",
    "e": "tuning",
    "b": "held out",
    "d": "held out",
    "f": "held out",
}
NOW = datetime(2027, 1, 1, tzinfo=UTC)  # after every event: the figures do not age


def articles(half: str) -> list[quality.Labeled]:
    return quality.load_corpus(ROOT / half)


def normalized(article: quality.Labeled) -> Story:
    """The story the pipeline would store for the article as a full-text feed item."""
    html = "".join(f"<p>{p}</p>" for p in article.body.split("\n\n"))
    item = RawItem(
        source=article.outlet,
        guid=article.url,
        url=article.url,
        title=article.title,
        content_html=html,
        published=article.published.astimezone(UTC),
        language="en",
        feed_title=article.outlet,
    )
    spec = SourceSpec(
        name=article.outlet,
        url=f"https://{article.outlet.replace(' ', '').lower()}.example/feed",
        outlet=article.outlet,
        full_text=False,
        language="en",
    )
    return normalize(item, None, spec, now=NOW, key=article.url)


def measure(half: str, params: DedupeParams | None = None) -> quality.Quality:
    """Pair precision and recall of the clusters the half's articles end in."""
    arts = articles(half)
    stories = [normalized(a) for a in arts]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'events.db'}"
        assigned = quality.cluster_stories(arts, stories, url, params or DedupeParams())
    return quality.evaluate(arts, assigned)

"""The CPU-heavy half of ingesting an item: extract its page, normalize, fingerprint.

Pure functions of their arguments, run in the process pool. This module imports no store,
fetcher or HTTP client: a spawned worker loads only what digesting needs. Work is sent to
the pool a batch of a source's items at a time (``digest_batch``), so what is sent once per
source (the source's spec, the dedupe parameters, the blocks it repeats) crosses the
process boundary once, not once per item.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime

from ingest.dedupe import DedupeParams, fingerprint
from ingest.errors import CommuniqueError, ExtractError
from ingest.extract import extract_article
from ingest.html_tree import html_to_text
from ingest.model import Article, Digest, DigestJob, Fetched, RawItem, SourceSpec, Story
from ingest.normalize import normalize
from ingest.teaser import cut_off, feed_html_of


def digest_batch(
    jobs: Sequence[DigestJob],
    spec: SourceSpec,
    params: DedupeParams,
    repeated: frozenset[int] = frozenset(),
) -> list[Digest | CommuniqueError]:
    """``digest_and_fingerprint`` of each job, in order; an item's own fault (a page that
    is no article, an item with no text) is returned in its place and loses only that item.
    Anything else is a bug, and raises."""
    out: list[Digest | CommuniqueError] = []
    for job in jobs:
        try:
            out.append(
                digest_and_fingerprint(job.item, job.page, spec, job.key, job.now, params, repeated)
            )
        except CommuniqueError as e:
            out.append(e)
    return out


def digest_item(
    item: RawItem,
    page: Fetched | None,
    spec: SourceSpec,
    key: str,
    now: datetime,
    repeated: frozenset[int] = frozenset(),
) -> Story:
    """Extract the item's page, then normalize."""
    article = choose_article(item, page, spec)
    return normalize(item, article, spec, now=now, key=key, repeated=repeated)


def digest_and_fingerprint(
    item: RawItem,
    page: Fetched | None,
    spec: SourceSpec,
    key: str,
    now: datetime,
    params: DedupeParams,
    repeated: frozenset[int] = frozenset(),
) -> Digest:
    """``digest_item``, then the story's dedupe fingerprint: the CPU-heavy half of
    clustering, done here so the one store writer only seeks and writes."""
    story = digest_item(item, page, spec, key, now, repeated)
    return Digest(story, fingerprint(story.title, story.body_text, params))


def choose_article(item: RawItem, page: Fetched | None, spec: SourceSpec) -> Article | None:
    """The extracted page, or None when there is none, it is not an article but the feed has
    text, or (full_text = "auto") the feed's own text is longer."""
    if page is None:
        return None
    feed_html = feed_html_of(item)
    try:
        article = extract_article(page, spec.article)
    except ExtractError:
        if not feed_html.strip():
            raise
        return None
    if (
        spec.full_text == "auto"
        and _text_len(feed_html) > _text_len(article.body_html)
        and not cut_off(html_to_text(feed_html))
    ):
        return dataclasses.replace(article, body_html=feed_html)
    return article


_TAG = re.compile(r"<[^>]*>")


def _text_len(html: str) -> int:
    # A rough measure is enough to tell a summary from a full text.
    return len(" ".join(_TAG.sub(" ", html).split()))

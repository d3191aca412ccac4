"""What the pipeline sends to the process pool, named so the heavy modules load only where
the work runs.

Parsing feeds, extraction, cleaning and tagging (feedparser, BeautifulSoup, lxml, nh3,
py3langid and our rules) are all done in the pool's workers. A function submitted to a
process pool is pickled by its module and name; submitting these instead of the real ones
keeps those modules out of the process that only fetches and stores (bench/ingest_speed.py:
its peak memory and start-up). Without a pool (``workers = 0``, ``communique check``) the
same calls run inline and import on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ingest.dedupe import DedupeParams
    from ingest.errors import CommuniqueError
    from ingest.model import Digest, DigestJob, Fetched, ParsedFeed, SourceSpec


def reads_alone(spec: SourceSpec) -> bool:
    """Is the listing read from its own bytes (``read_one``), fetching nothing more? Such a
    reading is pure, and may run in the process pool."""
    return spec.kind != "sitemap"


def digest_batch(
    jobs: Sequence[DigestJob],
    spec: SourceSpec,
    params: DedupeParams,
    repeated: frozenset[int] = frozenset(),
) -> list[Digest | CommuniqueError]:
    """``ingest.digest.digest_batch``."""
    from ingest import digest

    return digest.digest_batch(jobs, spec, params, repeated)


def read_one(spec: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """``ingest.listing.read_one``."""
    from ingest import listing

    return listing.read_one(spec, fetched)

"""The HTTP edge: httpx and httpcore live in this package and nowhere else."""

import sys

# httpx imports its own command-line tool (click, rich's console, pygments' lexers) when
# those are installed, as rich is here: 6 MB and 4 ms in every process that fetches. A None
# entry makes that one import fail, which httpx expects and answers with a stub ``main``.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from ingest.fetch.client import FEED_ACCEPT, HTML_ACCEPT, Fetcher, parse_retry_after  # noqa: E402
from ingest.fetch.limits import TooLarge, gunzip  # noqa: E402
from ingest.fetch.network import address_refusal  # noqa: E402

__all__ = [
    "FEED_ACCEPT",
    "HTML_ACCEPT",
    "Fetcher",
    "TooLarge",
    "address_refusal",
    "gunzip",
    "parse_retry_after",
]

"""The HTTP edge: httpx and httpcore live in this package and nowhere else."""

from ingest.fetch.client import FEED_ACCEPT, HTML_ACCEPT, Fetcher, parse_retry_after
from ingest.fetch.limits import TooLarge, gunzip
from ingest.fetch.network import address_refusal

__all__ = [
    "FEED_ACCEPT",
    "HTML_ACCEPT",
    "Fetcher",
    "TooLarge",
    "address_refusal",
    "gunzip",
    "parse_retry_after",
]

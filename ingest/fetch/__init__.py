"""The HTTP edge: httpx and httpcore live in this package and nowhere else."""

from ingest.fetch.client import FEED_ACCEPT, HTML_ACCEPT, Fetcher, parse_retry_after
from ingest.fetch.network import address_refusal

__all__ = ["FEED_ACCEPT", "HTML_ACCEPT", "Fetcher", "address_refusal", "parse_retry_after"]

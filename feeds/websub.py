"""WebSub publishing: tell the hub that our feeds changed (W3C WebSub, section 6).

The hub then fetches the topics and pushes them to subscribers. A failed ping must never
stop the daemon: ``ping_hub`` logs the failure and returns False instead of raising.
Standard library HTTP on purpose: ``feeds`` does not import the ingest fetcher.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlencode

from feeds.spec import FeedSpec, SiteSpec
from feeds.urls import FORMATS, absolute, feed_path

log = logging.getLogger(__name__)


def topic_urls(site: SiteSpec, feeds: Sequence[FeedSpec]) -> list[str]:
    """Every subscription document: what to announce after a change."""
    return [absolute(site, feed_path(f.slug, fmt)) for f in feeds for fmt in FORMATS]


def ping_hub(hub: str, topic_urls: Sequence[str], *, timeout: float = 10) -> bool:
    """POST hub.mode=publish for ``topic_urls``; True when the hub accepted (2xx)."""
    if not topic_urls:
        return True
    # hub.url is repeated once per topic; hubs also accept hub.topic, some only that one.
    fields = [("hub.mode", "publish")]
    fields += [("hub.url", url) for url in topic_urls] + [("hub.topic", u) for u in topic_urls]
    request = urllib.request.Request(
        hub,
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as e:
        log.warning("WebSub hub %s refused the publish ping: %s", hub, e)
        return False
    if not ok:
        log.warning("WebSub hub %s answered %s to the publish ping", hub, response.status)
    return ok

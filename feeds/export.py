"""``communique export DIR``: every document the server would send, as static files.

The files are the bytes ``FeedApp`` serves (one ``Documents`` build path for both). Two
layouts are written: the flat one the CLI promises (DIR/<slug>.atom, .rss, .json,
DIR/index.html, DIR/feeds.opml) and the server's own tree (DIR/feeds/<slug>.atom,
DIR/feeds/<slug>/index.html, DIR/feeds/<slug>/archive/<n>.atom and <n>/index.html,
DIR/stories/<cluster id>/index.html for every story a page links to ...), so DIR published at
``base_url`` by any web server keeps every self link and archive link working.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from feeds.documents import Documents
from feeds.spec import FeedSpec, SiteSpec
from feeds.urls import FORMATS, feed_path, story_path


def _file_for(out_dir: Path, site_path: str) -> Path:
    if site_path == "" or site_path.endswith("/"):
        return out_dir / site_path / "index.html"
    return out_dir / site_path


def _write(path: Path, body: bytes) -> Path:
    """Write atomically, so a web server serving DIR never sends half a feed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, path)
    return path


def export_all(
    engine: sa.Engine, feeds: Sequence[FeedSpec], site: SiteSpec, out_dir: Path
) -> list[Path]:
    """Write every document under ``out_dir``; returns the files written."""
    documents = Documents(engine, feeds, site)
    written: list[Path] = []
    linked: set[int] = set()
    for site_path in documents.paths():
        doc = documents.build(site_path)
        if doc is not None:
            written.append(_write(_file_for(out_dir, site_path), doc.body))
            linked.update(doc.stories)
    for cluster_id in sorted(linked):  # every story page a written page links to
        doc = documents.build(story_path(cluster_id))
        if doc is not None:
            written.append(_write(_file_for(out_dir, doc.path), doc.body))
    for spec in feeds:
        for fmt in FORMATS:
            body = (out_dir / feed_path(spec.slug, fmt)).read_bytes()
            written.append(_write(out_dir / f"{spec.slug}.{fmt}", body))
    return written

"""schema.org JSON-LD as pages declare it: the one reader of ``<script type="application/ld+json">``
for article pages (their headline, date, author) and listing pages (their stories)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import lxml.html

LdObject = dict[str, object]


def ld_objects(doc: lxml.html.HtmlElement) -> Iterator[LdObject]:
    """Every JSON-LD object on the page, the nodes of an ``@graph`` included; a script that
    is not JSON is skipped (pages ship broken ones)."""
    for script in doc.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        yield from _flatten(data)


def _flatten(data: object) -> Iterator[LdObject]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph", []))


def ld_text(objects: list[LdObject], key: str) -> str | None:
    """The first non-empty string under ``key``."""
    for obj in objects:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def ld_name(value: object) -> str | None:
    """A Person, Organization, or a list of them, or a plain name, as text."""
    if isinstance(value, list):
        names = [ld_name(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def ld_types(obj: LdObject) -> set[str]:
    """``@type`` as a set of plain names: "NewsArticle", ["NewsArticle", "Article"], or a
    schema.org IRI."""
    value = obj.get("@type")
    names = value if isinstance(value, list) else [value]
    return {n.rsplit("/", 1)[-1] for n in names if isinstance(n, str)}

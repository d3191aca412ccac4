"""The outlets corpus is well formed: every label can be checked against what is served.

These checks read the labels and the served files only, never what communique makes of
them, so they may run on the held-out halves without telling anyone tuning rules anything
about their content. A failure names the outlet and the article's URL, not its text.
"""

from __future__ import annotations

import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.outlets_support import OUTLETS, CorpusServer

ISO = re.compile(r"^[A-Z]{2}$")
ORGANIZATIONS = {
    "EU", "NATO", "ASEAN", "AU", "UN", "G7", "G20", "APEC", "OPEC", "Mercosur", "BRICS",
    "SCO", "WTO", "IAEA", "WHO", "IMF", "World Bank", "OSCE", "GCC", "Arab League", "OAS",
    "ECOWAS", "Quad", "AUKUS", "CELAC", "ICC", "ICJ", "Commonwealth",
}  # fmt: skip
KINDS = {"wire", "syndicated", "rewrite", "independent", "update", "original", "hard-negative"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class _Text(HTMLParser):
    """The visible text of a page, whitespace folded (script and style left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _fold(text: str) -> str:
    # Whitespace is dropped, not folded: inline markup ("year.<a>[1]</a>") and block
    # boundaries would otherwise disagree about where a space goes.
    return "".join(text.split())


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return _fold("".join(parser.parts))


def _outlets() -> list[Path]:
    return sorted(
        outlet
        for half in sorted(OUTLETS.iterdir())
        if half.is_dir()
        for outlet in half.iterdir()
        if (outlet / "labels.json").is_file()
    )


@pytest.mark.parametrize("outlet", _outlets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_outlet_is_well_formed(outlet: Path) -> None:
    doc = json.loads((outlet / "labels.json").read_text(encoding="utf-8"))
    source = tomllib.loads((outlet / "source.toml").read_text(encoding="utf-8"))["sources"][0]
    server = CorpusServer(outlet.parent)
    try:
        base = server.base
        entry = server.answer(source["url"].replace("{{BASE}}", base).removeprefix(base))
        assert entry[0] == 200, f"{outlet.name}: its source url is not served"
        listing = entry[2].decode("utf-8")
        stories: dict[str, set[str]] = {}
        for article in doc["articles"]:
            url = article["url"].replace("{{BASE}}", base)
            where = f"{outlet.name} {article['url']}"
            assert url in listing or url.rstrip("/") in listing, f"{where}: not in the feed"
            status, _, page = server.answer(url.removeprefix(base))
            assert status == 200, f"{where}: article page not served"
            text = _visible(page.decode("utf-8"))
            _check_label(article, where)
            for n, paragraph in enumerate(article["body"]):
                assert _fold(paragraph) in text, f"{where}: body paragraph {n} not on the page"
            for field in ("junk_head", "junk_tail"):
                for n, junk in enumerate(article[field]):
                    assert _fold(junk) in text, f"{where}: {field}[{n}] not on the page"
            stories.setdefault(article["story"], set()).add(article["url"])
    finally:
        server.close()


def _check_label(article: dict[str, object], where: str) -> None:
    assert STAMP.match(str(article["published"])), f"{where}: published is not UTC with Z"
    assert article["kind"] in KINDS, f"{where}: unknown kind"
    assert isinstance(article["diplomacy"], bool), f"{where}: diplomacy is not a bool"
    assert article["body"] and all(isinstance(p, str) and p.strip() for p in article["body"])
    for field in ("parties", "mentions"):
        codes = article[field]
        assert isinstance(codes, list)
        assert codes == sorted(codes), f"{where}: {field} not sorted"
        bad = [c for c in codes if not ISO.match(c)]
        assert not bad, f"{where}: {field} has codes that are not ISO alpha-2: {bad}"
    parties = set(article["parties"]) - {"EU"}  # type: ignore[call-overload]
    missing = parties - set(article["mentions"])  # type: ignore[call-overload]
    assert not missing, f"{where}: parties not in mentions: {sorted(missing)}"
    orgs = set(article["organizations"])  # type: ignore[call-overload]
    assert orgs <= ORGANIZATIONS, f"{where}: organizations off the list: {orgs - ORGANIZATIONS}"
    if "EU" in article["parties"]:  # type: ignore[operator]
        assert "EU" in orgs, f"{where}: EU a party but not in organizations"

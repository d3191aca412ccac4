"""Arbitrary feed bytes: stored or refused with our own error, and outputs stay well-formed
and inert. Inputs the fuzzer (bench/fuzz.py) once broke us with are replayed here."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_support import check_feed_bytes

FOUND = Path(__file__).parent / "fixtures" / "fuzz"
SEEDS = Path(__file__).parent / "fixtures" / "feeds"

_PIECES = [
    "<",
    ">",
    "&",
    "&#xD800;",
    "&#0;",
    "]]>",
    "\u202e",
    "<b>",
    "&lt;script&gt;",
    "<script>alert(1)</script>",
    "javascript:x",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
]
_TEXT = st.lists(
    st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(_PIECES), max_size=6
).map("".join)


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    """RSS documents whose item fields are arbitrary text, entities and markup."""
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title, body, date, link = (draw(_TEXT) for _ in range(4))
        items.append(
            f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description>{body}</description></item>"
        )
    doc = '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>' + "".join(items)
    return (doc + "</channel></rss>").encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feeds())
def test_structured_feeds(body: bytes) -> None:
    check_feed_bytes(body)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(body: bytes) -> None:
    check_feed_bytes(body)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(SEEDS.iterdir())), st.integers(0, 4000), st.binary(max_size=40))
def test_seed_feeds_with_bytes_spliced_in(seed: Path, at: int, junk: bytes) -> None:
    data = seed.read_bytes()
    check_feed_bytes(data[:at] + junk + data[at:])


@pytest.mark.parametrize(
    "path", sorted(FOUND.glob("*.bin")), ids=lambda p: p.name[:16]
)  # fmt: skip
def test_what_the_fuzzer_found(path: Path) -> None:
    check_feed_bytes(path.read_bytes())

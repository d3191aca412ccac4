"""Blocks a source repeats at the end of its stories: its own boilerplate, however worded.

The tail rules (``ingest.tail``) know appended material by its form and wording, and a new
outlet words its disclaimer, app prompt or "Republish this article" its own way. What every
outlet's boilerplate shares is that it is the same on every story: a short block that ends
the stories of three or more different reports from one source is the site's, not the
story's. Different reports: the stories sharing it must share less than half their
paragraphs, so three versions of one story (an update, a re-post, a write-through under a
new lead) never make their own paragraphs look like boilerplate.

Pure: normalization records each story's ``Ending`` (its blocks before the tail was cut),
the pipeline gathers those of a batch and of the source's latest stored stories,
``repeated`` decides, and the tail rules use the answer.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ingest.model import Ending
from ingest.wordcount import size

MIN_STORIES = 3  # different reports a block must end before it counts as the source's
MAX_WORDS = 60  # longer blocks are prose, whatever repeats them
TAIL_WINDOW = 12  # the last paragraphs of a story looked at
SAME_REPORT = 0.5  # paragraphs two stories share (Jaccard) from which they are one report

_MARKS = re.compile(r"[*_#>]+")


def block_hash(text: str) -> int:
    """A block's identity: case, whitespace and markdown marks ignored."""
    folded = " ".join(_MARKS.sub(" ", text).split()).casefold()
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "big")


def ending(blocks: Sequence[str]) -> Ending:
    """A story's ``Ending`` from its blocks (paragraphs); the first is never its tail."""
    texts = [b for b in blocks if b.strip()]
    hashes = [block_hash(b) for b in texts]
    short = [h for b, h in zip(texts[1:], hashes[1:], strict=True) if size(b) <= MAX_WORDS]
    return Ending(frozenset(hashes), tuple(short[-TAIL_WINDOW:]))


def paragraphs(body_text: str) -> list[str]:
    return body_text.split("\n\n")


def repeated(endings: Iterable[Ending]) -> frozenset[int]:
    """The blocks that end MIN_STORIES or more different reports: stories that share
    less than half their paragraphs (a write-through with a new lead shares the rest)."""
    holders: dict[int, list[Ending]] = defaultdict(list)
    for e in endings:
        for h in set(e.tail):
            holders[h].append(e)
    return frozenset(h for h, held in holders.items() if _different(held) >= MIN_STORIES)


def _different(endings: list[Ending]) -> int:
    """How many of ``endings`` are pairwise different reports (counted greedily)."""
    kept: list[frozenset[int]] = []
    for e in endings:
        if all(_overlap(e.blocks, k) < SAME_REPORT for k in kept):
            kept.append(e.blocks)
            if len(kept) >= MIN_STORIES:
                break
    return len(kept)


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common) if a or b else 1.0


def needs_another_look(body_text: str, found: frozenset[int]) -> bool:
    """Whether a story's tail holds a block ``found`` says is the source's."""
    return bool(found) and any(h in found for h in ending(paragraphs(body_text)).tail)

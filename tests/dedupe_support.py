"""The labeled clustering corpus, shared by the dedupe and cluster-store tests."""

from __future__ import annotations

from bench import dedupe_quality as quality

CORPUS = quality.load_corpus()


def article(event: str, role: str, n: int = 0):  # type: ignore[no-untyped-def]
    """The ``n``-th article of ``event`` in ``role`` (original, copy, rewrite, ...)."""
    return [a for a in CORPUS if a.event == event and a.role == role][n]

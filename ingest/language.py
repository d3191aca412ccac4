"""Language: declared tags normalised to ISO 639-1, else detected offline with py3langid
(its model ships inside the package; nothing is downloaded)."""

from __future__ import annotations

import functools
import re

from py3langid.langid import LanguageIdentifier

MIN_CHARS = 40  # below this a guess is noise
MIN_CONFIDENCE = 0.5
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def normalize_tag(tag: str | None) -> str | None:
    """ "en-US", "EN_gb", "en" → "en"; None for something that is not a language tag."""
    if not tag:
        return None
    match = _TAG.match(tag.strip())
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` when the guess is confident, else None."""
    sample = " ".join(text.split()[:120])[:800]  # enough for a confident guess; cost grows with it
    if len(sample) < MIN_CHARS:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= MIN_CONFIDENCE else None


@functools.cache
def _identifier() -> LanguageIdentifier:
    # Loading the model takes a moment; it is immutable, so one copy per process is enough.
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)

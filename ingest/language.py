"""Language: declared tags normalised to ISO 639-1, else detected offline with py3langid
(its model ships inside the package; nothing is downloaded)."""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
from pathlib import Path

from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)
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
    # Most of the moment is decompressing it (0.26 of 0.37 s here), which each process of
    # the pool paid again: from an uncompressed copy in the user's cache, 0.17 s against 0.34
    # (imports included).
    try:
        return _from_cache(cache_dir())
    except Exception as e:  # any trouble with the copy (disk full, read-only, a new layout)
        log.debug("language model cache not used: %s", e)
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def cache_dir() -> Path:
    """Where the uncompressed model is kept: ``COMMUNIQUE_CACHE_DIR``, else the user's
    cache (``XDG_CACHE_HOME`` or ``~/.cache``) under ``communique``."""
    chosen = os.environ.get("COMMUNIQUE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "communique"


def _from_cache(directory: Path) -> LanguageIdentifier:
    """The packaged model, read from its uncompressed copy in ``directory``, which is
    written first if missing. The copy's name holds py3langid's version and the packaged
    file's size and time, so an upgrade writes a new one."""
    import lzma
    from importlib.metadata import version

    import numpy as np
    from py3langid import langid
    from py3langid.modelio import _to_array

    packaged = langid.MODEL_DIR / langid.MODEL_FILE
    stat = packaged.stat()
    copy = directory / f"py3langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if not copy.exists():
        directory.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f"{copy.name}.{os.getpid()}.part")
        try:
            with lzma.open(packaged) as src, open(partial, "wb") as out:
                shutil.copyfileobj(src, out, length=1 << 20)
            os.replace(partial, copy)  # whole or absent, whichever process wins
        finally:
            partial.unlink(missing_ok=True)
    with np.load(copy, allow_pickle=False) as data:
        return LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _to_array(data["nextmove"]),
            data["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_to_array(data["nextmove_row"]),
        )

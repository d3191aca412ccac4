"""Language detection's model: read from an uncompressed copy in the user's cache, with
the same answers as the packaged model, and the packaged one when the copy cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import language

TEXTS = [
    "The foreign ministers met in Lima on Tuesday to discuss the future of the lake.",
    "Les ministres se sont réunis mardi à Lima pour parler de l'avenir du lac.",
    "Die Außenminister trafen sich am Dienstag in Lima, um über den See zu sprechen.",
    "外務大臣は火曜日にリマで会談し、湖の将来について話し合った。",
]


def test_the_cached_copy_answers_as_the_packaged_model(tmp_path: Path) -> None:
    from py3langid.langid import _load_identifier

    packaged = _load_identifier(norm_probs=True)
    first = language._from_cache(tmp_path)  # writes the copy
    (copy,) = tmp_path.iterdir()
    written = copy.stat().st_mtime_ns
    again = language._from_cache(tmp_path)  # reads it
    assert copy.stat().st_mtime_ns == written and copy.suffix == ".npz"
    for text in TEXTS:
        assert first.classify(text) == again.classify(text) == packaged.classify(text)


def test_a_broken_copy_falls_back_to_the_packaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    language._from_cache(tmp_path)
    (copy,) = tmp_path.iterdir()
    copy.write_bytes(b"not a model")
    with pytest.raises(ValueError):
        language._from_cache(tmp_path)
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", str(tmp_path))
    fresh = language._identifier.__wrapped__()  # the cached-per-process one, called anew
    assert fresh.classify(TEXTS[1])[0] == "fr"


def test_the_cache_directory_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", "/srv/cache")
    assert language.cache_dir() == Path("/srv/cache")
    monkeypatch.delenv("COMMUNIQUE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/me")
    assert language.cache_dir() == Path("/var/cache/me/communique")

"""Deduplication and story clustering, the pure half: fingerprints, pair scores, decisions.

Levels 3 to 5 of the architecture are decided here from plain data; ``ingest.store.clusters``
does the lookups and writes.  A story gets two MinHash signatures:

- the *text* signature over word shingles of the normalized body (levels 3-4: copies and
  near-verbatim syndication), banded for LSH without regard to time, and
- the *event* signature over its salient terms (names, acronyms, numbers, title words), banded
  with the story's time bucket mixed in, so an event lookup only meets stories of nearby days
  and its cost does not grow with the age of the store (level 5: rewrites and independent
  reports of one event).

Signatures use a 64-bit mixer (splitmix64's finalizer) over seeded shingle hashes, computed
with numpy; the stored values are the low 32 bits, enough to estimate Jaccard similarity.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import re
import struct
import sys
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import numpy as np

from ingest import headline, pair_model
from ingest.acts import answers, directed_acts
from ingest.dedupe_params import DedupeParams

EVENT_BAND_BASE = 1000  # lsh_bands.band numbers of event bands start here
# MH1 and MH2 blobs (fewer features) were only ever in stores made before migration 0001
# last changed, which had to be recreated; a blob without this mark is unreadable.
_MAGIC = b"MH3"  # the two signatures, then the scoring features (see pack_signatures)
_FIELD, _ITEM = "\x1e", "\x1f"  # separators no feature can contain (they are not \w)
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
T = TypeVar("T")
R = TypeVar("R")


# --- text -----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
# A sentence ends at . ! or ? before blanks (a closing quote or bracket between them is
# dropped); the mark is captured, so that splitting keeps it with its sentence.
_SENTENCE_END = re.compile(r"([.!?])[\"'”’)]?\s+")
_POSSESSIVE = re.compile(r"['’]s$")
# A capitalised word or a number: \b(?:[A-Z][\w'’-]*|\d[\d.,]*%?), written to start with a
# plain character class, which the regex engine scans for quickly (a third faster).
_CAP_TOKEN = re.compile(r"[A-Z\d](?<!\w[A-Z\d])(?:(?<=[A-Z])[\w'’-]*|(?<=\d)[\d.,]*%?)")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that name no actor: titles, calendar words, pronouns, newsroom words.
_NOT_ACTORS = _wordset(
    """
    i mr mrs ms dr sir president prime minister ministers ministry secretary foreign affairs
    chancellor premier king queen prince general state states vice deputy chief envoy
    ambassador spokesperson spokesman spokeswoman senator leader leaders head government
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december the a an and but or he she it
    they we this that these those his her its their in on at of for to by with as after
    before while when if update updated editor note reporting writing additional
    """
)
_STOPWORDS = _wordset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same says said she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your new amid over after says say
    """
)


def normalize_text(text: str) -> str:
    """Case-folded, compatibility-normalized text: the form shingles and hashes see."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(normalize_text(text))


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text.strip())  # sentence, its mark, sentence, ...
    return [s for s in map(str.__add__, parts[::2], [*parts[1::2], ""]) if s]


class _Memo(Generic[T]):
    """A string -> value table shared by all stories: news vocabulary repeats, so most
    tokens of a story were seen before.  Bounded: when it would pass ``limit`` entries a new
    table replaces it.  A table is never cleared in place, only dropped, so one that
    ``table_for`` returned holds its keys for as long as its caller reads it (threads too).
    """

    __slots__ = ("limit", "make", "table")

    def __init__(self, make: Callable[[str], T], limit: int = 1 << 16) -> None:
        self.make = make
        self.limit = limit
        self.table: dict[str, T] = {}

    def table_for(self, keys: set[str]) -> dict[str, T]:
        """A table holding every key of ``keys``."""
        table = self.table
        missing = keys.difference(table)
        if missing:
            if len(table) + len(missing) > self.limit:
                table = self.table = {}
                missing = keys
            make = self.make
            for key in missing:
                table[key] = make(key)
        return table

    def collect(self, keys: Collection[str], into: Callable[[Iterator[T]], R]) -> R:
        """``into`` the values of ``keys``, in order: at C speed when all are known."""
        try:
            return into(map(self.table.__getitem__, keys))
        except KeyError:
            table = self.table_for(set(keys))
            return into(map(table.__getitem__, keys))


def actors(text: str) -> frozenset[str]:
    """Names in ``text``: capitalised words that are not sentence-initial, and numbers.

    A sentence-initial word counts when the text also capitalises it mid-sentence, so
    "Chinese President Xi ..." keeps "chinese" only if "Chinese" recurs inside a sentence.
    """
    return _actors_of(sentences(text))


def _actors_of(sentences: Iterable[str]) -> frozenset[str]:
    """``actors`` of the text split into ``sentences``."""
    inner: set[str] = set()  # the raw tokens, their actor forms below
    initial: set[str] = set()
    for sentence in sentences:
        tokens = _CAP_TOKEN.findall(sentence)
        if not tokens:
            continue
        # Only a sentence's first match can be its initial word: at 0, or within 2 (a quote).
        first = _CAP_TOKEN.search(sentence)
        if first is not None and first.start() <= 2:
            initial.add(tokens[0])
            inner.update(tokens[1:])
        else:
            inner.update(tokens)
    names = _ACTOR_FORMS.collect(inner, set)
    names.update(t for t in _ACTOR_FORMS.collect(initial, list) if t[:1].isdigit())
    names.discard("")
    return frozenset(names)


def _content_of(tokens: Iterable[str]) -> frozenset[str]:
    content = _CONTENT_FORMS.collect(set(tokens), set)
    content.discard("")
    return frozenset(content)


def _content_form(w: str) -> str:
    """The content word ``w`` stands for, or "" when it is none (it is never empty)."""
    if len(w) >= 4 and w not in _STOPWORDS and not w.isdigit():
        return w.removesuffix("s")
    return ""


def _actor_form(token: str) -> str:
    """ "China's", "Beijing-based" and "China" name one actor."""
    token = normalize_text(token).strip(".,'’-")
    token = _POSSESSIVE.sub("", token)
    return token.removesuffix("-based")


def _actor_name(token: str) -> str:
    """``_actor_form`` of ``token``, or "" when that names no actor."""
    form = _actor_form(token)
    return "" if form in _NOT_ACTORS else form


_ACTOR_FORMS: _Memo[str] = _Memo(_actor_name)
_CONTENT_FORMS: _Memo[str] = _Memo(_content_form)


def lead_actors(title: str, body: str, whole: frozenset[str] | None = None) -> frozenset[str]:
    """The names a story is about: those of its title and first two sentences (``whole``:
    the names of the body, when the caller has them already)."""
    whole = actors(body) if whole is None else whole
    lead = _actors_of(_lead(sentences(body)))
    in_title = {w for w in words(title) if w in whole}
    return frozenset(lead | in_title)


def _lead(split: Sequence[str]) -> list[str]:
    """The sentences of the first two of ``split`` joined, as ``actors`` always read them."""
    return sentences(" ".join(split[:2]))


# Words that introduce a person by office: "President Joe Biden", "PM Ishiba".
_OFFICES = _wordset(
    """
    president president-elect minister pm premier chancellor king queen prince princess
    emir sheikh pope secretary secretary-general governor senator ambassador envoy mr mrs ms
    dr general admiral chairman chairwoman leader spokesperson spokesman spokeswoman
    """
)
_TOKEN = re.compile(r"[\w'’.-]+")


def principals(title: str, body: str) -> frozenset[str]:
    """The people a story is about: persons the body introduces by office ("President Joe
    Biden") whom its title names.  Each is kept as its name's words, space-joined.

    Two reports of one meeting name its principals; a report of another meeting at the same
    summit has one that the first never names (see ``conflict``)."""
    return _principals_of(words(title), sentences(body))


def _principals_of(title_words: Iterable[str], sentences: Iterable[str]) -> frozenset[str]:
    in_title = set(title_words)
    return frozenset(
        " ".join(sorted(person)) for person in _holders_of(sentences) if person & in_title
    )


def _office_holders(text: str) -> set[frozenset[str]]:
    """Runs of capitalised words right after an office word, as sets of name words."""
    return _holders_of(sentences(text))


def _is_office(token: str) -> bool:
    return normalize_text(token).strip(".") in _OFFICES


class _OfficeTokens:
    """Which tokens are office words, remembered as ``_Memo`` does (bounded; sets that were
    handed out are only ever added to), kept as two sets to be looked up a text at a time."""

    __slots__ = ("known", "limit")

    def __init__(self, limit: int = 1 << 16) -> None:
        self.limit = limit
        self.known: tuple[set[str], set[str]] = (set(), set())  # offices, other tokens

    def among(self, tokens: set[str]) -> set[str]:
        offices, others = self.known
        new = tokens.difference(offices, others)
        if new:
            if len(offices) + len(others) + len(new) > self.limit:
                offices, others = self.known = (set(), set())
                new = tokens
            for token in new:
                (offices if _is_office(token) else others).add(token)
        return tokens & offices


_OFFICE_TOKENS = _OfficeTokens()


def _holders_of(sentences: Iterable[str]) -> set[frozenset[str]]:
    """``_office_holders`` of the text split into ``sentences``."""
    split = [_TOKEN.findall(sentence) for sentence in sentences]
    offices = _OFFICE_TOKENS.among(set().union(*split))
    if not offices:  # a run starts after an office word: none, no run
        return set()
    runs: list[list[str]] = []  # raw tokens; their actor forms below
    for tokens in split:
        if offices.isdisjoint(tokens):
            continue
        run: list[str] | None = None
        for token in [*tokens, ""]:  # "" ends the last run
            office = token in offices
            if run is not None and token[:1].isupper() and not office:
                run.append(token)
                # "Biden's" ends the name (_POSSESSIVE: a token holds no line break).
                if not token.endswith(("'s", "’s")):
                    continue
            if run:
                runs.append(run)
            run = [] if office else None
    if not runs:
        return set()
    names = _ACTOR_FORMS.table_for(set().union(*runs))
    found = {frozenset(map(names.__getitem__, run)) - {""} for run in runs}
    return {person for person in found if person}


def _title_terms(title_words: Iterable[str]) -> frozenset[str]:
    # A name never holds ":", so these never collide with the names they are joined to.
    return frozenset("t:" + w for w in title_words if w not in _STOPWORDS and len(w) > 2)


@dataclass(frozen=True, slots=True)
class Features:
    """What scoring reads from a story's text. Computed once, when the story is fingerprinted,
    and stored with its signatures: scoring a candidate never re-reads its body."""

    actors: frozenset[str]
    lead_actors: frozenset[str]
    terms: frozenset[str]
    content: frozenset[str]
    principals: frozenset[str] = frozenset()
    acts: frozenset[str] = frozenset()  # the headline's directed acts (``ingest.acts``)
    # The states and bodies the headline names outright, and by a capital or demonym only
    # (``ingest.headline``).
    named: frozenset[str] = frozenset()
    alluded: frozenset[str] = frozenset()
    venues: frozenset[str] = frozenset()  # the towns the headline places its event in


def features(title: str, body_text: str, body_words: Sequence[str] | None = None) -> Features:
    """``body_words``: ``words(body_text)``, when the caller has them already."""
    split = sentences(body_text)  # read once, for names, lead names and principals
    names = _actors_of(split)
    title_words = words(title)
    body_words = words(body_text) if body_words is None else body_words
    lead = _actors_of(_lead(split))
    named, alluded = headline.named(title, body_text)
    return Features(
        actors=names,
        lead_actors=lead | {w for w in title_words if w in names},
        terms=names | _title_terms(title_words),
        # words(title + "\n\n" + body): no word spans the blank line, and NFKC and casefold
        # treat its two sides apart, so the two lists are simply joined.
        content=_content_of([*title_words, *body_words]),
        principals=_principals_of(title_words, split),
        acts=directed_acts(title, body_text),
        named=named,
        alluded=alluded,
        venues=headline.venues(title),
    )


# --- MinHash ---------------------------------------------------------------------------------


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: a fast, well-spread 64-bit hash (wraps modulo 2**64)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_K1, _K2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix_into(x: np.ndarray, scratch: np.ndarray) -> None:
    """``x[...] = _mix(x)``, in place, with ``scratch`` (x's shape) for the shifts."""
    np.right_shift(x, _S30, out=scratch)
    np.bitwise_xor(x, scratch, out=x)
    np.multiply(x, _K1, out=x)
    np.right_shift(x, _S27, out=scratch)
    np.bitwise_xor(x, scratch, out=x)
    np.multiply(x, _K2, out=x)
    np.right_shift(x, _S31, out=scratch)
    np.bitwise_xor(x, scratch, out=x)


def _digest(token: str) -> bytes:
    # blake2b, not hash(): signatures are stored, so they must not depend on PYTHONHASHSEED.
    return hashlib.blake2b(token.encode(), digest_size=8).digest()


_DIGESTS: _Memo[bytes] = _Memo(_digest)


def _token_hashes(tokens: Sequence[str]) -> np.ndarray:
    joined = _DIGESTS.collect(tokens, b"".join)
    return np.frombuffer(joined, dtype="<u8").astype(np.uint64)


def shingle_hashes(tokens: Sequence[str], k: int) -> np.ndarray:
    """Distinct 64-bit hashes of the ``k``-word shingles (order-sensitive within a shingle)."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    hashes = _token_hashes(tokens)
    k = min(k, len(tokens))
    span = len(tokens) - k + 1
    out = hashes[:span].copy()  # 0 ^ the first token's hash
    scratch = np.empty_like(out)
    _mix_into(out, scratch)
    for j in range(1, k):
        np.bitwise_xor(out, hashes[j : j + span], out=out)
        _mix_into(out, scratch)
    # np.unique(out), but sorting in place costs a tenth of it on arrays this small.
    out.sort()
    distinct = np.empty(span, dtype=np.bool_)
    distinct[0] = True
    np.not_equal(out[1:], out[:-1], out=distinct[1:])
    return out[distinct]


@functools.lru_cache(maxsize=64)
def _seeds(n: int, salt: int) -> np.ndarray:
    seeds = _mix(np.arange(n, dtype=np.uint64) + np.uint64(salt * 0x9E3779B97F4A7C15 & (2**64 - 1)))
    seeds.flags.writeable = False  # shared by every caller
    return seeds


# minhash mixes every (seed, hash) pair, a block of seeds at a time, in two buffers of at
# most this many 64-bit values, kept per thread: the largest arrays of a fingerprint were
# freshly mapped and faulted in on every call (above malloc's mmap threshold), and the
# block stays in the CPU cache.  Measured 1.2-4x faster than all pairs at once.
_MINHASH_BLOCK = 1 << 15
_buffers = threading.local()


def _minhash_buffers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Two scratch arrays of ``size`` uint64 values, reused by this thread when they fit."""
    if size > _MINHASH_BLOCK:  # one seed's row of a very long text: not kept
        return np.empty(size, dtype=np.uint64), np.empty(size, dtype=np.uint64)
    kept: tuple[np.ndarray, np.ndarray] | None = getattr(_buffers, "kept", None)
    if kept is None:
        kept = _buffers.kept = (
            np.empty(_MINHASH_BLOCK, dtype=np.uint64),
            np.empty(_MINHASH_BLOCK, dtype=np.uint64),
        )
    return kept[0][:size], kept[1][:size]


def minhash(hashes: np.ndarray, num_perm: int, salt: int = 1) -> np.ndarray:
    """MinHash signature (uint32 × num_perm) of a set of 64-bit hashes; empty set → empty."""
    if hashes.size == 0:
        return np.empty(0, dtype=np.uint32)
    seeds = _seeds(num_perm, salt)
    n = hashes.size
    rows = max(1, min(num_perm, _MINHASH_BLOCK // n))
    flat, flat_scratch = _minhash_buffers(rows * n)
    block, scratch = flat.reshape(rows, n), flat_scratch.reshape(rows, n)
    mins = np.empty(num_perm, dtype=np.uint64)
    for i in range(0, num_perm, rows):
        part = seeds[i : i + rows]
        x, s = block[: part.size], scratch[: part.size]
        np.bitwise_xor(hashes[None, :], part[:, None], out=x)
        _mix_into(x, s)
        np.min(x, axis=1, out=mins[i : i + part.size])
    return (mins & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def jaccard(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is missing)."""
    if a is None or b is None or a.size == 0 or a.size != b.size:
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size


def band_hashes(signature: np.ndarray, bands: int, salt: int = 0) -> list[int]:
    """One signed 64-bit hash per band (so PostgreSQL's BIGINT takes it)."""
    if signature.size == 0:
        return []
    rows = signature.reshape(bands, -1).astype(np.uint64)
    h = _seeds(bands, 7 + salt).copy()
    scratch = np.empty_like(h)
    for j in range(rows.shape[1]):
        np.bitwise_xor(h, rows[:, j], out=h)
        _mix_into(h, scratch)
    return list(h.view(np.int64).tolist())


def time_bucket(published: datetime, window_hours: float) -> int:
    return int(published.timestamp() // (window_hours * 3600))


# --- fingerprints ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A story's two signatures and their LSH band hashes."""

    text_sig: np.ndarray
    event_sig: np.ndarray
    text_bands: tuple[int, ...]
    event_bands: tuple[int, ...]
    features: Features


def fingerprint(title: str, body_text: str, params: DedupeParams) -> Fingerprint:
    tokens = words(body_text)
    feats = features(title, body_text, tokens)
    text_sig = minhash(shingle_hashes(tokens, params.shingle_size), params.num_perm, salt=1)
    terms = sorted(feats.terms)
    event_sig = minhash(_token_hashes(terms), params.event_perm, salt=2) if terms else text_sig[:0]
    return Fingerprint(
        text_sig=text_sig,
        event_sig=event_sig,
        text_bands=tuple(band_hashes(text_sig, params.bands)),
        event_bands=tuple(band_hashes(event_sig, params.event_bands, salt=1)),
        features=feats,
    )


def pack_signatures(fp: Fingerprint) -> bytes:
    """The ``stories.minhash`` blob: a small header, both signatures (little-endian), then
    the features as UTF-8 text: nine fields (names, lead names, title terms, content words,
    principals, acts, the headline's states named outright and alluded to, its venues),
    each a sorted list of strings. Blobs written before acts were kept have five fields,
    before the headline's states six, before its venues eight: read, they have none."""
    head = _MAGIC + struct.pack("<HH", fp.text_sig.size, fp.event_sig.size)
    f = fp.features
    fields = (
        *(f.actors, f.lead_actors, f.terms - f.actors, f.content, f.principals, f.acts),
        *(f.named, f.alluded, f.venues),
    )
    text = _FIELD.join(_ITEM.join(sorted(field)) for field in fields)
    sigs = fp.text_sig.astype("<u4").tobytes() + fp.event_sig.astype("<u4").tobytes()
    return head + sigs + text.encode()


@dataclass(frozen=True, slots=True)
class Stored:
    """What a ``stories.minhash`` blob holds: the text signature (None when made with other
    params) and the features (None when the blob is missing or unreadable)."""

    text_sig: np.ndarray | None
    features: Features | None


def unpack(blob: bytes | None, params: DedupeParams) -> Stored:
    if not blob or blob[:3] != _MAGIC or len(blob) < 7:
        return Stored(None, None)
    return _unpack(blob, params.num_perm)


# A recent story is a candidate of many later ones, and decoding its features cost more
# than the rest of scoring it; keyed by the blob's bytes, so a revised story is decoded anew.
# What it returns is shared: callers never modify it.  The words are interned, so the word
# sets of many stories share their strings: with 4,096 entries a cold 200-feed run
# (bench/ingest_speed.py's web, 4,000 stories) spent 13% less CPU in the writer's process
# than with 1,024, for 15 MB more at peak (without interning, 8,192 took 250 MiB).
@functools.lru_cache(maxsize=4096)
def _unpack(blob: bytes, num_perm: int) -> Stored:
    n_text, n_event = struct.unpack("<HH", blob[3:7])
    sigs_end = 7 + 4 * (n_text + n_event)
    if len(blob) < sigs_end:
        return Stored(None, None)  # cut short (a recovered store): read from the text
    sig = None
    if n_text == num_perm:
        sig = np.frombuffer(blob, dtype="<u4", count=n_text, offset=7).astype(np.uint32)
    return Stored(sig, _unpack_features(blob[sigs_end:]))


def _unpack_features(data: bytes) -> Features | None:
    try:
        fields = data.decode().split(_FIELD)
    except UnicodeDecodeError:
        return None
    if len(fields) not in (5, 6, 8, 9):
        return None
    names, lead, title, content, heads, *rest = (
        frozenset(map(sys.intern, f.split(_ITEM))) if f else frozenset() for f in fields
    )
    acts, named, alluded, venues = (*rest, *[frozenset[str]()] * 4)[:4]
    return Features(
        actors=names,
        lead_actors=lead,
        terms=names | title,
        content=content,
        principals=heads,
        acts=acts,
        named=named,
        alluded=alluded,
        venues=venues,
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """What scoring needs to know about one story."""

    story_id: int
    cluster_id: int | None
    published: datetime
    content_hash: str
    countries: frozenset[str]
    text_sig: np.ndarray | None
    actors: frozenset[str]
    lead_actors: frozenset[str]
    terms: frozenset[str]
    content: frozenset[str]
    principals: frozenset[str] = frozenset()
    acts: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()  # the headline's states and bodies (``Features``)
    alluded: frozenset[str] = frozenset()
    venues: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # ``headline_names``, read once per profile


def interned(p: Profile) -> Profile:
    """The profile with its words interned, as a stored blob's are read: a profile kept for
    many lookups then shares its strings with every other story's (its own, unpickled from
    the process pool, are copies)."""

    def words(field: frozenset[str]) -> frozenset[str]:
        return frozenset(map(sys.intern, field))

    return dataclasses.replace(
        p,
        actors=words(p.actors),
        lead_actors=words(p.lead_actors),
        terms=words(p.terms),
        content=words(p.content),
        principals=words(p.principals),
        acts=words(p.acts),
        named=words(p.named),
        alluded=words(p.alluded),
    )


def profile_of(
    story_id: int,
    cluster_id: int | None,
    published: datetime,
    content_hash: str,
    countries: Iterable[str],
    text_sig: np.ndarray | None,
    feats: Features,
) -> Profile:
    """A profile from features already computed (the story's own, or a stored blob's)."""
    return Profile(
        story_id=story_id,
        cluster_id=cluster_id,
        published=published,
        content_hash=content_hash,
        countries=frozenset(countries),
        text_sig=text_sig,
        actors=feats.actors,
        lead_actors=feats.lead_actors,
        terms=feats.terms,
        content=feats.content,
        principals=feats.principals,
        acts=feats.acts,
        named=feats.named,
        alluded=feats.alluded,
        venues=feats.venues,
        names=_headline_names(feats.actors, feats.terms),
    )


@dataclass(frozen=True, slots=True)
class Match:
    """Evidence that a story belongs with a candidate: level 3 (exact text), 4 (near-verbatim
    copy) or 5 (same event); ``score`` orders matches, higher is stronger."""

    story_id: int
    cluster_id: int
    level: int
    score: float

    @property
    def strong(self) -> bool:
        """Copies (levels 3-4) are strong: a copy of two clusters' texts proves them one."""
        return self.level <= 4


def _set_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not (a or b):
        return 0.0
    # |a ∪ b| from the sizes: building the union cost as much as the intersection.
    common = len(a & b) if len(a) <= len(b) else len(b & a)
    return common / (len(a) + len(b) - common)


def _coverage(lead: frozenset[str], other: frozenset[str]) -> float:
    return len(lead & other) / len(lead) if lead else 0.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """How alike two reports are beyond their wording: what they talk about (content words),
    whom they name (names, places, numbers, title words) and whether each names the other's
    leading actors (the weaker of the two coverages)."""

    words: float
    names: float
    cover: float


def event_evidence(new: Profile, cand: Profile) -> Evidence:
    cover = min(_coverage(new.lead_actors, cand.actors), _coverage(cand.lead_actors, new.actors))
    return Evidence(
        words=_set_jaccard(new.content, cand.content),
        names=_set_jaccard(new.terms, cand.terms),
        cover=cover,
    )


def conflict(a: Profile, b: Profile) -> bool:
    """Are both stories about people, and is ``a`` about someone ``b`` never names?

    Reports of one meeting all name the people its headline is about: "Xi and Biden meet"
    and "Xi meets Ishiba" at the same summit share the place, the day and most names, but
    the second never names Biden.  A story about no one in particular (a clash, a treaty
    text) is not held against a later "Marcos says ..." about it."""
    return bool(_unnamed_principals(a, b))


def headlines_apart(a: Profile, b: Profile) -> bool:
    """Does each headline name a party the other's never names, or place its event in
    another town (``ingest.headline``)?"""
    return headline.apart((a.named, a.alluded), (b.named, b.alluded)) or headline.elsewhere(
        a.venues, b.venues
    )


def _mentions(p: Profile, name: Sequence[str]) -> bool:
    # Names that only start sentences are not actors, but they are still content words
    # (plural "s" folded) or title words.
    return any(
        w in p.actors or w.removesuffix("s") in p.content or "t:" + w in p.terms for w in name
    )


def same_event(ev: Evidence, params: DedupeParams) -> bool:
    return (
        ev.words >= params.event_similarity
        and ev.names >= params.actor_similarity
        and ev.cover >= params.actor_coverage
    )


def pair_features(a: Profile, b: Profile) -> dict[str, float]:
    """The evidence ``ingest.pair_model`` weighs, symmetric in ``a`` and ``b``."""
    covers = (_coverage(a.lead_actors, b.actors), _coverage(b.lead_actors, a.actors))
    hours = abs((a.published - b.published).total_seconds()) / 3600
    named = a.actors & b.actors if len(a.actors) <= len(b.actors) else b.actors & a.actors
    return {
        "words": _set_jaccard(a.content, b.content),
        "names": _set_jaccard(a.terms, b.terms),
        "cover": min(covers),
        "cover_max": max(covers),
        "countries": _set_jaccard(a.countries, b.countries),
        "acts": _set_jaccard(a.acts, b.acts),
        "log_hours": math.log1p(hours),
        "shared_numbers": math.log1p(sum(1 for w in named if w[:1].isdigit())),
    }


def event_probability(a: Profile, b: Profile) -> float:
    return pair_model.probability(pair_features(a, b))


def corroborates(a: Profile, b: Profile, params: DedupeParams) -> bool:
    """May a story that is one event with both ``a`` and ``b`` join their clusters?

    Reports of one event do not all clear the event bar with each other (a rewrite and an
    independent report may share little), so which clusters form would depend on who came
    first.  A third report that matches both settles it, but only when the two are close on
    their own (``bridge_share`` of each threshold) and about the same people: a round-up
    that names two meetings must not weld them."""
    hours = abs((a.published - b.published).total_seconds()) / 3600
    if hours > params.window_hours or conflict(a, b) or conflict(b, a):
        return False
    if headlines_apart(a, b):
        return False
    if answers(a.acts, b.acts):
        return False
    if a.countries and b.countries and not a.countries & b.countries:
        return False
    close = _near_event(event_evidence(a, b), params)
    return close or (params.event_model and event_probability(a, b) >= params.event_probability)


def _near_event(ev: Evidence, params: DedupeParams) -> bool:
    """Does the evidence reach ``bridge_share`` of each of the event bar's thresholds?"""
    share = params.bridge_share
    return (
        ev.words >= share * params.event_similarity
        and ev.names >= share * params.actor_similarity
        and ev.cover >= share * params.actor_coverage
    )


def score_pair(new: Profile, cand: Profile, params: DedupeParams) -> Match | None:
    """Does ``new`` belong with ``cand``? None when the evidence is not strong enough."""
    if cand.cluster_id is None:
        return None
    hours = abs((new.published - cand.published).total_seconds()) / 3600
    if new.content_hash == cand.content_hash:
        return Match(cand.story_id, cand.cluster_id, 3, 2.0)
    text = jaccard(new.text_sig, cand.text_sig)
    if text >= params.near_duplicate and hours <= params.duplicate_window_hours:
        if headlines_apart(new, cand):
            return None  # one template filled in for other parties: a ceremony, a readout
        return Match(cand.story_id, cand.cluster_id, 4, 1.0 + text)
    if hours > params.window_hours:
        return None
    if new.countries and cand.countries and not new.countries & cand.countries:
        return None
    if conflict(new, cand) or conflict(cand, new):
        return None
    if headlines_apart(new, cand):
        return None  # a follow-up or a parallel event: another party in the headline
    if answers(new.acts, cand.acts):
        return None  # a measure answered in kind: two events, however alike
    rule = _rule_scores(new, cand, params) or _named_scores(new, cand, params)
    if rule is not None:
        return Match(cand.story_id, cand.cluster_id, 5, sum(rule) / 2)
    if not params.event_model:
        return None
    f = pair_features(new, cand)
    if pair_model.probability(f) < params.event_probability:
        return None
    return Match(cand.story_id, cand.cluster_id, 5, (f["words"] + f["names"]) / 2)


def headline_names(p: Profile) -> frozenset[str]:
    """The names a headline gives that its story names too, but for those that recur across
    events (``headline.common_names``: states, capitals, blocs): "Nakri" of "Typhoon Nakri
    kills at least 11", "Chancay" of "... speed up Chancay customs"."""
    return p.names


def _headline_names(actors: frozenset[str], terms: frozenset[str]) -> frozenset[str]:
    common = headline.common_names()
    return frozenset(
        w for w in actors if "t:" + w in terms and not w[:1].isdigit() and w not in common
    )


def _named_scores(new: Profile, cand: Profile, params: DedupeParams) -> tuple[float, float] | None:
    """Two headlines that give one name of their own (a storm's, a port's, a person's) make
    an event of evidence at ``bridge_share`` of each threshold, as a third report does for
    two (``corroborates``): an update ("Nakri death toll rises to 32") shares less with the
    first report than a copy does."""
    if not new.names & cand.names:
        return None
    ev = event_evidence(new, cand)
    return (ev.words, ev.names) if _near_event(ev, params) else None


def _rule_scores(new: Profile, cand: Profile, params: DedupeParams) -> tuple[float, float] | None:
    """``same_event(event_evidence(...))``'s content-word and name similarity when the pair
    meets all three thresholds, cheapest test first: most candidates fail one, and the
    content words are the largest sets."""
    cover = min(_coverage(new.lead_actors, cand.actors), _coverage(cand.lead_actors, new.actors))
    if cover < params.actor_coverage:
        return None
    names = _set_jaccard(new.terms, cand.terms)
    if names < params.actor_similarity:
        return None
    words = _set_jaccard(new.content, cand.content)
    return (words, names) if words >= params.event_similarity else None


def without_answers(
    new: Profile, matches: Iterable[Match], candidates: Iterable[Profile]
) -> list[Match]:
    """``matches`` without the event-level ones into a cluster that holds an act the new
    story answers in kind, or that answers its own (``ingest.acts``). A report of the first
    expulsion that names neither state's act (an analysis, a reaction) matches both
    reports, and would otherwise bring the answer into the first one's cluster."""
    apart = {c.cluster_id for c in candidates if answers(new.acts, c.acts)}
    return [m for m in matches if m.level != 5 or m.cluster_id not in apart]


@dataclass(frozen=True, slots=True)
class Check:
    """One step of ``score_pair`` as an operator reads it: what it looked at, and whether
    the two stories got past it."""

    name: str
    detail: str
    passed: bool


def explain(a: Profile, b: Profile, params: DedupeParams) -> tuple[list[Check], int | None]:
    """The steps ``score_pair`` takes for ``a`` against ``b``, each with what it saw, and
    the level (3-5) at which they are one story, or None when they are kept apart (the
    last step says why). The same decisions as ``score_pair`` (a test holds them together),
    spelled out for ``communique clusters explain``."""
    hours = abs((a.published - b.published).total_seconds()) / 3600
    if a.content_hash == b.content_hash:
        return [Check("same text", "the two texts are identical", True)], 3
    text = jaccard(a.text_sig, b.text_sig)
    copy = text >= params.near_duplicate and hours <= params.duplicate_window_hours
    checks = [
        Check(
            "copy",
            f"text similarity {text:.2f} (a copy from {params.near_duplicate:g}, within "
            f"{params.duplicate_window_hours:g} h; {hours:.1f} h apart)",
            copy,
        )
    ]
    if copy:
        checks.append(_headlines_check(a, b))
        return checks, 4 if checks[-1].passed else None
    checks.append(
        Check("time", f"{hours:.1f} h apart (one event within {params.window_hours:g} h)", True)
    )
    if hours > params.window_hours:
        return [*checks[:-1], dataclasses.replace(checks[-1], passed=False)], None
    shared = sorted(a.countries & b.countries)
    apart = bool(a.countries and b.countries and not shared)
    detail = f"{', '.join(sorted(a.countries)) or '-'} / {', '.join(sorted(b.countries)) or '-'}"
    checks.append(Check("countries named", detail + (": none shared" if apart else ""), not apart))
    if apart:
        return checks, None
    missing = _unnamed_principals(a, b) + _unnamed_principals(b, a)
    checks.append(
        Check("people", f"the other never names {', '.join(missing)}" if missing else
              "each names the people the other's headline is about", not missing)
    )  # fmt: skip
    if missing:
        return checks, None
    checks.append(_headlines_check(a, b))
    if not checks[-1].passed:
        return checks, None
    answered = answers(a.acts, b.acts)
    acts = f"{', '.join(sorted(a.acts)) or '-'} / {', '.join(sorted(b.acts)) or '-'}"
    checks.append(
        Check(
            "answer in kind", acts + (": one answers the other" if answered else ""), not answered
        )
    )
    if answered:
        return checks, None
    checks.append(_event_check(a, b, params))
    return checks, 5 if checks[-1].passed else None


def _headlines_check(a: Profile, b: Profile) -> Check:
    def shown(p: Profile) -> str:
        return ", ".join([*sorted(p.named), *(f"({c})" for c in sorted(p.alluded))]) or "-"

    parties = headline.apart((a.named, a.alluded), (b.named, b.alluded))
    towns = headline.elsewhere(a.venues, b.venues)
    detail = f"{shown(a)} / {shown(b)}"
    if a.venues or b.venues:
        detail += (
            f"; in {', '.join(sorted(a.venues)) or '-'} / {', '.join(sorted(b.venues)) or '-'}"
        )
    why = (": each names a party the other's does not" if parties else
           ": each places its event in another town" if towns else "")  # fmt: skip
    return Check("headlines", detail + why, not (parties or towns))


def _event_check(a: Profile, b: Profile, params: DedupeParams) -> Check:
    ev = event_evidence(a, b)
    one = same_event(ev, params)
    detail = (
        f"content words {ev.words:.2f} (from {params.event_similarity:g}), names "
        f"{ev.names:.2f} (from {params.actor_similarity:g}), lead actors named "
        f"{ev.cover:.2f} (from {params.actor_coverage:g})"
    )
    shared = sorted(headline_names(a) & headline_names(b))
    if not one and shared:
        one = _named_scores(a, b, params) is not None
        detail += (
            f"; both headlines name {', '.join(shared)} (from {params.bridge_share:g} of each)"
        )
    if one or not params.event_model:
        return Check("event", detail, one)
    p = event_probability(a, b)
    detail += f"; the pair model: {p:.2f} (one event from {params.event_probability:g})"
    return Check("event", detail, p >= params.event_probability)


def _unnamed_principals(a: Profile, b: Profile) -> list[str]:
    """``a``'s principals that ``b`` never names, when ``b`` has some (``conflict``)."""
    if not b.principals:
        return []
    return sorted(p for p in a.principals if not _mentions(b, p.split()))


def anchored(
    match: Match, new: Profile, representative: Profile | None, params: DedupeParams
) -> bool:
    """May an event-level match bring ``new`` into the matched story's cluster?

    Only when ``new`` matched the cluster's representative itself, or also matches it
    (``score_pair``).  Event matches are looser than copies, and joining on any one member's
    say-so chains: A is like B, B like C, ... until a week of stories about the same people
    reads as one event.  Tying every event join to the representative bounds a cluster in
    time (within ``window_hours`` of it) and in substance.  Copies (levels 3-4) join on
    their own evidence."""
    if match.level != 5 or representative is None:
        return True
    if representative.story_id == match.story_id:
        return True
    return score_pair(new, representative, params) is not None


@dataclass(frozen=True, slots=True)
class Decision:
    """Join ``target`` (None: open a new cluster) and fold ``merge`` clusters into it."""

    target: int | None
    merge: tuple[int, ...] = ()


def decide(
    matches: Iterable[Match],
    blocked: frozenset[int] = frozenset(),
    bridges: Callable[[Match, Match], bool] | None = None,
) -> Decision:
    """The best match's cluster wins; other clusters matched by a copy merge into it, and
    so do clusters matched as the same event when ``bridges(best, other)`` says the two
    matched stories corroborate each other.

    ``blocked`` clusters (an operator split the story out of them) are never joined.
    Which id survives a merge is the store's business (the older one).
    """
    best: dict[int, Match] = {}
    for m in matches:
        if m.cluster_id in blocked:
            continue
        if m.cluster_id not in best or m.score > best[m.cluster_id].score:
            best[m.cluster_id] = m
    if not best:
        return Decision(None)
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.cluster_id))
    top = ranked[0]
    others = [
        m.cluster_id
        for m in ranked[1:]
        if (m.strong and top.strong) or (bridges is not None and bridges(top, m))
    ]
    return Decision(top.cluster_id, tuple(sorted(others)))


# --- the representative ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A cluster member as the representative rule sees it."""

    story_id: int
    outlet: str
    published: datetime
    word_count: int
    attributions: tuple[str, ...] = ()


COMPLETE_SHARE = 0.8  # a member this long relative to the longest counts as full text


def is_pickup(member: Member) -> bool:
    """A text that credits other outlets (and not its own) is a rewrite or a pick-up."""
    own = member.outlet.casefold()
    return any(own not in a.casefold() and a.casefold() not in own for a in member.attributions)


def representative(members: Sequence[Member]) -> int:
    """The most complete original: full text first, then not a pick-up of another outlet's
    report, then the earliest published, then the longest; the lowest id breaks ties."""
    if not members:
        raise ValueError("a cluster without members has no representative")
    longest = max(m.word_count for m in members)

    def key(m: Member) -> tuple[bool, bool, datetime, int, int]:
        complete = m.word_count >= COMPLETE_SHARE * longest
        return (not complete, is_pickup(m), m.published, -m.word_count, m.story_id)

    return min(members, key=key).story_id

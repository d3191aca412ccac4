"""The outlets corpus (``tests/fixtures/outlets``, FORMAT.md there) run through communique
as an operator would, and scored against its labels.

One run: a real HTTP server on 127.0.0.1 serves a half's outlets, a config file is written
from their ``source.toml`` blocks, ``communique ingest`` runs on it into a fresh SQLite
store, and the stored stories are compared with the labels. Used by ``bench/quality.py``
(both halves, every figure) and by the regression-floor test (tuning half only).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from itertools import combinations
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import unquote

import sqlalchemy as sa

from communique import wiring
from communique.cli import main as cli
from feeds.query import event_topics
from ingest import pipeline
from ingest.store.engine import open_store
from ingest.store.schema import clusters, sources, stories
from ingest.urls import article_identity
from tests.quiet_http import QuietServer

OUTLETS = Path(__file__).parent / "fixtures" / "outlets"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".json": "application/feed+json; charset=utf-8"}  # fmt: skip
_WORD = re.compile(r"\w+")


# --- serving a half ------------------------------------------------------------------------


class CorpusServer:
    """Serves ``<half>/<outlet>/site/`` at ``/<outlet>/``, with ``{{BASE}}`` filled in."""

    def __init__(self, half: Path) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, ctype, body = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.half = half
        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str) -> tuple[int, str, bytes]:
        # As a web server does: "saudi%20arabia" is the folder "saudi arabia".
        parts = unquote(path.split("?", 1)[0]).lstrip("/").split("/", 1)
        if len(parts) < 2 or not (self.half / parts[0] / "site").is_dir():
            return 404, "text/plain", b"not found"
        file = self.half / parts[0] / "site" / parts[1]
        if parts[1] == "" or parts[1].endswith("/") or file.is_dir():
            file = file / "index.html"
        root = (self.half / parts[0] / "site").resolve()
        if not file.resolve().is_relative_to(root) or not file.is_file():
            return 404, "text/plain", b"not found"
        body = file.read_text(encoding="utf-8").replace("{{BASE}}", self.base)
        return 200, TYPES.get(file.suffix, "application/octet-stream"), body.encode("utf-8")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- labels and what was stored ------------------------------------------------------------


# The organizations the labels may name (FORMAT.md): the tagger knows more blocs than these.
LABELLED_ORGANIZATIONS = frozenset(
    ["EU", "NATO", "ASEAN", "AU", "UN", "G7", "G20", "APEC", "OPEC", "Mercosur", "BRICS", "SCO",
     "WTO", "IAEA", "WHO", "IMF", "World Bank", "OSCE", "GCC", "Arab League", "OAS", "ECOWAS",
     "Quad", "AUKUS", "CELAC", "ICC", "ICJ", "Commonwealth"]
)  # fmt: skip


@dataclass(frozen=True)
class Label:
    outlet: str
    url: str
    title: str
    body: list[str]
    dateline: str | None
    published: datetime
    parties: frozenset[str]
    mentions: frozenset[str]
    organizations: frozenset[str]
    diplomacy: bool
    story: str
    kind: str
    junk_head: list[str]
    junk_tail: list[str]


@dataclass(frozen=True)
class Stored:
    url: str
    title: str
    body: str
    dateline: str | None
    published: datetime
    parties: frozenset[str]
    mentions: frozenset[str]
    organizations: frozenset[str]
    topics: frozenset[str]
    cluster: int | None


def labels(half: Path, base: str) -> list[Label]:
    out = []
    for outlet in sorted(p for p in half.iterdir() if (p / "labels.json").is_file()):
        doc = json.loads((outlet / "labels.json").read_text(encoding="utf-8"))
        for a in doc["articles"]:
            out.append(
                Label(
                    outlet=outlet.name,
                    url=a["url"].replace("{{BASE}}", base),
                    title=a["title"],
                    body=a["body"],
                    dateline=a.get("dateline"),
                    published=datetime.fromisoformat(a["published"].replace("Z", "+00:00")),
                    parties=frozenset(a["parties"]),
                    mentions=frozenset(a["mentions"]) - {"EU"},  # a bloc: scored in organizations
                    organizations=frozenset(a["organizations"]),
                    diplomacy=bool(a["diplomacy"]),
                    story=a["story"],
                    kind=a.get("kind", ""),
                    junk_head=a.get("junk_head", []),
                    junk_tail=a.get("junk_tail", []),
                )
            )
    return out


def config_text(half: Path, base: str, store: Path) -> str:
    blocks = [
        (outlet / "source.toml").read_text(encoding="utf-8").replace("{{BASE}}", base)
        for outlet in sorted(half.iterdir())
        if (outlet / "source.toml").is_file()
    ]
    head = (
        f'[store]\nurl = "sqlite:///{store}"\n'
        "[fetch]\nallow_private_networks = true\nper_host_delay = 0\nper_host_concurrency = 8\n"
        "[schedule]\nworkers = 1\n"
        '[log]\nlevel = "ERROR"\n'
    )
    return head + "\n".join(blocks) + '\n[[feeds]]\nslug = "all"\ntitle = "All"\n'


# The ingest runs at this moment, after every article of every half: a date is judged
# against "now" (one in the future is the fetch time), and the figures must not depend on
# the day the bench runs. blind4 and blind5 are set in 2027, two tuning outlets in 2028.
NOW = datetime(2028, 12, 31, tzinfo=UTC)


def ingest_half(half: Path, workdir: Path, base: str) -> dict[str, Stored]:
    """Run ``communique ingest`` on the half's config, its clock at ``NOW``; the stored
    stories by article identity (an AMP page is stored under the canonical article it
    names)."""
    store = workdir / "store.db"
    config = workdir / "communique.toml"
    config.write_text(config_text(half, base, store), encoding="utf-8")
    with (
        open(workdir / "ingest.out", "w") as out,
        contextlib.redirect_stdout(out),
        mock.patch.object(wiring, "pipeline_context", _at_now(wiring.pipeline_context)),
    ):
        cli(["--config", str(config), "ingest"])
    engine = open_store(f"sqlite:///{store}")
    try:
        with engine.connect() as conn:
            return _stored(conn)
    finally:
        engine.dispose()


def _at_now(make: Callable[..., pipeline.Context]) -> Callable[..., pipeline.Context]:
    def made(*args: Any, **kwargs: Any) -> pipeline.Context:
        return dataclasses.replace(make(*args, **kwargs), clock=lambda: NOW)

    return made


def _stored(conn: sa.Connection) -> dict[str, Stored]:
    merged = dict(conn.execute(sa.select(clusters.c.id, clusters.c.merged_into)).all())

    def root(cid: int | None) -> int | None:
        while cid is not None and merged.get(cid) is not None:
            cid = merged[cid]
        return cid

    rows = conn.execute(sa.select(stories).join(sources, sources.c.id == stories.c.source_id))
    out = {}
    for r in rows.mappings():
        out[article_identity(r["url"])] = Stored(
            url=r["url"],
            title=r["title"],
            body=r["body_text"],
            dateline=r["dateline"],
            published=r["published_at"],
            parties=frozenset(r["countries"] or ()),
            mentions=frozenset(r["mentions"] or ()),
            # The labels name only FORMAT.md's list; a bloc outside it is not scored.
            organizations=frozenset(r["organizations"] or ()) & LABELLED_ORGANIZATIONS,
            topics=frozenset(r["topics"] or ()),
            cluster=root(r["cluster_id"]),
        )
    return out


@contextlib.contextmanager
def served(half: Path) -> Iterator[CorpusServer]:
    server = CorpusServer(half)
    try:
        yield server
    finally:
        server.close()


# --- scoring ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def token_f1(truth: str, got: str) -> float:
    a, b = tokens(truth), tokens(got)
    if not a and not b:
        return 1.0
    common: dict[str, int] = {}
    for t in a:
        common[t] = common.get(t, 0) + 1
    overlap = 0
    for t in b:
        if common.get(t, 0) > 0:
            common[t] -= 1
            overlap += 1
    if not overlap:
        return 0.0
    p, r = overlap / len(b), overlap / len(a)
    return 2 * p * r / (p + r)


def junk_left(junk: list[str], body: str, story: Sequence[str] = ()) -> list[str]:
    """The junk strings still in ``body``: long ones anywhere, short ones as a paragraph.
    Junk that repeats the story's own words (an FAQ answer that is a body sentence) is left
    only where ``body`` holds it more often than the story itself (``story``: the clean
    paragraphs)."""
    folded = _fold(body)
    paragraphs = [_fold(p) for p in re.split(r"\n+", body) if p.strip()]
    clean = _fold("\n".join(story))
    clean_paragraphs = [_fold(p) for p in story]
    left = []
    for j in junk:
        fj = _fold(j)
        if not fj:
            continue
        anywhere = len(fj.split()) >= 4 and folded.count(fj) > clean.count(fj)
        if anywhere or paragraphs.count(fj) > clean_paragraphs.count(fj):
            left.append(j)
    return left


def starts_with_junk(label: Label, body: str) -> bool:
    """The body begins with the headline again or with something labelled junk_head: its
    first paragraph is one of them, or begins with a long one (a short kicker such as
    "Hurricane Erin" may well begin the story's first sentence too)."""
    first = _fold(next((p for p in re.split(r"\n+", body) if p.strip()), ""))
    for head in (label.title, *label.junk_head):
        h = _fold(head)
        if h and (first == h or (len(h.split()) >= 5 and first.startswith(h))):
            return True
    return False


def lead_kept(label: Label, got: Stored) -> bool:
    """The story's first paragraph survived cleaning: its last words (a cut dateline changes
    only its first) are in the stored text. Cutting a standfirst must not cost a lead."""
    tail = " ".join(tokens(label.body[0])[-8:])
    return tail in " ".join(tokens(_with_dateline(got)))


def ending_kept(label: Label, got: Stored) -> bool:
    """The story's last paragraph survived cleaning: its first words and its last are in the
    stored text. Cutting what follows a story must not cost the story's own ending."""
    words = tokens(label.body[-1])
    text = " ".join(tokens(got.body))
    return " ".join(words[:8]) in text and " ".join(words[-8:]) in text


def _norm_place(place: str | None) -> str:
    return re.sub(r"[^a-z]+", " ", (place or "").casefold()).strip()


@dataclass
class Scores:
    articles: int = 0
    stored: int = 0
    body_f1: list[float] = field(default_factory=list)
    junk_tail: list[bool] = field(default_factory=list)  # per article carrying it: all gone
    junk_head: list[bool] = field(default_factory=list)  # per article: starts clean
    leads: list[bool] = field(default_factory=list)  # per article: first paragraph kept
    endings: list[bool] = field(default_factory=list)  # per article: last paragraph kept
    datelines: list[bool] = field(default_factory=list)
    times: list[bool] = field(default_factory=list)
    tags: dict[str, list[int]] = field(
        default_factory=lambda: {n: [0, 0, 0] for n in ("parties", "mentions", "organizations")}
    )  # name -> [tp, fp, fn]
    diplomacy: list[int] = field(default_factory=lambda: [0, 0, 0])
    # as an output feed's item shows it: any report of the event (feeds.query.event_topics)
    diplomacy_shown: list[int] = field(default_factory=lambda: [0, 0, 0])
    pairs: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, fp, fn
    split: dict[str, list[int]] = field(default_factory=dict)  # parties by kind of story
    misses: list[str] = field(default_factory=list)

    def ratio(self, values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    @staticmethod
    def prf(counts: list[int]) -> tuple[float, float, float]:
        tp, fp, fn = counts
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "articles": self.articles,
            "stored": self.stored,
            "body F1": sum(self.body_f1) / len(self.body_f1) if self.body_f1 else float("nan"),
            "junk_tail removed": self.ratio(self.junk_tail),
            "junk_tail n": len(self.junk_tail),
            "starts clean": self.ratio(self.junk_head),
            "first paragraph kept": self.ratio(self.leads),
            "last paragraph kept": self.ratio(self.endings),
            "dateline found": self.ratio(self.datelines),
            "dateline n": len(self.datelines),
            "time within 2 min": self.ratio(self.times),
        }
        for name, counts in sorted(self.tags.items()):
            out[f"{name} P/R/F1"] = self.prf(counts)
        for name in ("parties, diplomatic", "parties, other"):
            out[f"{name} P/R/F1"] = self.prf(self.split.get(name, [0, 0, 0]))
        out["diplomacy P/R/F1"] = self.prf(self.diplomacy)
        out["diplomacy shown P/R/F1"] = self.prf(self.diplomacy_shown)
        out["cluster pairs P/R/F1"] = self.prf(self.pairs)
        return out


def _count(counts: list[int], truth: frozenset[str], got: frozenset[str]) -> None:
    counts[0] += len(truth & got)
    counts[1] += len(got - truth)
    counts[2] += len(truth - got)


def _flag(counts: list[int], truth: bool, got: bool) -> None:
    counts[0] += got and truth
    counts[1] += got and not truth
    counts[2] += truth and not got


def score(truth: list[Label], stored: dict[str, Stored]) -> Scores:
    s = Scores(articles=len(truth))
    members: dict[int | None, list[Stored]] = {}
    for one in stored.values():
        if one.cluster is not None:
            members.setdefault(one.cluster, []).append(one)
    matched: list[tuple[Label, Stored]] = []
    for label in truth:
        got = stored.get(article_identity(label.url))
        if got is None:
            s.misses.append(label.url)
            continue
        matched.append((label, got))
        s.body_f1.append(token_f1("\n".join(label.body), _with_dateline(got)))
        if label.junk_tail:
            s.junk_tail.append(not junk_left(label.junk_tail, got.body, label.body))
        s.junk_head.append(not starts_with_junk(label, got.body))
        s.leads.append(lead_kept(label, got))
        s.endings.append(ending_kept(label, got))
        if label.dateline:
            s.datelines.append(_norm_place(got.dateline) == _norm_place(label.dateline))
        s.times.append(abs((got.published - label.published).total_seconds()) <= 120)
        for name in ("parties", "mentions", "organizations"):
            _count(s.tags.setdefault(name, [0, 0, 0]), getattr(label, name), getattr(got, name))
        # Where the parties' errors are: stories between states, or one state's own news
        # (where the labels' authors differ on whether its government is a party).
        side = "parties, diplomatic" if label.diplomacy else "parties, other"
        _count(s.split.setdefault(side, [0, 0, 0]), label.parties, got.parties)
        _flag(s.diplomacy, label.diplomacy, "diplomacy" in got.topics)
        shown = event_topics(
            got.topics, [o.topics for o in members.get(got.cluster, ()) if o is not got]
        )
        _flag(s.diplomacy_shown, label.diplomacy, "diplomacy" in shown)
    s.stored = len(matched)
    for (la, ga), (lb, gb) in combinations(matched, 2):
        same_truth = la.story == lb.story
        same_got = ga.cluster is not None and ga.cluster == gb.cluster
        s.pairs[0] += same_truth and same_got
        s.pairs[1] += same_got and not same_truth
        s.pairs[2] += same_truth and not same_got
    return s


def _with_dateline(got: Stored) -> str:
    """The body as the reader sees it: communique shows the dateline before the text."""
    return f"{got.dateline} {got.body}" if got.dateline else got.body


def run_half(half: Path, workdir: Path) -> tuple[Scores, list[Label], dict[str, Stored]]:
    with served(half) as server:
        stored = ingest_half(half, workdir, server.base)
        truth = labels(half, server.base)
    return score(truth, stored), truth, stored

"""Story clusters in the store (SQLite and PostgreSQL): assignment through the LSH band table,
merges, operator overrides, retention, and the ``communique clusters`` commands."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from communique.cli import build_parser
from ingest import dedupe
from ingest.dedupe import DedupeParams
from ingest.errors import StoreError
from ingest.store import cluster_views, lsh, overrides
from ingest.store import clusters as cl
from ingest.store.engine import open_store
from ingest.store.schema import cluster_overrides, clusters, lsh_bands, sources, stories
from ingest.store.stories import insert_story
from tests.dedupe_support import CORPUS, article, quality

PARAMS = DedupeParams()


@pytest.fixture
def engine(store_url):
    eng = open_store(store_url)
    yield eng
    eng.dispose()


def add(conn: sa.Connection, a, **changes) -> int:
    """Insert a corpus article as a story (the pipeline's path) and cluster it."""
    if "body_text" in changes:  # another text: its own fingerprint and hash
        changes["content_hash"] = hashlib.sha256(changes["body_text"].encode()).hexdigest()
        changes["word_count"] = len(changes["body_text"].split())
    story = dataclasses.replace(quality.story_of(a), **changes)
    source_id = conn.execute(
        sa.select(sources.c.id).where(sources.c.name == story.outlet)
    ).scalar_one_or_none()
    if source_id is None:
        source_id = conn.execute(
            sa.insert(sources).values(name=story.outlet, url="https://example.org/feed")
        ).inserted_primary_key[0]
    story_id = insert_story(conn, source_id, story, raw_hash="r", article_key=story.url)
    cl.assign_cluster(conn, story_id, story, PARAMS)
    return story_id


def cluster_of(conn: sa.Connection, story_id: int) -> int:
    return conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).scalar_one()


def cluster_row(conn: sa.Connection, cluster_id: int):
    return conn.execute(sa.select(clusters).where(clusters.c.id == cluster_id)).one()


# --- levels 3 to 5 ---------------------------------------------------------------------------


def test_copies_rewrites_and_reports_join_one_cluster(engine):
    with engine.begin() as conn:
        wire = add(conn, article("xi-ishiba-lima", "wire"))
        copy = add(conn, article("xi-ishiba-lima", "copy"))
        rewrite = add(conn, article("xi-ishiba-lima", "rewrite"))
        report = add(conn, article("xi-ishiba-lima", "report"))
        ids = {cluster_of(conn, s) for s in (wire, copy, rewrite, report)}
        assert len(ids) == 1
        row = cluster_row(conn, ids.pop())
        assert row.size == 4 and row.representative_id == wire


def test_exact_text_under_another_url_joins(engine):
    wire = article("unga-gaza-ceasefire", "wire")
    with engine.begin() as conn:
        first = add(conn, wire)
        second = add(conn, wire, url="https://elsewhere.example/a", key="k2", outlet="Elsewhere")
        assert cluster_of(conn, first) == cluster_of(conn, second)


def test_hard_negatives_get_their_own_clusters(engine):
    with engine.begin() as conn:
        kazan = add(conn, article("modi-xi-kazan", "wire"))
        tianjin = add(conn, article("modi-xi-tianjin-neg", "wire"))  # a year later
        lima = add(conn, article("xi-ishiba-lima", "wire"))
        biden = add(conn, article("xi-biden-lima-neg", "wire"))  # same summit
        june = add(conn, article("second-thomas-shoal-june", "wire"))
        july = add(conn, article("second-thomas-shoal-july-neg", "wire"))  # a month on
        assert len({cluster_of(conn, s) for s in (kazan, tianjin, lima, biden, june, july)}) == 6


_EXPULSION = (
    "Portugal expelled two Moroccan diplomats on Monday, accusing them of spying on Moroccan"
    " dissidents in Lisbon. Morocco's foreign ministry called the expulsion unjustified and"
    " promised a response."
)
_TIT_FOR_TAT = [  # (hours after the first, title, body)
    (0, "Lisbon expels two Moroccan diplomats over spying claims", _EXPULSION),
    (20, "Why the Lisbon expulsions matter", "An analysis. " + _EXPULSION),
    (
        46,
        "Morocco retaliates by expelling two Portuguese diplomats",
        "Morocco expelled two Portuguese diplomats on Wednesday in response to the expulsion"
        " of two Moroccan diplomats accused of spying on Moroccan dissidents in Lisbon, the"
        " foreign ministry said.",
    ),
]


def add_tit_for_tat(conn: sa.Connection) -> list[int]:
    """The expulsion, an analysis of it, and the expulsion that answers it, as stories."""
    base = article("xi-ishiba-lima", "wire")
    return [
        add(
            conn,
            base,
            title=title,
            body_text=body,
            url=f"https://example.org/{n}",
            key=f"k{n}",
            published=base.published + timedelta(hours=hours),
            mentions=("MA", "PT"),
            countries=("MA", "PT"),
        )
        for n, (hours, title, body) in enumerate(_TIT_FOR_TAT)
    ]


def test_an_expulsion_answered_in_kind_gets_its_own_cluster(engine):
    # The analysis names no act, so it matches both reports; the answer must not join the
    # first expulsion's cluster through it.
    with engine.begin() as conn:
        ids = add_tit_for_tat(conn)
        first, essay, answer = (cluster_of(conn, i) for i in ids)
        assert first == essay and answer != first


def test_candidates_come_from_index_lookups_only(sqlite_url):
    # Query plans are read with SQLite's EXPLAIN QUERY PLAN, for every statement SQLite
    # runs (its trace callback: the lookups use the driver's cursor, past SQLAlchemy).
    engine = open_store(sqlite_url)
    seen: list[str] = []

    def record(statement: str) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    with engine.begin() as conn:
        for a in [a for a in CORPUS if a.event != "xi-ishiba-lima"][:12]:
            add(conn, a)
        driver = conn.connection.driver_connection
        driver.set_trace_callback(record)
        try:
            add(conn, article("xi-ishiba-lima", "report"))
        finally:
            driver.set_trace_callback(None)
        plans = [
            str(row[-1])
            for statement in seen
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement)
        ]
    engine.dispose()
    # lsh_bands has no rowid: its primary key is the index the lookups seek in.
    seeks = [p for p in plans if p.startswith("SEARCH lsh_bands")]
    assert seeks and all("(bucket=? AND band=? AND hash=?)" in p for p in seeks), plans
    tables = ("stories", "lsh_bands", "clusters", "cluster_overrides")
    # "SCAN q3" reads one capped subquery's rows; a table scan would name the table.
    assert not [p for p in plans if p.startswith("SCAN") and p.split()[1] in tables], plans


def test_a_chain_of_event_links_does_not_weld_a_cluster(engine, monkeypatch):
    # The scoring is told that b is one event with a, and c with b but not with a: c must
    # not join a's cluster through b, as that cluster's representative is a.
    a, b, c = (
        article("xi-ishiba-lima", "wire"),
        article("xi-ishiba-lima", "report", 0),
        article("xi-ishiba-lima", "report", 1),
    )
    linked = {(b.url, a.url), (c.url, b.url)}
    urls: dict[int, str] = {}
    scored: set[tuple[str, str]] = set()

    def score(new, cand, params):
        pair = (urls.get(new.story_id), urls.get(cand.story_id))
        scored.add(pair)
        return dedupe.Match(cand.story_id, cand.cluster_id, 5, 0.5) if pair in linked else None

    monkeypatch.setattr(dedupe, "score_pair", score)
    with engine.begin() as conn:
        ids = []
        for x in (a, b, c):
            story = quality.story_of(x)
            source_id = conn.execute(
                sa.insert(sources).values(name=x.url, url="https://example.org/feed")
            ).inserted_primary_key[0]
            story_id = insert_story(conn, source_id, story, raw_hash="r", article_key=x.url)
            urls[story_id] = x.url  # known before clustering, for the scoring above
            cl.assign_cluster(conn, story_id, story, PARAMS)
            ids.append(story_id)
        first, second, third = (cluster_of(conn, i) for i in ids)
    assert linked <= scored  # both links were candidates
    assert first == second  # b joined a's cluster: it matched the representative itself
    assert third != first  # c matched only b, not the representative a


def test_index_rows_are_keyed_by_time_window(engine):
    # Rows lead with the story's time bucket, so a lookup reads only the windows that can
    # hold a match: event bands by window_hours, text bands by duplicate_window_hours.
    a = article("xi-ishiba-lima", "wire")
    with engine.begin() as conn:
        first = add(conn, a)
        wire = quality.story_of(a)
        later = add(  # a near-verbatim copy, ten days on
            conn,
            a,
            key="copy",
            url="https://copies.example/1",
            outlet="Copies",
            body_text=wire.body_text + " The talks lasted an hour.",
            published=wire.published + timedelta(days=10),
        )
        rows = conn.execute(sa.select(lsh_bands)).all()
    mine = {s: {(r.bucket, r.band) for r in rows if r.story_id == s} for s in (first, later)}
    assert mine[first] and mine[later]
    event = {s: {b for b, band in keys if band >= 1000} for s, keys in mine.items()}
    text = {s: {b for b, band in keys if band < 1000} for s, keys in mine.items()}
    assert len(event[first]) == len(event[later]) == 1 and event[first] != event[later]
    assert len(text[first]) == 1  # ten days apart: the same 30-day window or the next
    assert abs(next(iter(text[first])) - next(iter(text[later]))) <= 1
    with engine.connect() as conn:  # the copy ten days on is still found by its text
        assert cluster_of(conn, first) == cluster_of(conn, later)


def test_event_lookups_reach_as_many_buckets_as_the_window_spans(engine):
    # Event bands live in buckets of bucket_hours (the store's layout); a window longer than
    # a bucket is read over as many neighbours as it spans: 120 h over 72-hour buckets, two
    # a side. A story 4.5 days on is in a bucket two away from the first.
    params = DedupeParams()
    assert (params.bucket_hours, params.window_hours) == (72.0, 120.0)
    assert lsh.event_reach(params) == 2
    assert lsh.event_reach(dataclasses.replace(params, window_hours=72.0)) == 1
    a = article("xi-ishiba-lima", "wire")
    story = quality.story_of(a)
    fp = dedupe.fingerprint(story.title, story.body_text, params)
    later = dataclasses.replace(story, published=story.published + timedelta(hours=108))
    own = dedupe.time_bucket(story.published, params.bucket_hours)
    looked = {k[0] for k in lsh._lookup_keys(later, fp, params) if k[1] >= 1000}
    assert own in looked and len(looked) == 5


@pytest.mark.parametrize("blob", [None, b"junk", b"MH3\x00\x01"])
def test_candidates_with_unreadable_blobs_are_scored_from_their_text(engine, blob):
    # A blob lost or damaged (a store recovered by `store check --recover`) still scores
    # alike, from the story's text, and a hard negative is still told apart.
    with engine.begin() as conn:
        wire = add(conn, article("xi-ishiba-lima", "wire"))
        biden = add(conn, article("xi-biden-lima-neg", "wire"))
        for story_id in (wire, biden):
            conn.execute(sa.update(stories).where(stories.c.id == story_id).values(minhash=blob))
        report = add(conn, article("xi-ishiba-lima", "report"))  # a level-5 match: features
        assert cluster_of(conn, report) == cluster_of(conn, wire) != cluster_of(conn, biden)


def test_demo_web_clusters_alike_whoever_is_read_first(store_url):
    # Read in reverse, the aggregator's rewrite and the Continental Observer's report of the
    # shadow-fleet sanctions open two clusters (too unlike each other for one event); the
    # wire story, one event with both, merges them.  Xi-Biden stays apart from Ishiba-Yoon.
    stored = quality.ingest_demo(store_url, PARAMS, "reversed")
    labels = quality.demo_labels()
    by_event: dict[str, set[int]] = {}
    for path, _outlet, _title, cluster_id in stored:
        by_event.setdefault(labels[path], set()).add(cluster_id)
    assert all(len(ids) == 1 for ids in by_event.values()), by_event
    assert len({min(ids) for ids in by_event.values()}) == len(by_event), by_event
    engine = open_store(store_url)
    with engine.connect() as conn:
        live = sa.select(clusters.c.size).where(clusters.c.merged_into.is_(None))
        sizes = sorted(conn.execute(live).scalars())
        merged = conn.execute(sa.select(clusters).where(clusters.c.merged_into.is_not(None)))
        assert [row.size for row in merged] == [0]  # exactly one cluster was merged away
    engine.dispose()
    assert sizes == [1] * 13 + [3, 4]


# --- revisions, merges -----------------------------------------------------------------------


def test_revision_keeps_the_cluster_and_replaces_bands(engine):
    wire = article("iran-e3-geneva", "wire")
    with engine.begin() as conn:
        story_id = add(conn, wire)
        add(conn, article("iran-e3-geneva", "copy"))
        before = cluster_of(conn, story_id)
        update = article("iran-e3-geneva", "update")
        revised = dataclasses.replace(quality.story_of(update), url=wire.url, key=wire.url)
        conn.execute(
            sa.update(stories)
            .where(stories.c.id == story_id)
            .values(body_text=revised.body_text, content_hash=revised.content_hash)
        )
        assert cl.assign_cluster(conn, story_id, revised, PARAMS).cluster_id == before
        count = sa.select(sa.func.count()).where(lsh_bands.c.story_id == story_id)
        assert conn.execute(count).scalar_one() == PARAMS.bands + PARAMS.event_bands


def test_a_kept_profile_follows_its_story_and_its_cluster(engine):
    # Profiles are kept between lookups; a new version of the story, or its cluster
    # merged into another, must show at once.
    wire = article("iran-e3-geneva", "wire")
    with engine.begin() as conn:
        story_id = add(conn, wire)
        first = lsh.profiles(conn, [story_id], PARAMS)[0]
        assert lsh.profiles(conn, [story_id], PARAMS)[0] is first  # kept
        new_title = "E3 and Iran end Geneva round without a deal"
        revised = dataclasses.replace(quality.story_of(wire), title=new_title)
        fp = dedupe.fingerprint(revised.title, revised.body_text, PARAMS)
        conn.execute(
            sa.update(stories)
            .where(stories.c.id == story_id)
            .values(
                title=new_title,
                revision=stories.c.revision + 1,
                minhash=dedupe.pack_signatures(fp),
            )
        )
        again = lsh.profiles(conn, [story_id], PARAMS)[0]
        assert again.terms == fp.features.terms != first.terms
        other = add(conn, article("modi-xi-kazan", "wire"))
        conn.execute(
            sa.update(stories)
            .where(stories.c.id == story_id)
            .values(cluster_id=cluster_of(conn, other))
        )
        moved = lsh.profiles(conn, [story_id], PARAMS)[0]
        assert moved.cluster_id == cluster_of(conn, other) and moved.terms == again.terms


def test_a_placed_story_is_kept_as_its_row_reads(engine, monkeypatch):
    # The writer keeps each story it places (lsh.keep) so that later lookups need not read
    # and decode it: what it keeps must be what the row gives, field for field.
    with engine.begin() as conn:
        ids = [add(conn, a) for a in CORPUS[:40]]
        read_rows = lsh._read_profiles
        with monkeypatch.context() as m:
            unread = lambda conn, ids, params: [] if not ids else pytest.fail(f"read {ids}")  # noqa: E731
            m.setattr(lsh, "_read_profiles", unread)
            kept = lsh.profiles(conn, ids, PARAMS)
        assert len(kept) == len(ids)
        read = {p.story_id: p for p in read_rows(conn, ids, PARAMS)}
        for profile in kept:
            row = read[profile.story_id]
            assert profile.cluster_id == cluster_of(conn, profile.story_id)
            for field in dataclasses.fields(profile):
                mine, theirs = getattr(profile, field.name), getattr(row, field.name)
                if field.name == "text_sig":
                    assert mine.dtype == theirs.dtype and (mine == theirs).all()
                else:
                    assert mine == theirs, field.name


def test_a_copy_of_two_clusters_merges_them_and_the_older_id_survives(engine):
    # A holds the first 2/3 of a text, B the last 2/3 six days later (too far apart for one
    # event, too different for copies of each other); C, the whole text, is a copy of both.
    full = article("xi-ishiba-lima", "update")
    tokens = full.body.split()
    cut = int(len(tokens) * 0.66)
    start = full.published
    with engine.begin() as conn:
        a = add(conn, full, body_text=" ".join(tokens[:cut]), key="a", url="https://x.example/a")
        b = add(
            conn,
            full,
            body_text=" ".join(tokens[-cut:]),
            key="b",
            url="https://x.example/b",
            published=start + timedelta(days=6),
        )
        older, newer = cluster_of(conn, a), cluster_of(conn, b)
        assert older != newer
        whole = add(conn, full, key="c", published=start + timedelta(days=3))
        assert cluster_of(conn, whole) == older == cluster_of(conn, b)
        assert cluster_row(conn, newer).merged_into == older
        assert cluster_row(conn, newer).size == 0 and cluster_row(conn, older).size == 3
        # The merged-away id still resolves, and the full text represents the cluster.
        assert cluster_views.cluster_members(conn, newer)[0].story_id == whole


# --- operator overrides ----------------------------------------------------------------------


def test_a_split_story_never_rejoins_automatically(engine):
    with engine.begin() as conn:
        wire = add(conn, article("modi-xi-kazan", "wire"))
        copy = add(conn, article("modi-xi-kazan", "copy"))
        old = cluster_of(conn, wire)
        new = overrides.split_story(conn, copy, note="different angle")
        assert cluster_of(conn, copy) == new != old
        assert cluster_row(conn, old).size == 1 and cluster_row(conn, new).size == 1
        override = conn.execute(sa.select(cluster_overrides)).one()
        assert (override.action, override.story_id, override.cluster_id) == ("split", copy, old)
        # A later copy of both texts may join one of them, but must not merge them back.
        third = add(conn, article("modi-xi-kazan", "update"))
        assert cluster_of(conn, copy) == new and cluster_of(conn, wire) == old
        assert cluster_of(conn, third) in (old, new)


def test_a_split_story_is_not_put_back_when_revised(engine):
    with engine.begin() as conn:
        wire = add(conn, article("modi-xi-kazan", "wire"))
        copy_article = article("modi-xi-kazan", "copy")
        copy = add(conn, copy_article)
        old = cluster_of(conn, wire)
        overrides.split_story(conn, copy)
        # Retention pruned it; the feed carries it again: a new row, same text.
        cl.remove_story(conn, copy)
        again = add(conn, copy_article, key="again")
        assert cluster_of(conn, again) == old  # a new row is not the split story
        overrides.split_story(conn, again)
        story = quality.story_of(copy_article)
        assert cl.assign_cluster(conn, again, story, PARAMS).cluster_id != old


def test_manual_merge_holds_and_is_recorded(engine):
    with engine.begin() as conn:
        a = add(conn, article("g20-rio-declaration", "wire"))
        b = add(conn, article("g20-rio-hunger-alliance-neg", "wire"))
        ca, cb = cluster_of(conn, a), cluster_of(conn, b)
        assert ca != cb
        keep = overrides.merge_clusters(conn, cb, ca, note="one summit story")
        assert keep == min(ca, cb)  # the older one
        later = add(conn, article("g20-rio-hunger-alliance-neg", "report"))
        assert cluster_of(conn, a) == cluster_of(conn, b) == cluster_of(conn, later) == keep
        row = conn.execute(sa.select(cluster_overrides)).one()
        assert (row.action, row.cluster_id, row.note) == ("merge", keep, "one summit story")


def test_operator_errors_name_the_missing_thing(engine):
    with engine.begin() as conn:
        lone = add(conn, article("un-climate-cop29-finance", "wire"))
        with pytest.raises(StoreError, match="alone"):
            overrides.split_story(conn, lone)
        with pytest.raises(StoreError, match="no story 9999"):
            overrides.split_story(conn, 9999)
        with pytest.raises(StoreError, match="no cluster 9999"):
            overrides.merge_clusters(conn, cluster_of(conn, lone), 9999)
        with pytest.raises(StoreError, match="no cluster 9999"):
            cluster_views.cluster_members(conn, 9999)


# --- retention -------------------------------------------------------------------------------


def test_remove_story_keeps_clusters_consistent(engine):
    with engine.begin() as conn:
        wire = add(conn, article("armenia-azerbaijan-treaty", "wire"))
        copy = add(conn, article("armenia-azerbaijan-treaty", "copy"))
        cid = cluster_of(conn, wire)
        assert cluster_row(conn, cid).representative_id == wire
        cl.remove_story(conn, wire)
        row = cluster_row(conn, cid)
        assert (row.size, row.representative_id) == (1, copy)
        left = sa.select(sa.func.count()).where(lsh_bands.c.story_id == wire)
        assert conn.execute(left).scalar_one() == 0
        cl.remove_story(conn, copy)
        assert conn.execute(sa.select(clusters).where(clusters.c.id == cid)).first() is None


# --- reading and the CLI ---------------------------------------------------------------------


def test_list_and_members(engine):
    with engine.begin() as conn:
        wire = add(conn, article("ethiopia-somalia-ankara", "wire"))
        add(conn, article("ethiopia-somalia-ankara", "report"))
        add(conn, article("un-climate-cop29-finance", "wire"))
        big = cluster_views.list_clusters(conn, limit=10, min_size=2)
        assert [c.size for c in big] == [2] and big[0].representative_id == wire
        assert big[0].outlet == "Anatolia Wire"
        assert len(cluster_views.list_clusters(conn, limit=10)) == 2
        members = cluster_views.cluster_members(conn, big[0].id)
        assert members[0].representative and members[0].story_id == wire
        assert members[1].published >= members[0].published - timedelta(days=1)


def run_cli(engine, *argv: str) -> int:
    # The command line as `communique` parses it, run on this test's engine.
    args = build_parser().parse_args(argv)
    module, _, name = args.func.partition(":")
    return getattr(importlib.import_module(module), name)(args, engine, None)


def test_cli_list_show_split_merge(engine, capsys):
    with engine.begin() as conn:
        wire = add(conn, article("us-ukraine-jeddah", "wire"))
        copy = add(conn, article("us-ukraine-jeddah", "copy"))
        cid = cluster_of(conn, wire)
    assert run_cli(engine, "clusters", "list", "--min-size", "2") == 0
    out = capsys.readouterr().out
    assert "Ukraine backs U.S. proposal" in out and "1 cluster" in out
    assert run_cli(engine, "clusters", "show", str(cid)) == 0
    assert "Capitol Ledger" in capsys.readouterr().out
    assert run_cli(engine, "clusters", "split", str(copy), "--note", "test") == 0
    with engine.connect() as conn:
        new = cluster_of(conn, copy)
    assert f"cluster {new}" in capsys.readouterr().out
    assert run_cli(engine, "clusters", "merge", str(new), str(cid)) == 0
    assert f"now cluster {cid}" in capsys.readouterr().out
    assert run_cli(engine, "clusters", "show", "9999") == 1
    assert "no cluster 9999" in capsys.readouterr().err


def test_cli_explain_says_why(engine, capsys):
    with engine.begin() as conn:
        ids = add_tit_for_tat(conn)
        wire = add(conn, article("us-ukraine-jeddah", "wire"))
        copy = add(conn, article("us-ukraine-jeddah", "copy"))
    first, _, answer = ids
    assert run_cli(engine, "clusters", "explain", str(answer), str(first)) == 0
    out = capsys.readouterr().out
    assert "NO  answer in kind: expel:MA>PT / expel:PT>MA" in out
    assert "verdict: kept apart (answer in kind)" in out and "in different clusters" in out
    assert run_cli(engine, "clusters", "explain", str(copy), str(wire)) == 0
    out = capsys.readouterr().out
    assert "verdict: one story: a copy" in out and "now: in one cluster" in out
    assert run_cli(engine, "clusters", "explain", str(wire), "9999") == 1
    assert "no story 9999" in capsys.readouterr().err

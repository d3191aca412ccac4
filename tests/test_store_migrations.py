"""A store made by the previous revision upgrades in place and keeps its stories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig

from ingest.store import outputs, sources, stories
from ingest.store.engine import MIGRATIONS, create_engine, open_store

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def _at(engine: sa.Engine, revision: str) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_0001_store_upgrades_with_countries_as_mentions(store_url: str) -> None:
    engine = create_engine(store_url)
    _at(engine, "0001")
    now = "2026-03-01 12:00:00"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (id, name, url, enabled, interval_s, error_count, seen_ratio,"
            " redirect_count, stories_new_last) VALUES (1, 'wire', 'https://w.example/f', "
            "true, 900, 0, 0, 0, 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO stories (id, source_id, item_key, article_key, url, title, summary,"
            " body_html, body_text, published_at, first_seen_at, outlet, word_count,"
            " attributions, countries, topics, score, content_hash, raw_hash, revision)"
            f" VALUES (1, 1, 'k', 'a', 'https://w.example/1', 'Talks', '', '', '', '{now}',"
            f" '{now}', 'Wire', 0, '[]', '[\"CN\", \"JP\"]', '[]', 0, 'h', 'r', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO story_tags (story_id, kind, value) VALUES (1, 'country', 'CN'),"
            " (1, 'country', 'JP')"
        )
    engine.dispose()
    engine = open_store(store_url)  # upgrades to head, as every command does
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT countries, mentions, organizations FROM stories").one()
        tags = set(conn.exec_driver_sql("SELECT kind, value FROM story_tags").all())
    engine.dispose()
    parsed = [json.loads(v) if isinstance(v, str) else v for v in row]
    assert parsed == [["CN", "JP"], ["CN", "JP"], []]
    assert {("mention", "CN"), ("mention", "JP"), ("country", "CN")} <= tags


def test_0002_store_upgrades_with_its_feeds_registered_on_the_next_command(
    store_url: str,
) -> None:
    engine = create_engine(store_url)
    _at(engine, "0002")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (id, name, url, enabled, interval_s, error_count, seen_ratio,"
            " redirect_count, stories_new_last) VALUES (1, 'wire', 'https://w.example/f', "
            "true, 900, 0, 0, 0, 0)"
        )
    engine.dispose()
    engine = open_store(store_url)
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT name FROM sources").scalars().all() == ["wire"]
        outputs.register(conn, ["all", "asia"], NOW)
        outputs.register(conn, ["all"], NOW + timedelta(days=1))  # known: keeps its time
        assert outputs.created(conn) == {"all": NOW, "asia": NOW}
    engine.dispose()


def test_the_head_the_engine_checks_is_alembics_head() -> None:
    # A store at HEAD opens without Alembic; a new revision must move HEAD with it.
    from alembic.script import ScriptDirectory

    from ingest.store.engine import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD]


def test_0003_store_upgrades_with_its_stories_indexed_by_source_and_time(
    store_url: str,
) -> None:
    engine = create_engine(store_url)
    _at(engine, "0003")
    engine.dispose()
    engine = open_store(store_url)
    with engine.connect() as conn:
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("stories")}
    engine.dispose()
    assert "ix_stories_source_id_published_at" in indexes


def test_0004_store_upgrades_and_its_old_stories_have_no_ending(store_url: str) -> None:
    engine = create_engine(store_url)
    _at(engine, "0004")
    now = "2026-03-01 12:00:00"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (id, name, url, enabled, interval_s, error_count, seen_ratio,"
            " redirect_count, stories_new_last) VALUES (1, 'wire', 'https://w.example/f', "
            "true, 900, 0, 0, 0, 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO stories (id, source_id, item_key, article_key, url, title, summary,"
            " body_html, body_text, published_at, first_seen_at, outlet, word_count,"
            " attributions, countries, mentions, organizations, topics, score, content_hash,"
            " raw_hash, revision)"
            f" VALUES (1, 1, 'k', 'a', 'https://w.example/1', 'Talks', '', '', 'Text', '{now}',"
            f" '{now}', 'Wire', 1, '[]', '[]', '[]', '[]', '[]', 0, 'h', 'r', 1)"
        )
    engine.dispose()
    engine = open_store(store_url)
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT body_text, ending FROM stories").one()
        endings = stories.recent_endings(conn, 1, 30)
    engine.dispose()
    assert tuple(row) == ("Text", None)
    assert endings == []  # compared with nothing: the next poll's stories decide alone


def test_0005_store_upgrades_with_bigint_keys_on_postgresql(store_url: str) -> None:
    engine = create_engine(store_url)
    _at(engine, "0005")
    now = "2026-03-01 12:00:00"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (id, name, url, enabled, interval_s, error_count, seen_ratio,"
            " redirect_count, stories_new_last) VALUES (1, 'wire', 'https://w.example/f', "
            "true, 900, 0, 0, 0, 0)"
        )
        conn.exec_driver_sql(
            f"INSERT INTO clusters (id, representative_id, created_at, updated_at, size)"
            f" VALUES (1, 1, '{now}', '{now}', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO stories (id, source_id, item_key, article_key, url, title, summary,"
            " body_html, body_text, published_at, first_seen_at, outlet, word_count,"
            " attributions, countries, mentions, organizations, topics, score, content_hash,"
            " raw_hash, revision, cluster_id)"
            f" VALUES (1, 1, 'k', 'a', 'https://w.example/1', 'Talks', '', '', 'Text', '{now}',"
            f" '{now}', 'Wire', 1, '[]', '[]', '[]', '[]', '[]', 0, 'h', 'r', 1, 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO lsh_bands (bucket, band, hash, story_id) VALUES (5, 0, 42, 1)"
        )
    engine.dispose()
    engine = open_store(store_url)
    big = 3_000_000_000  # past a 32-bit integer
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO stories (id, source_id, item_key, article_key, url, title, summary,"
            " body_html, body_text, published_at, first_seen_at, outlet, word_count,"
            " attributions, countries, mentions, organizations, topics, score, content_hash,"
            " raw_hash, revision, cluster_id)"
            f" VALUES ({big}, 1, 'k2', 'a2', 'https://w.example/2', 'Talks', '', '', 'Text',"
            f" '{now}', '{now}', 'Wire', 1, '[]', '[]', '[]', '[]', '[]', 0, 'h2', 'r', 1, 1)"
        )
        conn.exec_driver_sql(
            f"INSERT INTO lsh_bands (bucket, band, hash, story_id) VALUES (5, 0, 42, {big})"
        )
        bands = conn.exec_driver_sql(
            "SELECT story_id FROM lsh_bands WHERE bucket = 5 AND band = 0 AND hash = 42"
            " ORDER BY story_id DESC"
        ).scalars()
        assert list(bands) == [big, 1]
        if engine.dialect.name == "postgresql":
            types = dict(
                conn.exec_driver_sql(
                    "SELECT table_name || '.' || column_name, data_type"
                    " FROM information_schema.columns WHERE table_schema = current_schema()"
                    " AND (column_name = 'id' OR column_name LIKE '%%\\_id'"
                    " OR column_name = 'merged_into')"
                ).all()
            )
            assert set(types.values()) == {"bigint"}, types
            seqs = conn.exec_driver_sql(
                "SELECT data_type FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            ).scalars()
            assert set(seqs) == {"bigint"}
    engine.dispose()


def test_0006_store_upgrades_and_a_failing_source_has_no_recorded_start(store_url: str) -> None:
    engine = create_engine(store_url)
    _at(engine, "0006")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (id, name, url, enabled, interval_s, error_count, seen_ratio,"
            " redirect_count, stories_new_last, last_error) VALUES (1, 'wire',"
            " 'https://w.example/f', true, 900, 3, 0, 0, 0, 'HTTP 500')"
        )
    engine.dispose()
    engine = open_store(store_url)
    with engine.connect() as conn:
        (health,) = sources.health(conn)
    engine.dispose()
    assert (health.error_count, health.failing_since) == (3, None)


def test_0007_store_upgrades_and_its_servers_see_changes_through_the_log(store_url: str) -> None:
    from feeds.query import store_version
    from tests.feeds_support import add_source, add_story

    engine = create_engine(store_url)
    _at(engine, "0007")
    with engine.begin() as conn:
        src = add_source(conn, "wire")
        add_story(conn, src, "Stored before the upgrade")
    engine.dispose()
    engine = open_store(store_url)
    with engine.connect() as conn:
        before = store_version(conn)
    with engine.begin() as conn:
        add_story(conn, src, "Stored after it", minutes=5)
    with engine.connect() as conn:
        after = store_version(conn)
        titles = conn.exec_driver_sql("SELECT title FROM stories ORDER BY id").scalars().all()
    engine.dispose()
    assert titles == ["Stored before the upgrade", "Stored after it"]
    assert after.stories != before.stories

"""A block a source ends three or more different reports with is its boilerplate
(``ingest.repeats``): decided, used by the tail rules, and applied by the pipeline on a
real feed served on 127.0.0.1, on the first poll and on a later one."""

from __future__ import annotations

import sqlalchemy as sa

from ingest import repeats
from ingest.model import Ending
from ingest.store.engine import open_store
from ingest.store.schema import stories
from ingest.tail import block_kind, tail_start
from tests.conftest import FixtureSite
from tests.test_pipeline import feed, one_source, run

# Worded as no tail rule knows: the rules take it for prose.
NOTICE = "Kopieren erlaubt, mit Quellenangabe und Link zur Alpine Post."

LEADS = [
    "GENEVA — Negotiators from Armenia and Azerbaijan met in Geneva on Monday for a new "
    "round of talks on a peace treaty, the Swiss foreign ministry said.",
    "BERN — Switzerland and the European Union initialled a package of agreements on "
    "market access, electricity and research funding after years of negotiation.",
    "VIENNA — Austria's foreign minister received his Slovak counterpart for talks on the "
    "Danube crossing and on gas transit through the two countries.",
    "ZURICH — The Swiss central bank held its policy rate on Thursday and said the franc's "
    "strength was weighing on exporters to Germany and Italy.",
]
MIDDLE = (
    "Officials in {place} described the meeting as constructive and agreed to meet again "
    "next month, adding that experts would continue work in the meantime on the remaining "
    "technical questions and on a timetable for the next steps."
)
CLOSE = "The next round in {place} is expected before the end of the year, diplomats said."


def story(lead: str, *ending: str) -> str:
    place = lead.split(" ", 1)[0].title()
    return "\n\n".join([lead, MIDDLE.format(place=place), close(lead), *ending])


def close(lead: str) -> str:
    return CLOSE.format(place=lead.split(" ", 1)[0].title())


def end(text: str) -> Ending:
    return repeats.ending(text.split("\n\n"))


def test_notice_is_prose_to_the_rules() -> None:
    assert block_kind(NOTICE) == "story"


def test_a_block_ending_three_different_reports_is_the_sources() -> None:
    found = repeats.repeated(end(story(lead, NOTICE)) for lead in LEADS[:3])
    assert repeats.block_hash(NOTICE) in found
    assert repeats.block_hash(f"  **{NOTICE.upper()}**") in found  # case, marks, spaces
    assert repeats.needs_another_look(story(LEADS[3], NOTICE), found)


def test_two_reports_or_three_versions_of_one_are_not_enough() -> None:
    two = repeats.repeated(end(story(lead, NOTICE)) for lead in LEADS[:2])
    assert two == frozenset()
    copies = repeats.repeated(end(story(LEADS[0], NOTICE)) for _ in range(3))
    assert copies == frozenset()  # an update or a re-post: its own paragraphs are the story
    # Write-throughs: a new lead each time, the rest kept. Their ending is the story's.
    body = story(LEADS[0]).split("\n\n")[1:]
    versions = ["\n\n".join([lead, *body, "Talks continue.", NOTICE]) for lead in LEADS]
    assert repeats.repeated(end(v) for v in versions) == frozenset()


def test_long_blocks_are_prose_whatever_repeats_them() -> None:
    long = " ".join(["The ministry's statement on the talks was read out in full."] * 8)
    found = repeats.repeated(end(story(lead, long)) for lead in LEADS[:3])
    assert found == frozenset()


def test_tail_rules_cut_a_repeated_block_only_where_the_story_has_ended() -> None:
    found = frozenset([repeats.block_hash(NOTICE)])
    texts = story(LEADS[0], NOTICE).split("\n\n")
    assert tail_start(texts) is None
    cut = tail_start(texts, found)
    assert cut is not None and cut[0] == 3 and "repeated block" in cut[1]
    # Prose after it: the block is inside the story, and nothing is cut.
    inside = [*texts, "Talks resume on Friday, the ministry said in a later statement."]
    assert tail_start(inside, found) is None


def item(n: int, lead: str, *ending: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in story(lead, *ending).split("\n\n"))
    return (
        f"<item><title>Story {n}</title><link>http://alpine.example/a/{n}</link>"
        f"<guid>alpine-{n}</guid><pubDate>Mon, 18 Nov 2024 0{n}:00:00 GMT</pubDate>"
        f"<description><![CDATA[{paras}]]></description></item>"
    )


def bodies(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(stories.c.title, stories.c.body_text))
        return {title: text for title, text in rows}


def test_pipeline_cuts_a_sources_repeated_block_on_first_and_later_polls(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    first = [item(n, lead, NOTICE) for n, lead in enumerate(LEADS[:3])]
    site.add("/feed.xml", feed(*first), content_type="application/rss+xml")
    reports = run(engine, one_source(site))
    assert reports[0].new == 3, reports[0].error
    stored = bodies(engine)
    assert all(NOTICE not in text and text.endswith("diplomats said.") for text in stored.values())
    # A later poll brings one new story: the stored ones tell it is the source's block.
    site.add(
        "/feed.xml", feed(*first, item(3, LEADS[3], NOTICE)), content_type="application/rss+xml"
    )
    run(engine, one_source(site))
    assert bodies(engine)["Story 3"].endswith(close(LEADS[3]))


def test_pipeline_keeps_the_ending_of_three_copies_of_one_story(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    copies = [item(n, LEADS[0], NOTICE) for n in range(3)]
    site.add("/feed.xml", feed(*copies), content_type="application/rss+xml")
    run(engine, one_source(site))
    assert all(text.endswith(NOTICE) for text in bodies(engine).values())

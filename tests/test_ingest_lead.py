"""The story's start: furniture before the first paragraph goes, the story stays."""

from __future__ import annotations

import pytest

from ingest.dateline import find_dateline
from ingest.lead import lead_junk

TITLE = "Peru and Bolivia create joint fund to clean up Lake Titicaca"
LEAD = (
    "LIMA (Austral Wire) — Peru and Bolivia agreed on Tuesday to set up a joint fund to clean "
    "up Lake Titicaca, the environment ministers of both countries said after talks in Lima."
)
PROSE = (
    "Peru and Bolivia agreed on Tuesday to set up a joint fund to clean up Lake Titicaca, the "
    "environment ministers of both countries said after talks in Lima on the shared basin."
)
MORE = "The fund will start with sewage plants in Puno and El Alto, officials said."


@pytest.mark.parametrize(
    "before",
    [
        ["WORLD | AMERICAS", TITLE],
        ["Listen to this news · 3 min"],
        ["Updated 2 hours ago", TITLE.upper()],
        ["Home › World › Americas", "ENVIRONMENT", TITLE, "By Ana Quispe | Lima correspondent",
         "Published April 16, 2025 at 9:12 a.m. | Updated 11:40 a.m."],
        ["Ministers at the signing in Lima on Tuesday. Photo: Austral Wire / Ana Quispe"],
        ["(Updates with reaction from Bolivia's government)"],
        ["You're reading The Dispatch Letter. Forwarded this? Sign up here."],
        # The same lines set with the typographic apostrophe.
        ["You’re reading The Dispatch Letter. Forwarded this? Sign up here."],
        ["Editor’s note: This story was updated with the Bolivian minister’s remarks."],
        ["February 16, 2025 by Staff Writer"],
        ["This story originally appeared on Austral Wire."],
        ["Ministers arrive for the talks in Lima in a file photo."],
        # A standfirst between the headline and the byline goes with them.
        [TITLE, "A fund to clean up the lake shared by the two neighbours", "By Ana Quispe"],
        # Real pages' headers written from memory (a battery of 75, kept out of the repo):
        # buttons, a file photo's caption, reading time, labelled bylines, date lines with
        # the outlet's name or an update in brackets.
        ["Published On 4 Mar 2025", "Save articles to read later and create your own "
         "reading list."],
        ["Stay updated on what's happening in the world: follow Andes TV on X"],
        ["File photo used for representation purposes only.", "File photo used for "
         "representation purposes only. | Photo Credit: Reuters"],
        ["Published today at 10:15 am (Lima), updated at 11:02 am", "Time to 2 min."],
        ["PUBLISHED : 4 Mar 2025 at 10:15", "WRITER: Reuters", "NEWSPAPER SECTION: World"],
        ["Andes Daily Inquirer / 10:15 AM March 04, 2025"],
        ["Tuesday, 04 March 2025 10:15 AM [ Last Update: Tuesday, 04 March 2025 11:02 AM ]"],
        ["This article was machine translated from Spanish."],
        # What the tail rules know of a page's notes, above the story: a sponsor, a
        # disclaimer, a row of share links, a caption closing with its credit; labelled
        # bylines; a wire's advisory; a newsletter's programming note.
        ["This story is brought to you by the Andes Development Fund."],
        ["The views expressed in this commentary are the author's own and do not "
         "necessarily reflect those of the Institute."],
        ["Share · Email · X · WhatsApp"],
        ["Ministers sign the accord in Lima on Tuesday. (Ana Quispe for The Andes Post)"],
        ["Reported by: Ana Quispe | Edited by: Luis Mamani"],
        ["(ATTN: ADDS Bolivian minister's remarks in paras 4-5)"],
        ["Programming note: no issue next week. Back on the 18th."],
        # A label's count in brackets, a row of share buttons, an app's prompt, captions
        # that show a photo or carry a wire's licensing button, a credit led by its ©, and
        # blocks of lines that are each furniture (a byline over its dates).
        ["Photo gallery (6)", "Download PDF (212 KB)"],
        ["Share on Facebook Share on X Share via Email Print"],
        ["Download the Andes TV News app for breaking news alerts"],
        ["This file photo shows ministers at the lake in Puno. (Andes Wire)"],
        ["A minister speaks in Lima, March 1, 2025. AUSTRAL/Ana Quispe/File Photo Purchase "
         "Licensing Rights"],
        ["© Austral Wire/Ana Quispe\nReed boats on the lake near Puno."],
        ["Author: Ana Quispe\nPublished: 5:42 PM PET March 3, 2025\nUpdated: 7:15 PM PET"],
        # The headline with the outlet's name; captions whose credit follows them; dates
        # without separators; a blog's meta line; channels on messaging apps; a media label.
        [TITLE + " - The Andes Post"],
        ["Reed boats on the lake near Puno. — APW/File"],
        ["Reed boats on the lake near Puno. (AP Photo)"],
        ["Reed boats on the lake near Puno. ANA QUISPE"],
        ["Published at : April 16, 2025  Updated at : April 16, 2025 11:40 PET"],
        ["On April 16, 2025 9:07 am In News by Ana Quispe"],
        ["Join our WhatsApp channel for breaking news 👉 Click here"],
        ["WATCH | Bolivia's environment minister on what the fund will pay for"],
        # A newsletter writer's word about the issue itself.
        ["Writing this on very little sleep from La Paz."],
        ["A shorter issue than usual today: I am travelling."],
        ["One story today, because it deserves the space."],
        ["A short, sad one this week."],
    ],
)  # fmt: skip
@pytest.mark.parametrize("first", [LEAD, PROSE])
def test_furniture_before_the_story_goes(before: list[str], first: str) -> None:
    count, notes = lead_junk([*before, first, MORE], [TITLE])
    assert count == len(before) and len(notes) == count


def test_the_dateline_marks_the_start_past_unknown_furniture() -> None:
    before = ["Sponsored by the Andes Development Fund", "A short note on something else."]
    assert lead_junk([*before, LEAD, MORE], [TITLE])[0] == 2


@pytest.mark.parametrize(
    "texts",
    [
        [PROSE, MORE],
        [LEAD, MORE],
        # A short first paragraph followed by an image: the caption is the story's, kept.
        [PROSE, "Ministers at the signing. Photo: Austral Wire", MORE],
        ["Why does a lake matter to two countries? Because it feeds them.", PROSE],
        # A short first paragraph with two dates reports them: no date line.
        ["Voting began on March 3, 2025 and ended on March 5, 2025.", PROSE],
        # First paragraphs that open like a byline or a listen line.
        ["By most measures, the lake has had a terrible decade.", PROSE],
        ["Listen to any fisherman in Puno and you hear the same word: dying.", PROSE],
        ["Listen closely to the fishermen of Puno and one word comes back: dying.", PROSE],
        # A story's own "one" is no note on the issue.
        ["A brief, tense one-hour meeting in Puno ended without a date for the next.", PROSE],
        ["One story dominated the talks: the lake's falling level.", PROSE],
    ],
)
def test_the_story_itself_stays(texts: list[str]) -> None:
    assert lead_junk(texts, [TITLE])[0] == 0


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("LIMA (Austral Wire) — Peru", "LIMA"),
        ("QUITO/BOGOTÁ — Ecuador said", "QUITO/BOGOTÁ"),
        ("New Delhi: India and Indonesia", "New Delhi"),
        ("Jakarta, 12 May: Indonesia said", "Jakarta"),
        ("SEOUL, Aug 14 (PWS) - South Korea", "SEOUL"),
        ("WASHINGTON, D.C. — The", "WASHINGTON"),
        ("BRASÍLIA — Lula received", "BRASÍLIA"),
        ("CẦN THƠ — Pangasius farmers", "CẦN THƠ"),  # Latin Extended Additional
        ("ĐÀ NẴNG, Vietnam (VNA) — The port", "ĐÀ NẴNG"),
        ("Asunción, May 3 (IP). Paraguay's senate", "Asunción"),  # a full stop after it
        ("Lucía Benítez (Olympic, 400 m) won the final", None),  # a name and her event
        ("UPDATED — the story", None),
        ("Analysis: the story", None),
        ("Meanwhile - the story", None),
    ],
)
def test_datelines(text: str, place: str | None) -> None:
    found = find_dateline(text)
    assert (found.place if found else None) == place


def test_a_summary_box_with_a_note_on_its_heading_goes() -> None:
    box = [
        "In short (written by our desk with an AI tool, then checked)",
        "Peru and Bolivia set up a lake fund.",
        "Sewage plants come first.",
    ]
    count, _ = lead_junk([*box, PROSE, MORE], [TITLE])
    assert count == 3


def test_a_standfirst_the_feed_does_not_have_goes() -> None:
    # The page: headline, standfirst, then the story as the feed gives it in full.
    deck = "Both governments say the fund is a start. The villages say it is late."
    story = [PROSE, MORE, MORE + " More detail."]
    page = [TITLE, deck, *story]
    count, notes = lead_junk(page, [TITLE], known=story)
    assert count == 2 and "standfirst" in notes[1]
    # Without the feed's text, or where the page starts as the feed does, nothing more goes.
    assert lead_junk(page, [TITLE])[0] == 1
    assert lead_junk(story, [TITLE], known=story)[0] == 0


def test_a_standfirst_over_the_byline_goes_when_the_headline_stood_outside_the_body() -> None:
    deck = "A first fund for a lake two countries share, with the sewage plants first."
    page = [deck, "By Ana Quispe", "16 April 2026, 09:12", PROSE, MORE]
    assert lead_junk(page, [TITLE])[0] == 3
    # A platform's: the author's name alone, then the reading time.
    assert lead_junk([deck, "Ana Quispe ·", "4 min read", PROSE, MORE], [TITLE])[0] == 3
    # Without the header after it, a short first paragraph is the story's.
    assert lead_junk([MORE, PROSE, MORE], [TITLE])[0] == 0


def test_a_key_points_box_ends_where_its_points_stop_looking_alike() -> None:
    short = "The fund opens in June, officials in Lima said on Tuesday."
    page = ["Key points", "A $40 million fund", "Sewage plants first", short, MORE, PROSE]
    assert lead_junk(page, [TITLE])[0] == 3


def test_a_table_of_figures_does_not_hide_the_dateline() -> None:
    cells = ["Market snapshot", *(c for n in range(6) for c in (f"Bond {n}", f"9{n}.15"))]
    page = ["Talks open without figures; second round due in La Paz", "By Ana Quispe", *cells]
    assert lead_junk([*page, LEAD, MORE], [TITLE])[0] == len(page)
    # A standfirst, then a table whose row heads end in brackets: "(new)" ends no sentence.
    rows = [c for n in range(2) for c in (f"Bolivia 203{n} (new)", f"6.4{n}%", "yield")]
    page = ["Seven-year notes price at 6.45%; a local tranche at 15.25%", "Snapshot", *rows]
    assert lead_junk([*page, LEAD, MORE], [TITLE])[0] == len(page)


@pytest.mark.parametrize(
    "head",
    [
        ["Anja Koch", "03/03/2025", "Sewage flows into the lake near Puno",
         "Image: Marko Drobnjak/AP Photo/picture alliance"],
        ["2 hours ago", "Share", "Imran Qureshi", "Getty Images",
         "Fishermen on the lake have watched the water darken for a decade"],
    ],
)  # fmt: skip
def test_a_caption_beside_its_image_credit_goes(head: list[str]) -> None:
    first = "Peru and Bolivia agreed on Tuesday to set up a joint fund to clean up the lake."
    assert lead_junk([*head, first, first], [TITLE])[0] == len(head)


def test_a_first_paragraph_beside_a_credit_stays() -> None:
    """Only a line that does not end as a sentence is taken for a caption."""
    first = "Peru and Bolivia agreed on Tuesday to set up a joint fund to clean up the lake."
    assert lead_junk(["Getty Images", first, first], [TITLE])[0] == 1


def test_a_standfirst_the_first_paragraph_tells_again_goes() -> None:
    lede = (
        "Vietnam's coffee export earnings rose by a third in the first quarter to a record, "
        "as robusta prices stayed high even though shipped volumes fell, the customs office said."
    )
    count, notes = lead_junk(
        ["Volumes fell, but revenue rose by a third in the first quarter.", lede, "More."],
        ["Coffee export earnings hit record"],
    )
    assert count == 1 and "standfirst" in notes[0]
    # An introduction to a statement, and a short first paragraph the next does not retell.
    said = "The President of the Parliament issued the following statement on the typhoon:"
    assert lead_junk([said, "“Our thoughts are with the people of the typhoon.”"], [])[0] == 0
    first = "Peru and Bolivia agreed on Tuesday to clean up Lake Titicaca."
    assert lead_junk([first, "The fund will start with sewage plants in Puno."], [])[0] == 0


HIGHLIGHTS = [
    "A fund of $40 million for sewage plants and reed beds in its first year",
    "Cleanup starts in Puno and El Alto, the largest towns on the shore",
]


def test_a_list_of_highlights_above_the_first_paragraph_goes() -> None:
    # A press release's highlights (<ul> items), one of them short enough to read as a
    # label on its own, the other not.
    texts = [*HIGHLIGHTS, "Reed beds", PROSE, MORE]
    listed = [True, True, True, False, False]
    count, notes = lead_junk(texts, [TITLE], listed=listed)
    assert count == 3 and "summary point" in notes[0] and "summary point" in notes[1]


@pytest.mark.parametrize(
    ("texts", "listed"),
    [
        # A list after the first paragraph is the story's own.
        ([PROSE, *HIGHLIGHTS, MORE], [False, True, True, False]),
        # An item a paragraph long: the story is a list.
        ([PROSE, MORE], [True, False]),
        # The same short lines, not marked up as a list, are not taken for one.
        ([HIGHLIGHTS[0] + ".", PROSE, MORE], [False, False, False]),
    ],
)
def test_a_list_within_the_story_or_a_story_that_is_a_list_stays(
    texts: list[str], listed: list[bool]
) -> None:
    assert lead_junk(texts, [TITLE], listed=listed)[0] == 0

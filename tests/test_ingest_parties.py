"""Parties versus mentions: the states that act or are acted on, not every country named."""

from __future__ import annotations

import pytest

from ingest.normalize import _tags, stored_parties
from ingest.parties import acting_in_headline
from ingest.tags import default_tagger


def tags(title: str, body: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    tagger = default_tagger()
    hits = tagger.topic_hits(f"{title}\n\n{body}")
    t = _tags(tagger, title, body, hits)
    return t.parties, t.mentions, t.organizations


def test_a_country_named_once_in_passing_is_a_mention() -> None:
    parties, mentions, orgs = tags(
        "Xi and Ishiba agree to pursue stable ties at APEC",
        "LIMA (Meridian Wire) — Chinese President Xi Jinping and Japanese Prime Minister "
        "Shigeru Ishiba agreed on Friday to pursue stable relations, meeting on the sidelines of "
        "the APEC summit in Lima. Xi urged Tokyo to handle the Taiwan question with care.",
    )
    assert parties == ("CN", "JP")
    assert "TW" in mentions and "TW" not in parties
    assert orgs == ("APEC",)


def test_the_eu_acts_as_a_party() -> None:
    parties, _, orgs = tags(
        "EU and Peru sign raw materials partnership",
        "BRUSSELS — The European Union and Peru signed a partnership on critical raw materials "
        "on Tuesday. European Commission President Ursula von der Leyen said the deal would "
        "diversify supplies, and Peru's foreign minister called it a milestone.",
    )
    assert parties == ("EU", "PE") and "EU" in orgs


def test_demonyms_in_a_sports_headline_are_not_parties() -> None:
    parties, mentions, _ = tags(
        "Ethiopian runners dominate Dubai Marathon as Kenyan challenge fades",
        "Ethiopia's distance runners swept the podium at the Dubai Marathon on Sunday, while "
        "Kenya's leading runner faded after the 35-kilometre mark in the championship race. "
        "Entries from Britain and India were among the largest groups of amateurs.",
    )
    assert parties == ()
    assert {"ET", "KE", "GB", "IN"} <= set(mentions)


@pytest.mark.parametrize(
    "body",
    [
        "The foreign ministers of Kazakhstan, Kyrgyzstan, Tajikistan and Turkmenistan met "
        "in New York on Monday to prepare a summit with the United States.",
    ],
)
def test_states_listed_together_share_the_evidence(body: str) -> None:
    parties, _, _ = tags("Central Asian ministers prepare a summit", body)
    assert {"KZ", "KG", "TJ", "TM"} <= set(parties)


_LEAD = (
    "PARIS — President Emmanuel Macron announced France's recognition of a Palestinian state "
    "on Monday at a United Nations conference in New York, to a standing ovation from the "
    "delegates gathered for the General Assembly's annual meeting of world leaders, after "
    "months of talks with partners about how and when to take the step together. "
)


@pytest.mark.parametrize(
    ("late", "parties"),
    [
        # Many states doing one thing now are the story's, however late they come.
        ("Belgium, Luxembourg, Malta and Andorra also announced their recognition during the "
         "conference, a day after others took the same step.", {"BE", "LU", "MT", "AD"}),
        ("Nigeria, Ghana and Senegal had made firm pledges to the fund so far.",
         {"NG", "GH", "SN"}),
    ],
)  # fmt: skip
def test_states_acting_together_late_in_a_story_are_parties(late: str, parties: set[str]) -> None:
    found, _, _ = tags("France recognises Palestinian state", _LEAD + late)
    assert parties <= set(found)


@pytest.mark.parametrize(
    "late",
    [
        # Before, not now: the list's sentence says when.
        "Spain, Ireland and Slovenia recognised Palestine in 2024.",
        "The move came a day after Britain, Canada and Australia took the same step.",
        # Acted on, or a name: what the story is set against.
        "Trade has grown under the agreement between Spain, Ireland and Slovenia.",
        "Spain-Ireland-Slovenia talks on fishing rights resume in May.",
    ],
)
def test_states_listed_in_the_background_stay_mentions(late: str) -> None:
    found, mentions, _ = tags("France recognises Palestinian state", _LEAD + late)
    listed = {"ES", "IE", "SI"} if "Spain" in late else {"GB", "CA", "AU"}
    assert listed <= set(mentions) and not listed & set(found)


@pytest.mark.parametrize(
    ("headline", "acting"),
    [
        ("Belgium, Luxembourg, Malta and Andorra also announce recognition",
         {"BE", "LU", "MT", "AD"}),
        ("Laos, Thailand and Malaysia jointly sign power trade agreement", {"LA", "TH", "MY"}),
        ("Nigeria and Ghana fail to agree on single currency", {"NG", "GH"}),
        ("Israel and United States boycott two-state conference", {"IL", "US"}),
        ("Japan, Korea press for talks", {"JP"}),
        ("Traders wait on Niger–Benin roadmap", {"NE", "BJ"}),
        ("North Korea fires ballistic missile toward East Sea", {"KP"}),
        ("Peru and Bolivia will spend first lake fund money on sewage plants", {"PE", "BO"}),
        ("Colombia–Ecuador tariff war ends", {"CO", "EC"}),
    ],
)  # fmt: skip
def test_states_listed_before_their_act_act_whatever_stands_between(
    headline: str, acting: set[str]
) -> None:
    # The act is a verb the list's last state governs, with an adverb or none between.
    named = default_tagger().mentions(headline)
    assert acting_in_headline(headline, named) >= acting


def test_a_state_dashed_to_another_word_is_not_a_pair() -> None:
    for headline in ("Kenya-born runner wins Boston", "Peru and Chile-based firms merge"):
        assert acting_in_headline(headline, default_tagger().mentions(headline)) == set()


def test_a_former_leader_does_not_make_a_party() -> None:
    parties, mentions, _ = tags(
        "Thai parliament elects Anutin as prime minister",
        "BANGKOK — Thailand's parliament elected Anutin Charnvirakul as prime minister on "
        "Friday, a week after a court removed his predecessor over a leaked call with "
        "Cambodia's former leader Hun Sen.",
    )
    assert "TH" in parties and "KH" not in parties and "KH" in mentions


def countries(title: str, body: str) -> tuple[str, ...]:
    tagger = default_tagger()
    t = _tags(tagger, title, body, tagger.topic_hits(f"{title}\n\n{body}"))
    return stored_parties(t.parties, t.topics)


def test_one_states_own_affairs_have_no_parties() -> None:
    # Its government acts (parties finds it), but nothing passes between states.
    title = "Peru's Congress censures interior minister over crime wave"
    body = (
        "LIMA — Peru's Congress voted on Thursday to censure Interior Minister Juan Santiváñez "
        "over a surge in extortion killings, forcing the government to replace him. The vote "
        "was 78 to 23. President Dina Boluarte's cabinet said it would name a successor soon."
    )
    assert tags(title, body)[0] == ("PE",)
    assert countries(title, body) == ()


def test_states_dealing_with_each_other_keep_their_parties() -> None:
    assert countries(
        "Xi and Ishiba agree to pursue stable ties at APEC",
        "LIMA (Meridian Wire) — Chinese President Xi Jinping and Japanese Prime Minister "
        "Shigeru Ishiba agreed on Friday to pursue stable relations, meeting on the sidelines of "
        "the APEC summit in Lima, and pledged to resume talks on seafood imports.",
    ) == ("CN", "JP")
    # Not diplomacy, but one government acts on another state: aid sent.
    assert countries(
        "Myanmar quake toll passes 1,600 as Chinese rescue team arrives",
        "NAY PYI TAW — The death toll from Friday's earthquake in Myanmar rose to 1,644, "
        "Myanmar's military government said. A rescue team sent by the Chinese government "
        "arrived in Yangon, and China's foreign ministry announced 100 million yuan in aid.",
    ) == ("CN", "MM")


def test_an_office_holder_named_before_the_state_makes_it_a_party() -> None:
    # "Foreign Minister <a name nobody lists> of Bhutan", past the lead: the office and the
    # state with the holder's name between them are the state at work.
    lead = (
        "KATHMANDU — Nepal's government said on Monday it would ask India to reopen two "
        "border crossings closed since the floods, as traders in the Terai said shortages of "
        "fuel and medicine were worsening and prices had doubled in a month. The ministry "
        "said talks would be held this week. "
    )
    parties, _, _ = tags(
        "Nepal asks India to reopen flooded crossings",
        lead + "On Sunday the minister also met Foreign Minister Dawa Lhamo Wangmo of Bhutan.",
    )
    assert "BT" in parties
    # Capitalised words that are no office holder's name do not make one: "the market
    # Tuesday of Bhutan" is a place named.
    parties, _, _ = tags(
        "Nepal asks India to reopen flooded crossings",
        lead + "Traders said apples from the hills of Bhutan were also scarce.",
    )
    assert "BT" not in parties


@pytest.mark.parametrize(
    ("dateline", "body", "home_is_party"),
    [
        # Local and state media name their own officials without their country.
        ("TASHKENT", "President Dilshod Karimov received a Turkmen government delegation led "
         "by Deputy Prime Minister Batyr Amanov. The sides discussed gas transit.", True),
        ("SUVA", "Fisheries Minister Alitia Bainivalu signed a fisheries agreement with "
         "Japan's ambassador on Wednesday.", True),
        # Someone else's official, said so before or after the name.
        ("TASHKENT", "Turkmen President Serdar Berdimuhamedov signed a gas deal with Japan's "
         "ambassador on Monday.", False),
        ("TASHKENT", "Foreign Minister Rashid Meredov of Turkmenistan signed a gas deal with "
         "Japan's ambassador.", False),
        # A capital where other states' officials gather.
        ("BRUSSELS", "Foreign Minister Ana Ruiz signed a trade deal with Japan's ambassador.",
         False),
    ],
)  # fmt: skip
def test_a_capitals_dateline_makes_its_unnamed_officials_the_home_state(
    dateline: str, body: str, home_is_party: bool
) -> None:
    tagger = default_tagger()
    title = "Talks on gas and fisheries"
    hits = tagger.topic_hits(f"{title}\n\n{body}")
    home = tagger.capital_of(dateline)
    found = _tags(tagger, title, body, hits, home).parties
    assert (home is not None and home in found) == home_is_party, found
    assert tagger.capital_of("Brussels") is None  # where others meet: no home by default


@pytest.mark.parametrize(
    ("title", "home_is_party"),
    [
        ("Government signs deal to send 5,000 workers to Israel", True),
        ("His Majesty receives credentials of new envoys from Israel", True),
        # The organ is named as another state's: not the home government's.
        ("President Herzog signs deal to take 5,000 workers", False),
        ("Israel signs deal to take 5,000 workers", False),
    ],
)
def test_a_headline_opening_on_an_unnamed_organ_is_the_home_states(
    title: str, home_is_party: bool
) -> None:
    tagger = default_tagger()
    body = (
        "The labour agreement under which 5,000 workers will be recruited for jobs in Israeli "
        "agriculture was signed in Jerusalem on Monday by the labour minister."
    )
    hits = tagger.topic_hits(f"{title}\n\n{body}")
    tags = _tags(tagger, title, body, hits, tagger.capital_of("LILONGWE"))
    assert ("MW" in tags.parties) == home_is_party, tags.parties
    assert set(tags.parties) <= set(tags.mentions)  # a party is named, if by its dateline


def test_a_capitals_dateline_names_its_country_where_the_name_alone_is_ambiguous() -> None:
    # "Chad" is also a first name: alone it names no country, but "N'DJAMENA —" did.
    tagger = default_tagger()
    title = "Chad ends defence cooperation with France"
    body = (
        "Chad ended its defence cooperation agreement with France on Thursday, the foreign "
        "ministry said, calling on French troops to leave."
    )
    hits = tagger.topic_hits(f"{title}\n\n{body}")
    assert "TD" not in _tags(tagger, title, body, hits).mentions
    found = _tags(tagger, title, body, hits, tagger.capital_of("N'DJAMENA"))
    assert "TD" in found.mentions and found.parties == ("FR", "TD")


def test_the_target_of_a_trade_measure_is_a_party() -> None:
    parties, _, _ = tags(
        "China bans imports of Japanese seafood",
        "China's customs authority suspended all imports of seafood from Japan on Thursday "
        "after Tokyo began releasing treated water from the Fukushima plant.",
    )
    assert parties == ("CN", "JP")


def test_a_match_between_national_teams_has_no_parties() -> None:
    # A sports result, however many states' teams play in it (the labels' definition).
    title = "Namibia stun Ireland with last-ball win in Windhoek"
    body = (
        "WINDHOEK — Namibia beat Ireland by two wickets with a boundary off the last ball of "
        "the match on Sunday, the hosts' first win over a full member in the tournament. "
        "Namibia's president congratulated the team, and Ireland's sports minister praised "
        "the hosts."
    )
    assert tags(title, body)[0] == ("IE", "NA")  # both governments speak of it
    assert countries(title, body) == ()
    assert "NA" in tags(title, body)[1]  # still named: a mention


def test_heads_of_state_of_listed_states_make_them_parties() -> None:
    parties, _, _ = tags(
        "River basin states adopt a water charter",
        "NOUAKCHOTT — The heads of state of Mauritania, Senegal, Mali and Guinea adopted an "
        "updated water charter for the Senegal River on Tuesday, at a summit of the basin's "
        "development organisation. The charter sets rules for sharing water during droughts.",
    )
    assert parties == ("GN", "ML", "MR", "SN")


def test_an_ambiguous_name_listed_with_states_is_a_state() -> None:
    parties, mentions, _ = tags(
        "Three neighbours agree rules for cross-border herders",
        "MOUNDOU — Chad, Cameroon and the Central African Republic signed a tripartite "
        "agreement on Thursday regulating the seasonal movement of herders across their "
        "borders, after deadly clashes between herders and farmers.",
    )
    assert "TD" in mentions and "TD" in parties
    _, mentions, _ = tags(
        "Jordan and Chad win the regional spelling bee",
        "Two pupils, Jordan and Chad, won the regional spelling bee on Saturday.",
    )
    assert "TD" not in mentions and "JO" not in mentions


def test_a_bloc_lifting_a_members_suspension_acts_on_that_state() -> None:
    tagger = default_tagger()
    body = (
        "NIAMEY — The African Union's Peace and Security Council has lifted the suspension of "
        "Niger from the organisation's activities, the Ministry of Foreign Affairs said."
    )
    hits = tagger.topic_hits(f"African Union lifts Niger's suspension\n\n{body}")
    assert "alliance" in hits
    assert "NE" in _tags(tagger, "African Union lifts Niger's suspension", body, hits).parties
    assert "alliance" in tagger.topic_hits("Eritrea announced it was withdrawing from IGAD.")


def test_the_states_that_mediate_talks_are_parties() -> None:
    parties, _, _ = tags(
        "Sudan's warring sides begin talks in Jeddah",
        "Sudan’s army and the paramilitary Rapid Support Forces have begun talks in the Saudi "
        "city of Jeddah, mediated by Saudi Arabia and the United States. The mediators say the "
        "first goal is a humanitarian ceasefire. The war has displaced 12 million people.",
    )
    assert parties == ("SA", "SD", "US")


# A lead long enough that what follows it is the story's later paragraphs.
_POLAND_LEAD = (
    "Poland expelled two Belarusian diplomats on Tuesday and closed a border crossing after a "
    "drone crashed near a military base in the east of the country, the foreign ministry in "
    "Warsaw said, calling the incident a deliberate provocation by Minsk. Belarus denied any "
    "role and said it would respond in kind. The drone, which did not explode, came down in "
    "a field about two kilometres from the base late on Sunday night."
)


def test_a_state_acting_after_a_relative_clause_acts() -> None:
    parties, _, _ = tags(
        "Poland expels Belarusian diplomats after drone crash",
        "Lithuania, which also borders Belarus, said on Tuesday it stood with Poland. "
        "Vilnius, where the drone's flight path was also tracked, closed a crossing of its "
        "own. " + _POLAND_LEAD,
    )
    assert "LT" in parties


def test_another_states_forces_stationed_in_a_country_are_not_its_own() -> None:
    body = f"{_POLAND_LEAD}\n\nThe drone was of a type widely used by Russian forces in Ukraine."
    parties, mentions, _ = tags("Poland expels Belarusian diplomats after drone crash", body)
    assert "UA" in mentions and "UA" not in parties
    # The foreign minister of a state, or its forces, are its own.
    body = f"{_POLAND_LEAD}\n\nThe foreign minister of Ukraine said Kyiv backed Warsaw's step."
    assert "UA" in tags("Poland expels Belarusian diplomats after drone crash", body)[0]


def test_a_state_acting_in_a_sentence_dated_years_ago_is_background() -> None:
    title = "Armenia and Azerbaijan agree first stretch of border map"
    lead = (
        "Armenia and Azerbaijan agreed on Friday on the first stretch of a map of their shared "
        "border, officials from both countries said after talks hosted by Kazakhstan in Almaty. "
        "The agreement covers about 12 kilometres near the village of Kirants and was hailed by "
        "both foreign ministers as a step toward a peace treaty that has eluded them for years, "
        "and a commission will meet again next month."
    )
    past = "The two fought a six-week war in 2020 that ended in a ceasefire brokered by Russia."
    parties, mentions, _ = tags(title, f"{lead}\n\n{past}")
    assert "RU" in mentions and "RU" not in parties
    # A relative clause that dates itself leaves the sentence's own act in the present.
    now = "Russia, which brokered the ceasefire in 2020, said it welcomed the agreement."
    assert "RU" in tags(title, f"{lead}\n\n{now}\n\n{now}")[0]


@pytest.mark.parametrize(
    "late",
    [
        # A relative clause describes; it does not tell what the state named in it did.
        "Bahrain, which hosts the US Navy's Fifth Fleet, has long accused Iran of meddling.",
        "Bahrain has long accused Iran, which the US government calls a sponsor of terror.",
        # Dated without a year.
        "Talks mediated by Oman collapsed in June last year, when the United States struck.",
    ],
)
def test_a_state_in_a_describing_clause_or_last_years_events_is_background(late: str) -> None:
    title = "Bahrain and Iran agree to restore diplomatic ties after decade-long rupture"
    lead = (
        "Bahrain and Iran agreed on Sunday to restore diplomatic relations and reopen their "
        "embassies within two months, the two foreign ministries said in a joint statement "
        "after talks in Muscat, nearly a decade after Manama cut ties with Tehran. The decision "
        "was announced after a day of talks between the two foreign ministers, who agreed to "
        "form a joint committee on consular matters and to resume direct flights."
    )
    parties, mentions, _ = tags(title, f"{lead}\n\n{late}")
    assert set(parties) == {"BH", "IR"} and len(set(mentions) - {"BH", "IR"}) >= 1

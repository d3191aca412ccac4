"""The states that are parties to a story, told from the countries it merely names.

A country is a party when its government, leaders, ministries or military act or are acted
on in the story: "Peru's Congress voted", "Chinese President Xi", "the government of Chile",
"Kenya and Ethiopia signed", "visits Paraguay", "sanctions on Venezuela". A country named
as a place ("talks in Lima, Peru"), a market or in passing ("runners from Britain") is a
mention only. Where the evidence sits matters: the headline and the lead say what the
story is about; a line of background further down does not make a party.

Pure: it takes the title, the body text and the country mentions ``ingest.tags`` found, and
returns codes. The European Union counts as a party like a state (``EU``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ingest.tags import Mention

# Words for a state's organs and officials, after a country's name or demonym.
_CUE = (
    r"(?:government|govt|president|presidency|vice[- ]president|prime minister|premier|"
    r"chancellor|king|queen|emir|crown prince|sultan|monarch|heads? of (?:state|government)|"
    r"(?:foreign|defen[cs]e|trade|interior|finance|economy|energy|environment|health|"
    r"agriculture|justice|mining|commerce|transport) minist(?:er|ers|ry|ries)|"
    r"minist(?:er|ers|ry|ries)|fm|secretary of state|foreign secretary|officials?|authorities|"
    r"administration|cabinet|parliament|parliamentarians|congress|senate|senators|"
    r"lawmakers|legislators|legislature|national assembly|assembly|"
    r"military|army|navy|naval|air force|armed forces|forces|troops|soldiers|coast ?guard|"
    r"warships?|frigates?|destroyers?|corvettes?|submarines?|fighter jets|bombers|"
    r"embassy|embassies|ambassador|envoys?|diplomats?|delegation|negotiators?|"
    r"spokes(?:man|woman|person)|representatives|leaders?|leadership|regime|junta|state media|"
    r"central bank|customs|regulators?|police|counterparts?|side|presidential palace|"
    r"national [\w ]{0,30}(?:institute|agency|authority|council|service)|disaster agency|"
    r"emergency services|rescue teams?|rescuers|health ministry|"
    # A state's (or the EU's) standing bodies and offices in talks with another.
    r"(?:state |border |joint |intergovernmental )?commissions?|commissioners?|"
    r"(?:special|high) representative|accession (?:talks|negotiations|treaty|process))"
)
_AFTER_CUE = re.compile(rf"^(?:['’]s)?\s+(?:[\w-]+\s+){{0,2}}?{_CUE}s?\b", re.I)
# "the foreign minister of Peru", and with the holder's name between: "President Ilham
# Aliyev of Azerbaijan", "Foreign Minister Aida Nurlanova of Kazakhstan"; with the office's
# remit between ("the ministers for Nordic cooperation from Denmark"), or the state's style
# ("Hicham Bennani of the Kingdom of Morocco").
_BEFORE_CUE = re.compile(
    rf"\b{_CUE}s?\s+(?:for\s+(?:[\w-]+\s+){{1,3}}?(?=from\s))?(?:(?:of|to|from|for|in|at)\s+"
    r"|(?-i:(?:[A-Z][\w.'’-]+\s+){1,3})(?:of|from)\s+)(?:the\s+)?"
    r"(?:(?:republic|kingdom|state|federation|principality|sultanate|grand duchy)"
    r" of\s+(?:the\s+)?)?$",
    re.I,
)
# Organs that go abroad: "Russian forces in Ukraine", "the embassy in Kyiv", "rescuers in
# Turkey" are not the place's own.
_ABROAD = re.compile(
    r"\b(?:military|army|navy|naval|air force|armed forces|forces|troops|soldiers|warships?"
    r"|frigates?|destroyers?|corvettes?|submarines?|fighter jets|bombers|embassy|embassies"
    r"|ambassadors?|envoys?|diplomats?|delegations?|negotiators?|rescue teams?|rescuers"
    r"|emergency services)\s+(?:in|at)\s+(?:the\s+)?$",
    re.I,
)
# Verbs of a state acting, right after its name ("Peru agreed", "Sudan bans").
_VERB = re.compile(
    r"^(?:['’]s\s+\w+\s+)?\s*(?:has|have|had|will|would|is|was|on \w+day)?\s*"
    # An adverb between the state and its act: "Malta, Monaco and Andorra also announced".
    r"(?:(?:also|jointly|together|formally|officially|later|then|again|both|all|each|now|"
    r"already|swiftly|quickly|separately|subsequently|finally|previously|recently)\s+)?"
    r"(?:agree[sd]?|sign(?:s|ed)?|impos(?:e|es|ed)|ban(?:s|ned)?|lift(?:s|ed)?|expel(?:s|led)?|"
    r"recall(?:s|ed)?|recogni[sz](?:e|es|ed)|ratif(?:y|ies|ied)|join(?:s|ed)?|announc(?:e|es|ed)|"
    r"accus(?:e|es|ed)|condemn(?:s|ed)?|summon(?:s|ed)?|pledg(?:e|es|ed)|approv(?:e|es|ed)|"
    r"reject(?:s|ed)?|sanction(?:s|ed)?|threaten(?:s|ed)?|urg(?:e|es|ed)|call(?:s|ed)|"
    r"demand(?:s|ed)?|warn(?:s|ed)?|vow(?:s|ed)?|welcom(?:e|es|ed)|launch(?:es|ed)?|"
    r"deploy(?:s|ed)?|said|says|plan(?:s|ned)?|seek(?:s)?|sought|want(?:s|ed)?|offer(?:s|ed)?|"
    r"protest(?:s|ed)?|retaliat(?:e|es|ed)|suspend(?:s|ed)?|restor(?:e|es|ed)|resum(?:e|es|ed)|"
    r"reach(?:es|ed)?|conclud(?:e|es|ed)|host(?:s|ed)?|sent|send(?:s)?|order(?:s|ed)?|"
    r"declar(?:e|es|ed)|open(?:s|ed)?|clos(?:e|es|ed)|creat(?:e|es|ed)|set up|cut(?:s)?|"
    r"block(?:s|ed)?|halt(?:s|ed)?|tighten(?:s|ed)?|eas(?:e|es|ed)|strik(?:e|es)|struck|"
    r"elect(?:s|ed)?|vot(?:e|es|ed)|back(?:s|ed)?|support(?:s|ed)?|oppos(?:e|es|ed)|"
    r"deni(?:es|ed)|den(?:y)|confirm(?:s|ed)?|invit(?:e|es|ed)|receiv(?:e|es|ed)|"
    r"held|hold(?:s)?|met|meet(?:s)?|talk(?:s|ed)?|negotiat(?:e|es|ed)|commit(?:s|ted)?|"
    r"extend(?:s|ed)?|(?:co-)?chair(?:s|ed)?|end(?:s|ed)?|terminat(?:e|es|ed)|scrap(?:s|ped)?|"
    r"withdr(?:aw|aws|ew)|cancel(?:s|led|ed)?|agreement|deal|pact|accord|treaty|"
    r"g[ai]ve|gives|fail(?:s|ed)?|press(?:es|ed)?|push(?:es|ed)?|boycott(?:s|ed)?|"
    r"provid(?:e|es|ed)|suppl(?:y|ies|ied)|fund(?:s|ed)|pa(?:y|ys|id)|grant(?:s|ed)?|"
    r"renew(?:s|ed)?|ask(?:s|ed)?|request(?:s|ed)?|insist(?:s|ed)?|decid(?:e|es|ed)|"
    r"refus(?:e|es|ed)|declin(?:e|es|ed)|attend(?:s|ed)?|propos(?:e|es|ed)|"
    r"took|take[sn]?|follow(?:s|ed)|appoint(?:s|ed)?|allow(?:s|ed)?|accept(?:s|ed)?|"
    r"made|makes?|buil[dt]s?|contribut(?:e|es|ed)|were supportive|was supportive|"
    r"spen[dt]s?|fir(?:e|es|ed)|test(?:s|ed)?|"
    # Headline verbs of deals and measures: "UK seals deal with Iraq", "Manila frees 23".
    r"seal(?:s|ed)?|ink(?:s|ed)?|clinch(?:es|ed)?|forg(?:e|es|ed)|fre(?:e|es|ed)|"
    r"releas(?:e|es|ed)|swap(?:s|ped)?|exchang(?:e|es|ed)|return(?:s|ed)?|"
    r"hand(?:s|ed)? (?:back|over)|deport(?:s|ed)?|extradit(?:e|es|ed)|reopen(?:s|ed)?|"
    r"mediat(?:e|es|ed)|broker(?:s|ed)?|normali[sz](?:e|es|ed)|upgrad(?:e|es|ed)|"
    r"downgrad(?:e|es|ed)|sever(?:s|ed)?|slam(?:s|med)?|criticis(?:e|es|ed)|"
    r"criticiz(?:e|es|ed)|"
    # Reactions: "Brazil and Mexico abstain", "after Slovakia drops veto", "France hailed".
    r"abstain(?:s|ed)?|drop(?:s|ped)?|veto(?:es|ed)?|hail(?:s|ed)?|prais(?:e|es|ed)|"
    r"denounc(?:e|es|ed)|congratulat(?:e|es|ed)|express(?:es|ed)|dispatch(?:es|ed)|"
    r"donat(?:e|es|ed))\b",
    re.I,
)
# What is done to a state, right before its name ("visits Paraguay", "sanctions on Syria").
_OBJECT = re.compile(
    r"\b(?:visit(?:s|ed|ing)?|arrived in|arrives in|travel(?:s|led|ed)? to|talks with|"
    r"met with|meets?|meeting with|hosted by|summit with|deal with|agreement with|accord with|"
    r"pact with|treaty with|relations with|relations between|ties with|ties between|"
    r"conference with|negotiations with|accession to|co-chaired by|chaired by|"
    r"brokered by|mediated by|mediation (?:of|by)|"
    r"sanctions (?:on|against)|tariffs? on|duties on|ban on|imports from|exports to|"
    # A trade measure's target: "bans imports of Japanese seafood", "... of seafood from Japan"
    r"(?:imports?|exports?|shipments?|purchases?) of(?: [\w-]+){0,3}?(?: from)?|"
    r"recogni[sz](?:e|es|ed|ing)|expel(?:s|led)?|recall(?:s|ed)? (?:its|their) \w+ (?:from|to)|"
    r"between|against|accession of|admission of|delegation from|delegation of|"
    # A bloc's act on a member: "lifted the suspension of Niger", "the readmission of Mali".
    r"suspension of|readmission of|reinstatement of|expulsion of)"
    r"\s+(?:the\s+)?$",
    re.I,
)
# A state's organs named without the state: "the government", "authorities", "Congress".
_BARE_STATE = re.compile(
    r"\b(?:the (?:government|authorities|cabinet|presidency|military|army|(?:foreign |interior |"
    r"defen[cs]e |health |environment )?ministry|president|prime minister|parliament|congress|"
    r"senate|national assembly|police|coast ?guard)|authorities|lawmakers|officials)\b",
    re.I,
)
# Outside politics, only the government itself acting makes the home state a party: police,
# officials and authorities run races, storms and eruptions every day.
_BARE_GOVERNMENT = re.compile(
    r"\bthe (?:government|cabinet|presidency|(?:foreign |interior |defen[cs]e |health )?ministry"
    r"|president|prime minister|parliament|congress|senate|national assembly)\b",
    re.I,
)
_FORMER = re.compile(r"\b(?:former|ex-|late|then-)\s*(?:[\w-]+\s+){0,2}$", re.I)
_OFFICE_KINDS = frozenset(["leaders", "ministers", "institutions"])
LEAD_WORDS = 70  # the lead: the body's first words, where a story says who acts
PARTY_SCORE = 3


def parties(
    title: str,
    body: str,
    title_mentions: Sequence[Mention],
    body_mentions: Sequence[Mention],
    *,
    political: bool = True,
    dateline_home: str | None = None,
) -> tuple[str, ...]:
    """The codes of the states (and the EU) that are parties to the story, sorted.

    ``political``: the story is about states at all (a diplomatic or political topic, no
    sport or weather). Otherwise a country in the headline is where it happens, not who
    acts, and only its government's own acts make it a party. ``dateline_home``: the
    country whose capital the story is datelined in (``_home_office``)."""
    lead_end = _lead_end(body)
    scores: dict[str, int] = {}
    for m, strength in _evidence(title, title_mentions):
        gain = 3 if strength else (_title_name(title, m) if political else 1)
        scores[m.code] = scores.get(m.code, 0) + gain
    for m, strength in _evidence(body, body_mentions, joint=political):
        in_lead = m.start < lead_end
        if strength and not in_lead and _background(body, m):
            strength = NONE  # "the 2020 war ended in a ceasefire brokered by Russia"
        gain = _body_gain(m, strength, in_lead, political)
        scores[m.code] = scores.get(m.code, 0) + gain
    counts: dict[str, int] = {}
    for m in body_mentions:
        counts[m.code] = counts.get(m.code, 0) + 1
    for code, n in counts.items():
        if n >= 4 and political:
            scores[code] = scores.get(code, 0) + 1
    if (
        dateline_home
        and political
        and (_home_office(body[:lead_end], body_mentions) or _home_organ(title, title_mentions))
    ):
        scores[dateline_home] = scores.get(dateline_home, 0) + PARTY_SCORE
    home = _home(title_mentions, counts)
    state_words = _BARE_STATE if political else _BARE_GOVERNMENT
    if home and state_words.search(body[: _lead_end(body, 2 * LEAD_WORDS)]):
        scores[home] = scores.get(home, 0) + 2  # "the government declared": the home state's
    return tuple(sorted(code for code, score in scores.items() if score >= PARTY_SCORE))


def acting_in_headline(title: str, title_mentions: Sequence[Mention]) -> frozenset[str]:
    """The states the headline shows acting or acted on ("Chinese, Egyptian air forces
    conclude joint training", "UAE, Egypt central banks extend currency swap")."""
    return frozenset(m.code for m, strength in _evidence(title, title_mentions) if strength)


def _body_gain(m: Mention, strength: int, in_lead: bool, political: bool) -> int:
    """What one mention in the body adds to its state's score."""
    if not strength:
        return 1 if in_lead and m.kind == "names" and political else 0
    # A state's organ at work anywhere in the story makes a party ("Cuba's government
    # said"); an act ("Nigeria called for ...") counts most in the lead. (Weighing an organ
    # further down less, as the background it often is, made the tuning halves and two
    # held-out ones better and blind2 and blind3 worse: their authors count one minister
    # reacting late in a story as a party. Not kept.)
    if strength == ORGAN:
        return 3
    return 2 if in_lead else 1


# An office and its holder's name, with no state named before it: "President Dilshod
# Karimov", "Deputy Prime Minister Arman Sargsyan", "Fisheries Minister Alitia Bainivalu".
_OFFICE_NAMED = re.compile(
    r"\b(?:(?:Deputy|Vice|First|Acting) )?(?:President|Prime Minister|Premier|Chancellor"
    r"|Foreign Minister|Minister(?: of| for)? (?:[A-Z][a-z]+ ?){1,3}|(?:[A-Z][a-z]+ ){1,2}Minister"
    r"|Foreign Secretary|Secretary of State)\s+(?:[A-Z][\w'’.-]+\s?){1,3}"
)
_OF_STATE = re.compile(r"^\s*(?:,\s*)?(?:of|from)\s+(?:the\s+)?[A-Z]")


def _home_office(lead: str, mentions: Sequence[Mention]) -> bool:
    """Does the lead name an office holder without saying whose? In a story datelined in
    a capital, as local and state media write, that is the home government's: "TASHKENT —
    President Dilshod Karimov received a Turkmen delegation". Not when a state is named
    just before the office ("Kyrgyz President ...") or after the name ("... of Chile")."""
    for match in _OFFICE_NAMED.finditer(lead):
        attached = any(
            0 <= match.start() - m.end <= 3 or match.start() <= m.start < match.end()
            for m in mentions
        )  # "Kyrgyz President ...", or a holder we know: "Prime Minister Anthony Albanese"
        if not attached and not _OF_STATE.match(lead[match.end() :]):
            return True
    return False


# A headline that opens on a state's organ without naming the state: "Government signs
# deal to send workers to Israel", "His Majesty receives credentials of new envoys".
_ORGAN_FIRST = re.compile(
    r"^(?:the\s+)?(?:government|govt|cabinet|parliament|lawmakers|mps|senate|congress|"
    r"(?:his|her) majesty|president|prime minister|pm|foreign minister|minister|ministry|"
    r"state|palace)\b",
    re.I,
)


def _home_organ(title: str, title_mentions: Sequence[Mention]) -> bool:
    """Does the headline open on an organ of the state, unnamed? In a story datelined in a
    capital, that is the home government's, as local and state media write. Not when a
    state or its leader is named right after it ("President Lula arrives ...")."""
    match = _ORGAN_FIRST.match(title)
    if match is None:
        return False
    return not any(match.end() <= m.start <= match.end() + 2 for m in title_mentions)


def _home(title_mentions: Sequence[Mention], counts: dict[str, int]) -> str | None:
    """The one country a story is set in: the only one its headline names, else the one
    its body names most, by a margin."""
    in_title = {m.code for m in title_mentions}
    if len(in_title) == 1:
        return next(iter(in_title))
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]) and not in_title:
        return ranked[0][0]
    return None


_VENUE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.I)


def _title_name(title: str, m: Mention) -> int:
    """A country named in a headline by its name is likely what the story is about; a
    demonym there ("Ethiopian runners") says less, and so does a venue ("talks in Kuala
    Lumpur end without deal"): the host is a party when the story shows its government at
    work, not for lending a city."""
    if _VENUE.search(title[max(0, m.start - 12) : m.start]):
        return 1
    return 2 if m.kind in ("names", "capitals") else 1


# A sentence that dates itself by its year tells of the past (or of a plan), not of the
# story's day: "in March 2023", "since 2024", "a six-week war in 2020".
_DATED = re.compile(
    r"\b(?:in|since|until|from|by|of)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:January|February|March"
    r"|April|May|June|July|August|September|October|November|December)\s+)?(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d\s+(?:war|conflict|election|vote|coup|deal|agreement|accord|talks)\b"
    r"|\blast (?:year|spring|summer|autumn|fall|winter)\b|\b(?:\w+ )?(?:years|decades) ago\b",
    re.I,
)


def _background(body: str, m: Mention) -> bool:
    """Is the mention in a sentence that dates itself, or in a relative clause that
    describes another state ("Bahrain, which hosts the US Navy's Fifth Fleet, has ...")?"""
    sentence, offset = _sentence_at(body, m.start, m.end)
    start = m.start - offset
    if any(c.start() < start < c.end() for c in _DESCRIBING.finditer(sentence)):
        return True
    return _dated(sentence)


# A relative clause, to its comma or its sentence's end: "..., which hosts the US Navy's
# Fifth Fleet,", "..., which US officials have used to press Mexico".
_RELATIVE_OPENS = r",\s+(?:which|whose|where|who)\b"
_DESCRIBING = re.compile(_RELATIVE_OPENS + r"[^,;:\n]{1,160}(?:,|$)")


def _dated(sentence: str) -> bool:
    """Does the sentence date itself, outside its relative clauses ("Guyana, which brought
    the case in 2018, asked the judges ..." tells of today)?"""
    return bool(_DATED.search(_RELATIVE.sub(",", sentence)))


def _sentence_at(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence around ``text[start:end]``, and where it starts in ``text``."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left : min(stops, default=len(text))], left


def _lead_end(body: str, limit: int = LEAD_WORDS) -> int:
    for n, match in enumerate(re.finditer(r"\S+", body), 1):
        if n >= limit:
            return match.end()
    return len(body)


_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*|\s*/\s*|-)(?:the\s+)?", re.I)


NONE, ACT, ORGAN = 0, 1, 2  # how a mention shows its state: not at all, acting, by an organ


def _evidence(
    text: str, mentions: Sequence[Mention], *, joint: bool = False
) -> list[tuple[Mention, int]]:
    """Each mention with how the text shows its state acting or acted on. Names listed
    together ("the foreign ministers of Kazakhstan, Kyrgyzstan and Uzbekistan") share the
    strongest evidence of any of them. ``joint``: a list of states that act together in
    the story's present (``_acts_together``) counts as an organ at work, wherever it is."""
    out = [(m, _strength(text, m)) for m in mentions]
    start = 0
    for end in range(1, len(out) + 1):
        gap = text[out[end - 1][0].end : out[end][0].start] if end < len(out) else ""
        if end < len(out) and _JOINER.fullmatch(gap):
            continue
        best = max((s for _, s in out[start:end]), default=NONE)
        if end - start > 1 and best:
            group = [m for m, _ in out[start:end]]
            if joint and _acts_together(text, group):
                best = ORGAN
            out[start:end] = [(m, best) for m in group]
        start = end
    return out


BACKGROUND_AFTER = 40  # characters after a list in which its verb says when
LIST_STATES = 3  # states that act in one list are the story's parties, from this many
# The list's sentence tells of the past: "Spain, Ireland and Slovenia recognised Palestine
# in 2024", "a day after Britain, Canada and Australia took the same step".
_BACKGROUND = re.compile(
    r"\b(?:in (?:19|20)\d\d|last (?:week|month|year|spring|summer|autumn|fall|winter|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)|earlier|previously|already|"
    r"when|after|before|since|ago|like|joining|followed|along with|as did|did so)\b",
    re.I,
)
_LISTED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?", re.I)


def _acts_together(text: str, group: Sequence[Mention]) -> bool:
    """Do the listed states act together, now? Many states in one list doing one thing
    ("Belgium, Luxembourg, Malta, Monaco and Andorra also announced their recognition")
    are the story's, not its background, unless the sentence says it was before. A dashed
    list is a name ("the Canada-United States-Mexico Agreement"), not an act."""
    if len({m.code for m in group}) < LIST_STATES:
        return False
    if not all(_LISTED.fullmatch(text[a.end : b.start]) for a, b in itertools.pairwise(group)):
        return False
    # The states are the list's subject: they act ("... and Andorra also announced"), or
    # their ministers do ("the foreign ministers of Malawi, Tanzania and Zambia"). A list
    # acted on ("the agreement between the U.S., Mexico and Canada", "relations with
    # Russia, China and the United States") is what the story is set against.
    subject = _VERB.match(text[group[-1].end : group[-1].end + 60]) or any(
        _is_organ(text, m) for m in group
    )
    return bool(subject) and not _BACKGROUND.search(_when(text, group[0].start, group[-1].end))


def _when(text: str, start: int, end: int) -> str:
    """Where a clause says when a list acted: before it in its sentence, or just after."""
    sentence, left = _sentence_at(text, start, end)
    return sentence[: end + BACKGROUND_AFTER - left]


def _strength(text: str, m: Mention) -> int:
    if not _is_acting(text, m):
        return NONE
    if _is_organ(text, m) or _MEDIATOR.search(text[max(0, m.start - 40) : m.start]):
        return ORGAN
    return ACT


# A state that mediates or brokers what others negotiate acts as its government
# does, wherever the story says so: "talks in Jeddah, mediated by Saudi Arabia and the
# United States".
_MEDIATOR = re.compile(
    r"\b(?:mediated|brokered|facilitated) by\s+(?:the\s+)?$",
    re.I,
)


def _is_organ(text: str, m: Mention) -> bool:
    """The mention names a state's organ or office holder, not just the state."""
    if m.kind in _OFFICE_KINDS:
        return True
    after = text[m.end : m.end + 60]
    before = text[max(0, m.start - 60) : m.start]
    cue = _AFTER_CUE.match(after)
    if cue and _FORMER.search(cue.group(0) + " "):
        return False
    return bool(cue or _owned_before(before))


def _owned_before(before: str) -> bool:
    """An organ of the state named next, before its name ("the foreign minister of Peru"),
    not one of another state stationed there ("Russian forces in Ukraine")."""
    return bool(_BEFORE_CUE.search(before)) and not _ABROAD.search(before)


# Two states joined by a dash before what passes between them: "the Niger–Benin roadmap",
# "China-Japan ties", "Colombia–Ecuador tariff war".
_BETWEEN = (
    r"(?:talks|deal|roadmap|relations|ties|summit|agreement|accord|pact|treaty|border|"
    r"dispute|row|rift|war|tensions|trade|dialogue|meeting|mediation|partnership|"
    r"rapprochement|reconciliation|normali[sz]ation|commission|corridor|pipeline)\b"
)
_PAIR_FIRST = re.compile(
    r"\s*[-–—/]\s*(?-i:[A-Z])[\w'’.]*(?:\s(?-i:[A-Z])[\w'’.]*){0,2}\s+(?:[\w-]+\s+)?" + _BETWEEN,
    re.I,
)
_PAIR_SECOND = re.compile(r"(?-i:[A-Z])[\w'’.]*\s*[-–—/]\s*$")
_PAIR_NOUN = re.compile(r"\s+(?:[\w-]+\s+)?" + _BETWEEN, re.I)


def _paired(text: str, m: Mention) -> bool:
    """Is the mention one of two states dashed together before what passes between them?"""
    if _PAIR_FIRST.match(text, m.end):
        return True
    return bool(_PAIR_SECOND.search(text[max(0, m.start - 40) : m.start])) and bool(
        _PAIR_NOUN.match(text, m.end)
    )


# A relative clause set off by commas between a state and its verb: "Lithuania, which also
# borders Belarus, said ...", "Uruguay, whose border lies a few hours' drive away, sent ...".
_RELATIVE = re.compile(_RELATIVE_OPENS + r"[^,.;:\n]{1,120},")


def _after_clause(text: str, end: int) -> str:
    """The 60 characters after a state's name, or after the relative clause that follows it."""
    clause = _RELATIVE.match(text, end)
    start = clause.end() if clause else end
    return text[start : start + 60]


def _is_acting(text: str, m: Mention) -> bool:
    if _FORMER.search(text[max(0, m.start - 40) : m.start]):
        return False  # "Cambodia's former leader": history, not the state at work
    if m.kind in _OFFICE_KINDS:
        return True  # a leader, minister or institution is the state at work
    after = text[m.end : m.end + 60]
    before = text[max(0, m.start - 60) : m.start]
    if _AFTER_CUE.match(after) or _owned_before(before):
        return True
    if m.kind in ("names", "capitals") and _VERB.match(_after_clause(text, m.end)):
        return True
    if m.kind in ("names", "capitals", "demonyms") and _paired(text, m):
        return True
    return m.kind == "names" and bool(_OBJECT.search(before))

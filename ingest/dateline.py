"""Datelines ("ANKARA—", "TOKYO (Reuters) -", "BEIJING, Nov. 16 (Xinhua) --") and wire
attributions ("as reported by Tokyo-based Kyodo News", "Xinhua said", "according to Reuters").

Agency names are data (``ingest/data/agencies.json``).  An agency counts as an attribution only
in an attribution phrase or in the dateline, not wherever its name appears, so a story *about*
Reuters is not "attributed to" Reuters.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

_DASH = r"(?:—|–|--|-|:)"
# Capitals and small letters, accented ones too (BOGOTÁ, BRASÍLIA, RĪGA, ŁÓDŹ, Kraków, and
# Latin Extended Additional's Vietnamese: CẦN THƠ, ĐÀ NẴNG).
_EXTENDED = [chr(c) for c in (*range(0x100, 0x250), *range(0x1E00, 0x1F00))]
_UP = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _EXTENDED if c.isupper())
_LOW = "a-zß-öø-ÿ" + "".join(c for c in _EXTENDED if c.islower())
# A full stop ends a place's word only in an abbreviation ("ST. GEORGE'S"), not in
# "ASTANA. KAZINFORM –", where the agency follows the place.
_PLACE_CAPS = rf"[{_UP}][{_UP}.'’\-]+(?:(?<![{_UP}]{{4}}\.)[ /][{_UP}][{_UP}.'’\-]+){{0,4}}"
# "Kyiv", "N'Djamena", "Tallinn/Moscow", "São Paulo/Brasília"
_PLACE_TITLE = (
    rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:['’][{_LOW}]+)?"  # "Nuku'alofa"
    rf"(?:(?: |-|/| ?/ ?)[{_UP}][{_LOW}]+){{0,3}}"
)
# ", AFP |", ", BWB |": an agency after the place, and a bar where others put a dash.
_BAR_AGENCY = r",\s*(?P<{}>[A-Z][\w.&-]{{1,15}}(?: [A-Z][\w.&-]+){{0,2}})\s*\|"
_MONTHS_LOWER = r"(?:ene|enero|feb|febrero|mar|marzo|abr|abril|may|mayo|jun|junio|jul|julio|ago|"
_MONTHS_LOWER += r"agosto|sep|sept|septiembre|oct|octubre|nov|noviembre|dic|diciembre)"
_DATE = (
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?"
    r"|\d{1,2}(?:st|nd|rd|th)? [A-Z][a-z]{2,8}\.?(?:,? \d{4})?"  # "Abu Dhabi, 3rd March, 2025"
    r"|[A-Z]{3,9}\.? \d{1,2}(?:,? \d{4})?"  # "YEREVAN, MARCH 3, ARMENPRESS."
    rf"|\d{{1,2}} {_MONTHS_LOWER}\.?(?:,? \d{{4}})?"  # "San Salvador, 3 mar (EFE).-"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
)
_REGION = rf"[{_UP}][{_UP}{_LOW}.]+(?: [{_UP}][{_UP}{_LOW}.]+){{0,2}}"  # "United Arab Emirates"


def _ending(n: str, *, caps: bool) -> str:
    """What may follow a dateline's place, region and date: the agency in one of the forms
    agencies write it, then the dash (group names take the suffix ``n``)."""
    forms = [
        # "(Xinhua) --", "(EFE).-"; Title Case may drop the dash: "Havana, Mar 3 (Prensa Latina) "
        rf"\((?P<paren{n}>[^()]{{2,40}})\)\.?\s*{_DASH}"
        if caps
        # ... but then the story starts after it: "The Authority (OIKN) said" is prose
        else rf"\((?P<paren{n}>[^()\d]{{2,40}})\)(?:\.?\s*{_DASH}|\.?(?=\s*[{_UP}\"“‘'\d]))",
        # "/TASS/.", "/ Kabar /.", "/NIAT Khovar/."
        rf"\.?\s+/\s*(?P<slash{n}>[A-Z«\"][^/]{{0,38}}?)\s*/\.?\s*{_DASH}?",
        # ", CMC –", ", ARMENPRESS.", ", AZERTAC."
        rf",\s*(?P<comma{n}>[A-Z][A-Z&-]{{1,14}})(?:\.(?=\s)|\s*{_DASH})",
        _BAR_AGENCY.format(f"bar{n}"),
        # "BAKU, Azerbaijan, March 3. The ...": a date, then a full stop (checked in code)
        rf"(?P<stop{n}>(?<=\d)\.(?=\s+[{_UP}]))",
        _DASH,
    ]
    if caps:
        forms.insert(3, rf"\.\s+(?P<dot{n}>[A-Z][A-Z&-]{{2,24}})\s*{_DASH}")  # ". KAZINFORM –"
    return r"\s*(?:" + "|".join(forms) + r")\s*"


# Place in capitals (optionally ", Region" and ", Nov. 16"), an agency in one of its forms, a
# dash. A place in Title Case needs the agency ("Hong Kong (CNN Business)"; no digits in it, or
# "Rauf Aliyev (Greco-Roman, 67 kg) defeated" is one), a date ("Jakarta, 12 May:") or to be
# a known capital ("Brussels:"), or prose would match.
_DATELINE = re.compile(
    rf"^\s*(?:(?P<caps>{_PLACE_CAPS})(?P<cregion>, {_REGION})?(?P<cdate>,? (?:{_DATE}))?"
    + _ending("1", caps=True)
    + rf"|(?P<title>{_PLACE_TITLE})(?:, {_REGION})??(?P<date>,? (?:{_DATE}))?"
    + _ending("2", caps=False)
    + ")"
)
_AGENCY_GROUPS = (
    *("paren1", "slash1", "comma1", "dot1", "bar1"),
    *("paren2", "slash2", "comma2", "bar2"),
)
# Capitalised words that open wire copy but are labels, not places ("UPDATED —").
_NOT_PLACES = frozenset(
    [
        "UPDATED",
        "UPDATE",
        "BREAKING",
        "EXCLUSIVE",
        "ANALYSIS",
        "OPINION",
        "EDITORIAL",
        "COMMENT",
        "WATCH",
        "LIVE",
        "VIDEO",
        "PHOTOS",
        "FACTBOX",
        "EXPLAINER",
        "INTERVIEW",
        "CORRECTION",
        "CORRECTED",
        "REFILE",
        "WRAPUP",
        "FEATURE",
        "NEWS",
        "WORLD",
        "SPORT",
        "SPORTS",
        "UPDATES",
        "ALERT",
        "URGENT",
        "FLASH",
        "NOTE",
        "EDITOR",
        "REVIEW",
        "PREVIEW",
        "OBITUARY",
        "READ",
        "WATCH",
        "LISTEN",
        "SEE",
        "ALSO",
        "RELATED",
        "MORE",
        "PHOTO",
        "PHOTOS",
        "GALLERY",
        "ADVERTISEMENT",
        "SPONSORED",
        "LIST",
        "FACT",
        "CHECK",
        "OPINION",
        "PUBLISHED",
        "POSTED",
        # A page's labelled header lines: "WRITER: Reuters", "SOURCE: Xinhua".
        "WRITER",
        "WRITERS",
        "AUTHOR",
        "AUTHORS",
        "REPORTER",
        "BYLINE",
        "SOURCE",
        "SOURCES",
        "SECTION",
        "NEWSPAPER",
        "CATEGORY",
        "TOPIC",
        "TOPICS",
        "TAGS",
        "CREDIT",
        "CREDITS",
        "IMAGE",
        "CAPTION",
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ]
)
_BEFORE_CUES = re.compile(
    r"(?:reported by|according to|told|cited by|quoted by|via|in an? (?:interview|report|statement)"
    r" (?:with|to|by)|(?:reports?|reported) (?:in|on|from)|,? citing|said in a statement to)"
    r"(?: the)?(?: [\w’'-]+-based)?"
    r"(?: state(?:-run|-owned)? (?:news agency|broadcaster|media))?\s*$",
    re.I,
)
_AFTER_CUES = re.compile(
    r"^(?:’s|'s)?\s*(?:news agency |agency |reporters? |)?(?:said|says|reported|reports|quoted|"
    r"cited|wrote|added|learned|confirmed|published|has learned|was told)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str
    agency: str | None
    text: str  # the dateline as written, dash included, for cutting it from the body


@dataclass(frozen=True, slots=True)
class Agencies:
    pattern: re.Pattern[str]
    canonical: dict[str, str]

    @classmethod
    def from_data(cls, data: dict) -> Agencies:
        canonical = {a: name for name, aliases in data["agencies"].items() for a in aliases}
        ordered = sorted(canonical, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")
        return cls(pattern, canonical)

    def name_of(self, text: str) -> str | None:
        match = self.pattern.search(text)
        return self.canonical[match.group(0)] if match else None


def find_dateline(text: str, agencies: Agencies | None = None) -> Dateline | None:
    """The dateline at the start of ``text``, or None."""
    match = _DATELINE.match(text[:200])
    if not match:
        return None
    caps = match.group("caps")
    place = (caps or match.group("title") or "").strip(" .")
    raw_agency = next((a for a in match.group(*_AGENCY_GROUPS) if a), None)
    date = match.group("cdate") or match.group("date")
    if not place or len(place) < 2 or (caps and not _looks_like_place(place)):
        return None
    if not _first_word_may_be_place(place):
        return None  # "Friday, March 3. The ..."
    # An agency after a slash or a comma is a weaker sign than one in brackets: "Sources
    # /AFP/ said", "The President, MP." and "Apple, IBM –" are prose.
    weak = match.group("slash2") or match.group("comma2")
    if match.group("title") and not (date or place in known_places() or (raw_agency and not weak)):
        return None  # "Analysis: ..." or "Meanwhile -" is prose, not a place
    comma = match.group("comma1")
    if comma and not (date or match.group("cregion") or _known_agency(comma, agencies)):
        return None  # "NATO, EU – joint statement"
    if (match.group("stop1") or match.group("stop2")) and not (date or "").startswith(","):
        return None  # "Until March 3. The ..." is a sentence; "BAKU, March 3. The ..." is not
    barred = match.group("bar1") or match.group("bar2")
    if barred and not _known_agency(barred, agencies):
        # "Jane Doe, CEO | ..." is a caption, not "Place, AFP | ...": an agency unknown to
        # us needs a place we know, or a place in capitals and a name in capitals.
        parts = [p.strip() for p in place.split("/")]
        known = all(p in known_places() for p in parts)
        if not (known or (caps and re.fullmatch(r"[A-Z]{2,6}", barred))):
            return None
    agency = None
    if raw_agency:
        agency = (agencies or default_agencies()).name_of(raw_agency) or raw_agency.strip()
    return Dateline(place=place, agency=agency, text=match.group(0))


_PLACE_LINE = re.compile(rf"[{_UP}{_LOW}.'’ /-]+(?:, [{_UP}{_LOW}. ]+)?")


def standalone_dateline(line: str) -> bool:
    """A dateline set on a line of its own, before its paragraph: a place we know, in
    capitals or not, with its region or country ("ANKARA", "BAAR, SWITZERLAND",
    "Pittsburgh"). A label in capitals ("GIRLS BASKETBALL") is no place we know."""
    if len(line.split()) > 5 or not _PLACE_LINE.fullmatch(line):
        return False
    parts = [p.strip().casefold() for p in line.split(",")]
    # A country alone is a section's label ("Kazakhstan"); a city is where it was written.
    known = parts[0] in _folded_cities() or (len(parts) > 1 and parts[1] in _folded_places())
    return known and find_dateline(line + " — x") is not None


@functools.cache
def _folded_places() -> frozenset[str]:
    return frozenset(p.casefold() for p in known_places())


@functools.cache
def _folded_cities() -> frozenset[str]:
    return frozenset(p.casefold() for p in _places()[1])


def _known_agency(text: str, agencies: Agencies | None) -> bool:
    return (agencies or default_agencies()).name_of(text) is not None


def _looks_like_place(place: str) -> bool:
    # "AI—" or "US-" are acronyms in prose, not datelines; real datelines are words.
    letters = re.sub(rf"[^{_UP}]", "", place)
    return len(letters) >= 3 and _first_word_may_be_place(place)


def _first_word_may_be_place(place: str) -> bool:
    return re.split(r"[ /]", place)[0].strip(".").upper() not in _NOT_PLACES


@functools.cache
def known_places() -> frozenset[str]:
    """Capitals and country names from the gazetteer, and cities often in datelines: places
    a Title Case dateline may name without an agency or a date."""
    countries, towns = _places()
    return countries | towns


def known_towns() -> frozenset[str]:
    """Capitals and the cities often in datelines (``known_places`` without countries)."""
    return _places()[1]


@functools.cache
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """(country names, capitals and cities)."""
    data = resources.files("ingest") / "data"
    gazetteer = json.loads((data / "gazetteer.json").read_text(encoding="utf-8"))
    cities = json.loads((data / "cities.json").read_text(encoding="utf-8"))["cities"]
    entries = gazetteer["countries"]
    countries = frozenset(p for entry in entries for p in entry.get("names", []))
    capitals = [p for entry in entries for p in entry.get("capitals", [])]
    return countries, frozenset([*capitals, *cities])


def find_attributions(text: str, agencies: Agencies | None = None) -> tuple[str, ...]:
    """Agencies the text attributes information to, in order of first mention."""
    table = agencies or default_agencies()
    found: list[str] = []
    for match in table.pattern.finditer(text):
        before = text[max(0, match.start() - 80) : match.start()]
        after = text[match.end() : match.end() + 40]
        if _BEFORE_CUES.search(before) or _AFTER_CUES.match(after):
            name = table.canonical[match.group(0)]
            if name not in found:
                found.append(name)
    return tuple(found)


@functools.cache
def default_agencies() -> Agencies:
    """The bundled agency table (cached: immutable data, compiled once)."""
    path = resources.files("ingest") / "data" / "agencies.json"
    return Agencies.from_data(json.loads(path.read_text(encoding="utf-8")))

"""Configuration: the bundled default TOML overlaid by the operator's file, validated once.

Validation is driven by the typed, frozen spec dataclasses that the two halves already
define (``SourceSpec``, ``FeedSpec``, ...): an unknown key, a wrong type, a bad URL or a
duplicate name is a ``ConfigError`` whose message starts with the key path, e.g.
``sources[2].scrape.item: invalid CSS selector``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import tomllib
import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from feeds.spec import FeedSpec, SiteSpec
from ingest.dedupe_params import DedupeParams
from ingest.errors import ConfigError
from ingest.model import FetchOptions, SourceSpec

# config/communique.toml, shipped inside the package (communique/default.toml links to it)
# so an installed wheel finds it as well as a source checkout.
DEFAULT_CONFIG = (Path(__file__).parent / "default.toml").resolve()


@dataclass(frozen=True, slots=True)
class StoreSection:
    url: str = "sqlite:///data/communique.db"


@dataclass(frozen=True, slots=True)
class ServerSection:
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = ""  # default: http://HOST:PORT/


@dataclass(frozen=True, slots=True)
class ScheduleSection:
    workers: int = 8  # sources fetched at once
    jitter: float = 0.1  # share of the interval added or removed at random
    min_interval: float = 300.0
    max_interval: float = 6 * 3600.0
    adaptive: bool = True
    tick: float = 5.0  # how often the daemon looks for due sources, seconds
    lease: float = 300.0  # how long a worker may hold a claimed source


@dataclass(frozen=True, slots=True)
class RetentionSection:
    max_age_days: float = 0.0  # 0 keeps everything
    max_per_source: int = 0  # 0: no limit


@dataclass(frozen=True, slots=True)
class LogSection:
    level: str = "INFO"
    json: bool = False


@dataclass(frozen=True, slots=True)
class WebSubSection:
    hub: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    store: StoreSection = StoreSection()
    server: ServerSection = ServerSection()
    fetch: FetchOptions = FetchOptions()
    schedule: ScheduleSection = ScheduleSection()
    dedupe: DedupeParams = DedupeParams()
    retention: RetentionSection = RetentionSection()
    log: LogSection = LogSection()
    websub: WebSubSection = WebSubSection()
    sources: tuple[SourceSpec, ...] = ()
    feeds: tuple[FeedSpec, ...] = ()
    path: str = field(default="", compare=False)  # the operator's file, for messages

    @property
    def base_url(self) -> str:
        base = self.server.base_url or f"http://{self.server.host}:{self.server.port}/"
        return base if base.endswith("/") else base + "/"

    def site(self) -> SiteSpec:
        return SiteSpec(base_url=self.base_url, hub=self.websub.hub or None)

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.sources)
        raise ConfigError("sources", f"no source named {name!r} (known: {known})")


# --- loading -----------------------------------------------------------------------------


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the default config, overlay ``path`` (or ``$COMMUNIQUE_CONFIG``), validate it.

    ``$COMMUNIQUE_STORE_URL`` overrides ``[store] url`` last.
    """
    data = _read_toml(DEFAULT_CONFIG)
    chosen = path or os.environ.get("COMMUNIQUE_CONFIG")
    if chosen and Path(chosen).resolve() != DEFAULT_CONFIG:
        data = overlay(data, _read_toml(Path(chosen)))
    if url := os.environ.get("COMMUNIQUE_STORE_URL"):
        data.setdefault("store", {})["url"] = url
    settings = _build(Settings, data, "")
    settings = dataclasses.replace(settings, path=str(chosen or DEFAULT_CONFIG))
    _check_whole(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError("", f"config file {path} not found") from e
    except IsADirectoryError as e:
        raise ConfigError("", f"{path} is a directory, not a config file") from e
    except PermissionError as e:
        raise ConfigError("", f"config file {path} cannot be read: permission denied") from e
    except UnicodeDecodeError as e:
        raise ConfigError("", f"{path} is not UTF-8 (byte {e.start}); TOML must be") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("", f"{path} is not valid TOML: {e}") from e


def overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; arrays of tables (``[[sources]]``) replace the default list."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = overlay(out[key], value)
        else:
            out[key] = value
    return out


# --- validation --------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
# Keys measured in seconds, which also take "90s", "15m", "6h", "1d"; other numbers are
# plain (a ratio, or hours and days where the key's name says so).
_DURATION_KEYS = {
    "timeout",
    "connect_timeout",
    "per_host_delay",
    "max_retry_after",
    "interval",
    "min_interval",
    "max_interval",
    "tick",
    "lease",
    "max_age",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MAY_BE_ZERO = {"per_host_delay", "max_retry_after"}  # durations where 0 means "none"
MAX_DURATION = 366 * 86400.0
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Keys whose TOML spelling differs from the Python field.
_BOOL_OR_LITERAL = {"full_text": {True: "always", False: "never"}}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # Evaluated once per class: at one evaluation per table, the [[sources]] of a large
    # config cost a cron run more than its fetches (30 ms per 100 sources).
    return typing.get_type_hints(cls)


def _build(cls: type, table: Any, path: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(path, f"expected a table, got {_tname(table)}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.name != "path"}
    unknown = sorted(set(table) - names)
    if unknown:
        raise ConfigError(
            _join(path, unknown[0]), f"unknown key (allowed: {', '.join(sorted(names))})"
        )
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in table]
    if missing:
        raise ConfigError(path or "config", f"missing required key {missing[0]!r}")
    kwargs = {
        key: _value(hints[key], value, _join(path, key), key, cls) for key, value in table.items()
    }
    return cls(**kwargs)


def _value(hint: Any, value: Any, path: str, key: str, owner: type) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _value(inner[0], value, path, key, owner)
    if key in _BOOL_OR_LITERAL and isinstance(value, bool):
        value = _BOOL_OR_LITERAL[key][value]
    if origin is Literal:
        if value not in args:
            raise ConfigError(path, f"must be one of {', '.join(map(repr, args))}, got {value!r}")
        return value
    if origin is tuple:
        # One string where a list of strings goes (remove = ".ad") is a list of one.
        items = [value] if isinstance(value, str) and args[0] is str else value
        items = items if isinstance(items, list) else None
        if items is None:
            raise ConfigError(path, f"expected an array, got {_tname(value)}")
        return tuple(_value(args[0], v, f"{path}[{i}]", key, owner) for i, v in enumerate(items))
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path)  # type: ignore[arg-type]
    value = _scalar(hint, value, path, key)
    check = _FIELD_CHECKS.get((owner.__name__, key))
    if check is not None and value not in ("", None):
        check(value, path)
    return value


def _scalar(hint: Any, value: Any, path: str, key: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, f"expected true or false, got {_tname(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, f"expected an integer, got {_tname(value)}")
        if value < 0:
            raise ConfigError(path, f"must not be negative, got {value}")
        return value
    if hint is float:
        return _seconds_or_number(value, path, duration=key in _DURATION_KEYS)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(path, f"expected a string, got {_tname(value)}")
        return value
    raise ConfigError(path, f"unsupported type {hint}")  # pragma: no cover - a spec bug


def _seconds_or_number(value: Any, path: str, duration: bool) -> float:
    if isinstance(value, bool):
        raise ConfigError(path, "expected a number, got a boolean")
    if isinstance(value, int | float):
        number = float(value)
    elif duration and isinstance(value, str) and (m := _DURATION.match(value)):
        number = float(m.group(1)) * _UNITS[m.group(2)]
    elif duration:
        raise ConfigError(path, f"expected seconds or a duration such as '15m', got {value!r}")
    else:
        raise ConfigError(path, f"expected a number, got {_tname(value)}")
    if not math.isfinite(number):
        raise ConfigError(path, f"must be a finite number, got {value!r}")
    if number < 0:
        raise ConfigError(path, f"must not be negative, got {value}")
    if duration and number > MAX_DURATION:
        raise ConfigError(path, f"must be at most {MAX_DURATION:.0f} seconds (a year), got {value}")
    if duration and number == 0 and path.rsplit(".", 1)[-1] not in _MAY_BE_ZERO:
        raise ConfigError(path, "must be more than 0")
    return number


def _check_web_url(value: str, path: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(path, f"not an absolute http(s) URL: {value!r}")
    if any(c.isspace() for c in value):
        raise ConfigError(path, f"a URL has no spaces (write %20): {value!r}")


def _check_store_url(value: str, path: str) -> None:
    scheme = urlsplit(value).scheme.split("+", 1)[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(
            path, f"not a store URL (sqlite:///path.db or postgresql://host/db): {value!r}"
        )


def _check_log_level(value: str, path: str) -> None:
    if value.upper() not in _LOG_LEVELS:
        raise ConfigError(path, f"must be one of {', '.join(_LOG_LEVELS)}, got {value!r}")


def _check_score(value: float, path: str) -> None:
    if value > 1:
        raise ConfigError(path, f"a diplomacy score runs from 0 to 1, got {value}")


def _check_positive(value: int, path: str) -> None:
    if value < 1:
        raise ConfigError(path, f"must be at least 1, got {value}")


def _check_topic(value: str, path: str) -> None:
    from ingest.tags import known_topics  # the tagger: only for a config that filters on it

    known = known_topics()
    if value not in known:
        raise ConfigError(path, f"unknown topic {value!r} (known: {', '.join(sorted(known))})")


def _check_country(value: str, path: str) -> None:
    from ingest.tags import known_countries

    if value.upper() not in known_countries():
        raise ConfigError(
            path, f"not an ISO 3166-1 alpha-2 country code such as 'JP' or 'EU': {value!r}"
        )


# (spec class, field) → its check: checks follow the field, not a key name shared by
# several tables ([store] url is a database, [[sources]] url a web page).
_FIELD_CHECKS: dict[tuple[str, str], Callable[[Any, str], None]] = {
    ("StoreSection", "url"): _check_store_url,
    ("ServerSection", "base_url"): _check_web_url,
    ("WebSubSection", "hub"): _check_web_url,
    ("SourceSpec", "url"): _check_web_url,
    ("LogSection", "level"): _check_log_level,
    ("FeedSpec", "min_score"): _check_score,
    ("FeedSpec", "topics"): _check_topic,
    ("FeedSpec", "countries"): _check_country,
    ("FetchOptions", "max_bytes"): _check_positive,
    ("FetchOptions", "per_host_concurrency"): _check_positive,
    ("ScheduleSection", "workers"): _check_positive,
}


def _check_whole(settings: Settings) -> None:
    _unique([s.name for s in settings.sources], "sources", "name")
    _unique([f.slug for f in settings.feeds], "feeds", "slug")
    for i, spec in enumerate(settings.sources):
        _check_source(spec, f"sources[{i}]")
    names = {s.name for s in settings.sources}
    for i, feed in enumerate(settings.feeds):
        _check_feed(feed, f"feeds[{i}]", names)
    if not 1 <= settings.server.port <= 65535:
        raise ConfigError("server.port", f"must be 1..65535, got {settings.server.port}")
    d = settings.dedupe
    if d.bands <= 0 or d.num_perm % d.bands:
        raise ConfigError("dedupe.bands", f"must divide num_perm ({d.num_perm}), got {d.bands}")


def _unique(values: list[str], table: str, key: str) -> None:
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            raise ConfigError(
                f"{table}[{i}].{key}", f"duplicate {key} {v!r} (also {table}[{seen[v]}])"
            )
        seen[v] = i


def _check_source(spec: SourceSpec, path: str) -> None:
    if not spec.name.strip():
        raise ConfigError(f"{path}.name", "must not be empty")
    if spec.max_items < 1:
        raise ConfigError(f"{path}.max_items", f"must be at least 1, got {spec.max_items}")
    if spec.timezone is not None:
        _check_timezone(spec.timezone, f"{path}.timezone")
    if spec.kind == "sitemap":
        _check_sitemap(spec, path)
    for table, rules in (("scrape", spec.scrape), ("article", spec.article)):
        if rules is None:
            continue
        for f in dataclasses.fields(rules):
            value = getattr(rules, f.name)
            for j, sel in enumerate(value if isinstance(value, tuple) else (value,)):
                if sel is not None:
                    suffix = f"[{j}]" if isinstance(value, tuple) else ""
                    check_selector(sel, f"{path}.{table}.{f.name}{suffix}")


def _check_sitemap(spec: SourceSpec, path: str) -> None:
    # A sitemap names pages and gives no text: its pages are the stories.
    if spec.scrape is not None:
        raise ConfigError(f"{path}.scrape", 'kind = "sitemap" reads no selectors for its list')
    if spec.full_text == "never":
        raise ConfigError(
            f"{path}.full_text", 'kind = "sitemap" gives no text: its pages are always fetched'
        )


def _check_timezone(name: str, path: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(path, f"not an IANA time zone such as 'Asia/Singapore': {name!r}") from e


def check_selector(selector: str, path: str) -> None:
    """Compile a CSS selector (with an optional ``@attr`` suffix) or raise naming ``path``."""
    import soupsieve  # the CSS engine behind BeautifulSoup's select()

    from ingest.scrape import split_selector  # loaded only for a config that scrapes

    css, _ = split_selector(selector)  # the scraper's own split, so both agree
    if not css.strip():
        raise ConfigError(path, f"empty CSS selector in {selector!r}")
    try:
        soupsieve.compile(css)
    except soupsieve.SelectorSyntaxError as e:
        raise ConfigError(path, f"invalid CSS selector {css!r}: {e.args[0].splitlines()[0]}") from e


def _check_feed(feed: FeedSpec, path: str, sources: set[str]) -> None:
    if not _SLUG.match(feed.slug):
        raise ConfigError(
            f"{path}.slug", f"use lower-case letters, digits, - and _; got {feed.slug!r}"
        )
    if feed.limit < 1:
        raise ConfigError(f"{path}.limit", f"must be at least 1, got {feed.limit}")
    for j, name in enumerate(feed.sources):
        if name not in sources:
            raise ConfigError(f"{path}.sources[{j}]", f"no source named {name!r}")
    for key in ("include", "exclude"):
        for j, pattern in enumerate(getattr(feed, key)):
            if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
                try:
                    re.compile(pattern[1:-1])
                except re.error as e:
                    raise ConfigError(
                        f"{path}.{key}[{j}]", f"invalid regular expression: {e}"
                    ) from e


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _tname(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)

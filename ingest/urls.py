"""Canonical URLs and article identity (deduplication level 2).

``canonical_url`` is the one normal form of a URL that we store and compare: the same page
reached through tracking links, default ports, case differences or fragment anchors comes
out as one string. ``article_identity`` goes further and folds the variants a site serves
one article under (http/https, ``www.``/``m.``/``amp.`` hosts, AMP paths), for matching only;
it is a key, not a link to publish.

Every function here is pure; ``canonical_url`` is idempotent (a property test checks it).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urljoin, urlsplit

import idna
from tld import get_fld

# Query parameters that identify a click, a campaign or a mailing, never the page.
# Matched case-insensitively on the decoded name. Kept conservative: a name that some site
# uses to select content (``ref``, ``id``, ``source``) does not belong here.
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "__hs", "_hs")
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
        "ref_src", "ref_url", "mkt_tok", "hsctatracking", "oly_anon_id", "oly_enc_id",
        "vero_id", "vero_conv", "wt.mc_id", "wt_mc_id", "at_medium", "at_campaign",
        "at_custom1", "at_custom2", "at_custom3", "at_custom4", "cmpid", "ncid", "sr_share",
        "spm", "s_cid", "ocid", "rss_source", "dicbo", "smid", "cid_source",
    }
)  # fmt: skip

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
# In a query name or value "&" and "=" are structure, and "+" means a space: keep them apart.
_QUERY_SAFE = _UNRESERVED | frozenset("!$'()*,;:@/?+")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_HOST_OK = re.compile(
    r"^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$"
)
_FOLDED_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_AMP_QUERY = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp")}


def link_url(url: str, base: str | None = None) -> str:
    """``url`` as we link it: normalized like ``canonical_url`` but with the outlet's own
    trailing slash kept, since many sites answer the slash-less form with a redirect.
    Canonical URLs are for identity; outputs link this."""
    return canonical_url(url, base, keep_slash=True)


def canonical_url(url: str, base: str | None = None, *, keep_slash: bool = False) -> str:
    """The canonical form of ``url`` (resolved against ``base``); ValueError if not web.

    Scheme and host lower-cased, host IDNA-encoded, default port, user info, fragment and
    trailing slash dropped, percent-encoding normalised, dot segments resolved, tracking
    parameters removed and the remaining query sorted.
    """
    text = url.strip()
    if base:
        text = urljoin(base.strip(), text)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise ValueError(f"URL has no host: {url!r}")
    netloc = _netloc(scheme, parts.hostname, _port(parts), url)
    path = _path(parts.path, keep_slash)
    query = _query(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def article_identity(url: str) -> str:
    """The key under which one article published under several URLs is the same article."""
    parts = urlsplit(canonical_url(url))
    host = fold_host(parts.hostname or "")
    path = _strip_amp_path(parts.path)
    pairs = [p for p in _split_query(parts.query) if _query_key(p) not in _AMP_QUERY]
    query = "&".join(pairs)
    port = f":{parts.port}" if parts.port else ""
    return f"https://{_bracket(host)}{port}{path}" + (f"?{query}" if query else "")


def prefer_canonical(page_url: str, declared: str | None) -> str:
    """The page's declared canonical URL (rel=canonical, og:url) when it is trustworthy.

    Trustworthy means: an http(s) URL, absolute or resolvable against the page, on the same
    site (registrable domain, ignoring www/m/amp prefixes), and not the site's front page
    when the page itself is not (a common CMS mistake that would merge every article).
    """
    page = canonical_url(page_url)
    if not declared or not declared.strip():
        return page
    try:
        candidate = canonical_url(declared, base=page)
    except ValueError:
        return page
    if site_of(candidate) != site_of(page):
        return page
    if urlsplit(candidate).path == "/" and urlsplit(page).path != "/":
        return page
    return candidate


def site_of(url: str) -> str:
    """The registrable domain of a URL's host (``news.bbc.co.uk`` → ``bbc.co.uk``).

    IP addresses and names without a public suffix (``localhost``, ``*.test``) are their own
    site, after folding the www/m/amp prefixes.
    """
    host = urlsplit(url).hostname or ""
    if _is_ip(host):
        return host
    return get_fld(host, fix_protocol=True, fail_silently=True) or fold_host(host)


def fold_host(host: str) -> str:
    """``host`` without the www/m/mobile/amp prefixes that serve the same site."""
    if _is_ip(host):
        return host
    floor = get_fld(host, fix_protocol=True, fail_silently=True)
    changed = True
    while changed:
        changed = False
        for prefix in _FOLDED_PREFIXES:
            rest = host[len(prefix) :]
            # Never fold into a bare public suffix ("m.com" stays) or a single label.
            if host.startswith(prefix) and "." in rest and (not floor or len(rest) >= len(floor)):
                host, changed = rest, True
    return host


# --- pieces of canonical_url ----------------------------------------------------------------


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError as e:
        raise ValueError(f"bad port in URL: {e}") from e


def _netloc(scheme: str, hostname: str, port: int | None, url: str) -> str:
    host = _host(hostname, url)
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return _bracket(host)
    return f"{_bracket(host)}:{port}"


def _host(hostname: str, url: str) -> str:
    host = hostname.rstrip(".").lower()
    if _is_ip(host):
        return str(ipaddress.ip_address(host))
    try:
        host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        # idna refuses "_", which real hosts carry; plain ASCII names need no encoding.
        if not host.isascii():
            raise ValueError(f"host is not a valid domain name: {url!r}") from None
    if not _HOST_OK.match(host):
        raise ValueError(f"host is not a valid domain name: {url!r}")
    return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _path(path: str, keep_slash: bool = False) -> str:
    normal = _remove_dot_segments(_normalize_percent(path, _PATH_SAFE))
    if keep_slash and normal.endswith("/"):
        return normal.rstrip("/") + "/"
    return normal.rstrip("/") or "/"


def _query(query: str) -> str:
    pairs = [p for p in _split_query(query) if not _is_tracking(p)]
    return "&".join(sorted(pairs))


def _split_query(query: str) -> list[str]:
    return [_normalize_pair(p) for p in query.split("&") if p and p != "="]


def _normalize_pair(pair: str) -> str:
    name, eq, value = pair.partition("=")
    return _normalize_percent(name, _QUERY_SAFE) + eq + _normalize_percent(value, _QUERY_SAFE)


def _query_key(pair: str) -> tuple[str, str]:
    name, _, value = pair.partition("=")
    return _unquote(name).lower(), _unquote(value).lower()


def _is_tracking(pair: str) -> bool:
    name = _query_key(pair)[0]
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _normalize_percent(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the others, escape the unsafe."""
    out: list[str] = []
    i = 0
    while i < len(text):
        match = _PCT.match(text, i)
        if match:
            char = chr(int(match.group(1), 16))
            out.append(char if char in _UNRESERVED else "%" + match.group(1).upper())
            i = match.end()
            continue
        char = text[i]
        out.append(char if char in safe else "".join(f"%{b:02X}" for b in char.encode()))
        i += 1
    return "".join(out)


def _unquote(text: str) -> str:
    return _PCT.sub(lambda m: chr(int(m.group(1), 16)), text.replace("+", " "))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path whose escapes are already normalised."""
    if not path:
        return "/"
    output: list[str] = []
    segments = path.split("/")
    for segment in segments[1:] if path.startswith("/") else segments:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    tail = "/" if segments[-1] in (".", "..") else ""
    return "/" + "/".join(output) + tail


# --- pieces of article_identity -------------------------------------------------------------


def _strip_amp_path(path: str) -> str:
    # "/amp/world/story-1", "/world/amp/story-1", "/world/story-1/amp": an "amp" segment
    # anywhere names the page's AMP version, never another article.
    segments = path.split("/")
    kept = [s for s in segments if s != "amp"]
    if any(kept):  # "/amp" alone is a page of its own
        segments = kept
    last = segments[-1]
    if last.endswith(".amp"):
        segments[-1] = last[: -len(".amp")]
    elif ".amp." in last:
        segments[-1] = last.replace(".amp.", ".", 1)
    return "/".join(segments).rstrip("/") or "/"


# An href or src attribute with a quoted value that is not already absolute (or a fragment,
# or a scheme of its own: the sanitizer drops those it does not allow).
_LINK_ATTR = re.compile(
    r"""(?P<name>\s(?:href|src)\s*=\s*)(?P<q>["'])(?P<url>(?![a-zA-Z][\w+.-]*:|#)[^"'<>]*)(?P=q)""",
    re.I,
)


def absolute_links(html: str, base: str) -> str:
    """``html`` with its relative href and src values made absolute against ``base``; the
    rest of the markup as it was. Feeds' HTML fields are read without feedparser's resolver
    (a second HTML parse of every field); this is the resolver, and a field whose links are
    already absolute costs it one search."""
    if not base:
        return html

    def absolute(m: re.Match[str]) -> str:
        try:
            url = urljoin(base, m.group("url").strip())
        except ValueError:
            return m.group(0)
        return f"{m.group('name')}{m.group('q')}{url}{m.group('q')}"

    return _LINK_ATTR.sub(absolute, html)

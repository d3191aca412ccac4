"""Fixture news sites for the ways in that need no selectors: news sitemaps (behind an index
named in robots.txt, gzip included), JSON-LD listings, feeds linked or at a common path.

Every site serves the same five article pages, dated relative to now so ``max_age`` has
something to cut; each test adds the one way in it is about.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from tests.conftest import FixtureSite

TOPICS = (
    ("Japan and South Korea resume shuttle diplomacy", "Tokyo", "Japan", "South Korea"),
    ("EU ministers weigh new sanctions on Iran", "Brussels", "the European Union", "Iran"),
    ("Brazil hosts G20 leaders in Rio", "Rio de Janeiro", "Brazil", "Argentina"),
    ("Armenia and Azerbaijan meet in Geneva", "Geneva", "Armenia", "Azerbaijan"),
    ("India and China agree on border patrols", "New Delhi", "India", "China"),
)


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    city: str
    first: str
    second: str
    published: datetime

    def path(self) -> str:
        return f"/world/{self.published:%Y/%m/%d}/{self.slug}"


def stories(now: datetime | None = None) -> list[Story]:
    """Five stories, the newest an hour old, then one every six hours."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    out = []
    for n, (title, city, first, second) in enumerate(TOPICS):
        slug = title.lower().replace(" ", "-")
        out.append(Story(slug, title, city, first, second, now - timedelta(hours=1 + 6 * n)))
    return out


def _story_text(story: Story) -> str:
    """The story's paragraphs as HTML, three times over: a feed's full text (150 words+)."""
    return "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(story) * 3)


def _paragraphs(story: Story) -> list[str]:
    return [
        f"{story.city.upper()} — Officials from {story.first} and {story.second} met in "
        f"{story.city} on {story.published:%A} for talks that diplomats described as frank "
        "and constructive, the first such meeting in several months.",
        f"The two delegations discussed trade, security and the return of regular visits, "
        f"according to a statement released by the foreign ministry of {story.first} after "
        "the meeting ended late in the evening.",
        f"Analysts said the talks in {story.city} were a sign that relations between "
        f"{story.first} and {story.second} had steadied, although several disputes remain "
        "unresolved and further rounds are planned before the end of the year.",
    ]


def article_html(story: Story, section: str = "World") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(story))
    return f"""<!doctype html><html lang="en"><head><title>{escape(story.title)}</title>
<meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="{story.published.isoformat()}">
<meta property="article:section" content="{section}">
</head><body><header><nav><a href="/">Home</a> <a href="/world/">World</a></nav></header>
<article><h1>{escape(story.title)}</h1>
<time datetime="{story.published.isoformat()}">{story.published:%d %B %Y %H:%M} UTC</time>
{body}</article><footer>© Harbour Times</footer></body></html>"""


def add_articles(site: FixtureSite, items: list[Story]) -> None:
    for story in items:
        site.add(story.path(), article_html(story), content_type="text/html; charset=utf-8")


# --- the ways in -------------------------------------------------------------------------


def news_sitemap(site: FixtureSite, items: list[Story], extra: str = "") -> str:
    urls = "".join(
        f"""<url><loc>{site.url(s.path())}</loc><news:news>
<news:publication><news:name>Harbour Times</news:name><news:language>en</news:language>
</news:publication><news:publication_date>{s.published.isoformat()}</news:publication_date>
<news:title>{escape(s.title)}</news:title><news:keywords>diplomacy, {escape(s.city)}</news:keywords>
</news:news><image:image><image:loc>{site.url("/i.jpg")}</image:loc>
<image:title>A photograph</image:title></image:image></url>"""
        for s in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">{urls}{extra}</urlset>"""


def sitemap_index(*locs: tuple[str, datetime | None]) -> str:
    entries = "".join(
        f"<sitemap><loc>{loc}</loc>"
        + (f"<lastmod>{when.isoformat()}</lastmod>" if when else "")
        + "</sitemap>"
        for loc, when in locs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    )


def sitemap_site(site: FixtureSite, items: list[Story]) -> str:
    """robots.txt names an index; the index names a gzip news sitemap (served as a file,
    not as a gzip-encoded response) and an old archive sitemap. Returns the index's URL."""
    now = items[0].published
    site.add(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\nSitemap: {site.url('/sitemap_index.xml')}\n",
        content_type="text/plain",
    )
    site.add(
        "/sitemap_index.xml",
        sitemap_index(
            (site.url("/news-sitemap.xml.gz"), now),
            (site.url("/archive-2019.xml"), datetime(2019, 12, 31, tzinfo=UTC)),
        ),
        content_type="application/xml",
    )
    site.add(
        "/news-sitemap.xml.gz",
        gzip.compress(news_sitemap(site, items).encode()),
        content_type="application/gzip",
        headers={"Content-Encoding": "identity"},
    )
    site.add("/archive-2019.xml", news_sitemap(site, []), content_type="application/xml")
    add_articles(site, items)
    return site.url("/sitemap_index.xml")


def ld_listing_html(site: FixtureSite, items: list[Story]) -> str:
    """A section page whose stories are listed only in JSON-LD (an ItemList of
    NewsArticles), with their links in plain markup too, as real pages do."""
    listing = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "item": {
                    "@type": "NewsArticle",
                    "url": site.url(s.path()),
                    "headline": s.title,
                    "datePublished": s.published.isoformat(),
                    "author": {"@type": "Person", "name": "Mira Tanaka"},
                    "articleSection": "World",
                },
            }
            for n, s in enumerate(items, 1)
        ],
    }
    links = "".join(f'<li><a href="{s.path()}">{escape(s.title)}</a></li>' for s in items)
    return f"""<!doctype html><html lang="en"><head><title>World — Harbour Times</title>
<script type="application/ld+json">{json.dumps(listing)}</script></head>
<body><h1>World</h1><ul>{links}</ul></body></html>"""


def rss(site: FixtureSite, items: list[Story], full: bool = False) -> str:
    """A feed of ``items``: a one-line summary each, or (``full``) the whole story."""
    entries = "".join(
        f"<item><title>{escape(s.title)}</title><link>{site.url(s.path())}</link>"
        f"<pubDate>{s.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>{escape(_story_text(s) if full else s.title + '.')}</description></item>"
        for s in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Harbour Times</title><link>{site.url("/")}</link><description>World</description>
{entries}</channel></rss>"""


def plain_home(site: FixtureSite, items: list[Story], head: str = "") -> str:
    """A homepage with a teaser list and nothing machine-readable."""
    teasers = "".join(
        f'<div class="teaser"><h2 class="headline"><a href="{s.path()}">{escape(s.title)}</a>'
        f'</h2><time datetime="{s.published.isoformat()}">{s.published:%d %b}</time>'
        f'<p class="dek">Talks in {escape(s.city)}.</p></div>'
        for s in items
    )
    return f"""<!doctype html><html lang="en"><head><title>Harbour Times</title>{head}</head>
<body><header><a href="/">Harbour Times</a><nav><a href="/world/">World</a>
<a href="/about">About us</a><a href="/contact">Contact</a></nav></header>
<main>{teasers}</main><footer><a href="/privacy">Privacy</a></footer></body></html>"""

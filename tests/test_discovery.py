"""Which links are articles, and under which URL (issue 10, class 8): recognised from the pages themselves."""

from __future__ import annotations

import json
import sqlite3
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.discovery import Links, Shape, discover_links, feed_articles
from scraper.models import Page, Site
from tests.faultsrv import FaultServer, serve_site
from tests.fixtures.nukeviet_portal import START, Story, write_portal
from tests.fixtures.slug_portal import DOCS, LAYOUTS, PAGER_URLS, URL_SHAPES, Layout
from tests.fixtures.slug_portal import Story as SlugStory
from tests.fixtures.slug_portal import write_portal as write_slug_portal
from tests.test_cli import crawl, rows


@contextmanager
def portal(root: Path, canonical: str = "", moved: bool = False) -> Iterator[tuple[FaultServer, list[Story]]]:
    """The NukeViet portal served on 127.0.0.1; rendered once the server's port is known (feeds name it)."""
    root.mkdir()
    (root / "manifest.json").write_text(json.dumps({"start": [START], "routes": {}}), encoding="utf-8")
    with serve_site(root) as server:
        stories = write_portal(root, server.base_url, canonical, moved)
        for path, route in json.loads((root / "manifest.json").read_text(encoding="utf-8"))["routes"].items():
            server.set_route(path, **route)
        yield server, stories


def config(tmp_path: Path, server: FaultServer, site: str = "") -> Path:
    """A config with no profile and no article_pattern: links must be recognised from the pages."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{tmp_path / "archive.db"}"\ndelay = 0\ntimeout = 10\n\n'
        f'[[sites]]\nname = "hailang"\nstart_urls = ["{server.url(START)}"]\nallow_private = true\n{site}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "canonical", ["", "home"], ids=["no-canonical-link", "canonical-names-the-home-page"]
)
def test_a_nukeviet_portal_without_language_in_its_urls_is_archived_whole(
    tmp_path: Path, canonical: str
) -> None:
    with portal(tmp_path / "site", canonical) as (server, stories):
        db = crawl(config(tmp_path, server))
    stored = dict(rows(db, "SELECT url, title FROM articles"))
    assert stored == {server.url(s.path): s.title for s in stories}
    assert rows(db, "SELECT count(*) FROM article_aliases") == [(0,)]
    assert rows(db, "SELECT status, articles_new FROM runs") == [("ok", len(stories))]
    # the sitemap's category pages and the menu's are not articles: never fetched as one
    assert rows(
        db, "SELECT count(*) FROM fetches WHERE url LIKE '%/gioi-thieu/' OR url LIKE '%/contact/'"
    ) == [(0,)]


@pytest.mark.parametrize(
    ("canonical", "moved"), [("category", False), ("", True)], ids=["rel-canonical", "redirect"]
)
def test_an_article_reached_by_a_second_url_is_stored_under_the_url_it_names(
    tmp_path: Path, canonical: str, moved: bool
) -> None:
    with portal(tmp_path / "site", canonical, moved) as (server, stories):
        db = crawl(config(tmp_path, server))
    assert {url for (url,) in rows(db, "SELECT url FROM articles")} == {server.url(s.path) for s in stories}
    aliases = dict(
        rows(db, "SELECT al.url, a.url FROM article_aliases al JOIN articles a ON a.id = al.article_id")
    )
    # the walked listing links the second URLs; the other category's articles come from the sitemap and feeds
    walked = [s for s in stories if s.category == "tin-tuc"]
    assert aliases == {server.url(f"/news/tin-moi/{s.alias}-{s.id}.html"): server.url(s.path) for s in walked}


def test_a_configured_article_pattern_still_decides(tmp_path: Path) -> None:
    with portal(tmp_path / "site") as (server, stories):
        db = crawl(config(tmp_path, server, 'article_pattern = "/van-hoa-xa-hoi/.+-\\\\d+\\\\.html$"'))
    expected = {server.url(s.path) for s in stories if s.category == "van-hoa-xa-hoi"}
    assert {url for (url,) in rows(db, "SELECT url FROM articles")} == expected


# -- listing pages of any shape ------------------------------------------------------------------------------

BASE = "http://xa.gov.vn"
WORDS = (
    "hội",
    "nghị",
    "tổng",
    "kết",
    "công",
    "tác",
    "năm",
    "triển",
    "khai",
    "nhiệm",
    "vụ",
    "thôn",
    "xã",
    "dân",
)
SLUG = st.text(string.ascii_lowercase, min_size=3, max_size=8).filter(
    lambda s: s != "page"
)  # "/page-3": a pager
HEADLINE = st.lists(st.sampled_from(WORDS), min_size=6, max_size=16).map(lambda w: " ".join(w).capitalize())
LABEL = st.lists(st.sampled_from(WORDS), min_size=3, max_size=5).map(lambda w: " ".join(w).capitalize())


@st.composite
def article_shapes(draw: st.DrawFn) -> tuple[str, bool]:
    """A URL template with {slug} and {id}, and whether its leaf is a page file; as CMSs we have no profile for."""
    prefix = "/" + "/".join(draw(st.lists(SLUG, min_size=0, max_size=2)))
    style = draw(st.sampled_from(["slug-id", "id", "id/slug", "query", "date/slug-id"]))
    ext = draw(st.sampled_from(["", ".html", ".htm", ".aspx"]))
    leaf = {
        "slug-id": "{slug}-{id}" + ext,
        "id": "{id}" + ext,
        "id/slug": "{id}/{slug}" + ext,
        "query": "?id={id}" if not ext else "index" + ext + "?id={id}",
        "date/slug-id": "2025-1-{id}/{slug}-{id}" + ext,
    }[style]
    separator = "" if leaf.startswith("?") else "/"
    return prefix.rstrip("/") + separator + leaf if prefix != "/" or separator else "/" + leaf, bool(ext)


@st.composite
def listing_pages(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A listing page of articles of one random URL shape among menus, categories, pager and footer."""
    shape, _ = draw(article_shapes())
    ids = draw(st.lists(st.integers(10, 99_999), min_size=3, max_size=12, unique=True))
    slugs = [draw(SLUG) for _ in ids]
    urls = [BASE + shape.format(slug=slug, id=i) for slug, i in zip(slugs, ids, strict=True)]
    items = []
    for url in urls:
        thumb = draw(st.booleans())
        more = draw(st.booleans())
        items.append(
            (f'<a href="{url}"><img src="/anh.jpg"></a>' if thumb else "")
            + f'<h3><a href="{url}">{draw(HEADLINE)}</a></h3><span class="date">14/01/2025 09:30</span>'
            + f"<p>{draw(HEADLINE)} {draw(HEADLINE)}</p>"
            + (f'<a href="{url}">Xem tiếp</a>' if more else "")
        )
    categories = draw(st.lists(SLUG, min_size=3, max_size=8, unique=True))
    menu = "".join(f'<li><a href="/{c}/">{draw(HEADLINE)}</a></li>' for c in categories)  # long labels, no id
    # a menu of pages with labels of up to 5 words ("Báo chí - xuất bản - truyền thông", "Cơ cấu tổ chức")
    pages = "".join(f'<li><a href="/{c}.html">{draw(LABEL)}</a></li>' for c in categories)
    footer = '<a href="/lien-he.html">Liên hệ</a> | <a href="/">Trang chủ</a>'
    pager = '<a href="/tin-tuc?page=2">2</a><a href="/tin-tuc/page-3">3</a><a href="/tin-tuc?page=2">Trang sau</a>'
    html = f"<html><body><nav><ul>{menu}{pages}</ul></nav><div>{''.join(items)}</div>{pager}<footer>{footer}</footer></body></html>"
    return html, urls


@settings(max_examples=60, deadline=None)
@given(listing_pages())
def test_the_repeated_headline_links_of_a_listing_are_its_articles(case: tuple[str, list[str]]) -> None:
    html, urls = case
    links = links_on(html)
    assert links.articles == tuple(urls)
    assert set(links.listings) == {BASE + "/tin-tuc?page=2", BASE + "/tin-tuc/page-3"}


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["/news/a/x-1.html", "/news/a/", "/gioi-thieu/", "/news/a/page-2"], ["/news/a/x-1.html"]),
        (["/tin?id=5", "/tin?page=2", "/tin"], ["/tin?id=5"]),
        (["/vi/news/a/x-1.html", "/news/a/y-2.html"], ["/vi/news/a/x-1.html"]),  # a profile shape first
    ],
    ids=["item-urls-only", "query-ids", "profile-shape-first"],
)
def test_sitemap_entries_are_articles_when_they_name_an_item(entries: list[str], expected: list[str]) -> None:
    site = Site(name="x", start_urls=(BASE + "/tin",))
    assert feed_articles([BASE + e for e in entries], site) == [BASE + e for e in expected]


# -- listings whose article URLs carry no id: recognised by their items (tests/fixtures/slug_portal.py) --------


@contextmanager
def slug_portal(root: Path, layout: Layout) -> Iterator[tuple[FaultServer, list[SlugStory], list[str]]]:
    """The slug portal rendered in one layout and served on 127.0.0.1."""
    root.mkdir()
    stories, starts = write_slug_portal(root, layout)
    with serve_site(root) as server:
        yield server, stories, starts


def slug_config(tmp_path: Path, server: FaultServer, starts: list[str]) -> Path:
    """A config with no profile and no article_pattern, listing every start path."""
    path = tmp_path / "config.toml"
    urls = ", ".join(f'"{server.url(s)}"' for s in starts)
    path.write_text(
        f'[crawl]\ndb = "{tmp_path / "archive.db"}"\ndelay = 0\ntimeout = 10\n\n'
        f'[[sites]]\nname = "gioan"\nstart_urls = [{urls}]\nallow_private = true\n',
        encoding="utf-8",
    )
    return path


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    """A portal's listing layout: item markup, URL shape, pager, items per page, what sits beside a headline."""
    date, lead = draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    return Layout(
        items=draw(st.sampled_from(LAYOUTS)),
        url=draw(st.sampled_from(URL_SHAPES)),
        pager_url=draw(st.sampled_from(PAGER_URLS)),
        pager_label=draw(st.sampled_from(NEXT_LABELS)),
        per_page=draw(st.integers(1, 6)),
        articles=draw(st.integers(1, 9)),
        notices=draw(st.integers(1, 2)),
        date=date,
        lead=lead,
        more=draw(st.booleans()),
    )


NEXT_LABELS = ["Xem tiếp »", "Trang sau", "Trang tiếp", "»", "›", "Sau", "Next", "Trang sau ›", "Tiếp theo"]


@settings(max_examples=12, deadline=None)
@given(layouts())
def test_every_article_of_a_portal_without_ids_in_its_urls_is_archived_once(
    tmp_path_factory: pytest.TempPathFactory, layout: Layout
) -> None:
    tmp_path = tmp_path_factory.mktemp("slugs")
    with slug_portal(tmp_path / "site", layout) as (server, stories, starts):
        db = crawl(slug_config(tmp_path, server, starts))
    archived = [url for (url,) in rows(db, "SELECT url FROM articles")]
    assert sorted(archived) == sorted(server.url(s.path) for s in stories)  # each once, nothing else
    # the "Văn bản mới" sidebar on every page links documents: looked at once, recorded, no failure
    assert rows(db, "SELECT status, failures FROM runs") == [("ok", 0)]
    refused = rows(db, "SELECT DISTINCT url FROM fetches WHERE error = 'extract:not_an_article'")
    assert {url for (url,) in refused} == {server.url(f"/van-ban/{doc}") for doc, _ in DOCS}


def links_on(html: str, path: str = "/tin-tuc", shapes: frozenset[Shape] = frozenset()) -> Links:
    """What discovery finds on a listing page of the site whose start listing is /tin-tuc."""
    page = Page(BASE + path, BASE + path, 200, (), b"", html, "utf-8", "", 0)
    return discover_links(page, Site(name="x", start_urls=(BASE + "/tin-tuc",)), ["xa.gov.vn"], shapes)


def three_items(href: str, linked: bool) -> str:
    """Three listing items (headline, linked or not, date, "Xem tiếp") linking href with {n} = a, b, c."""
    found = []
    for n, letter in enumerate("abc"):
        url, title = href.format(n=letter), f"Hội nghị tổng kết công tác năm của xã số {n}"
        headline = f'<a href="{url}">{title}</a>' if linked else title
        found.append(f'<div><h3>{headline}</h3><span>1{n}/01/2025</span><a href="{url}">Xem tiếp</a></div>')
    return "".join(found)


@pytest.mark.parametrize("label", NEXT_LABELS)
def test_a_pager_of_one_next_link_is_followed_and_an_items_own_link_is_not(label: str) -> None:
    html = f'{three_items("/bai-viet/tin-so-{n}", True)}<p><a href="/tin-tuc/trang-2.html">{label}</a></p>'
    links = links_on(html)
    assert links.articles == tuple(f"{BASE}/bai-viet/tin-so-{n}" for n in "abc")
    assert links.listings == (BASE + "/tin-tuc/trang-2.html",)


@pytest.mark.parametrize(
    "item",
    [
        '<div class="item"><h3><a href="{url}">{title}</a></h3><span>14/01/2025</span></div>',
        '<table><tr><td><a href="{url}">{title}</a> (14/01/2025)<br><span>{lead}</span></td></tr></table>',
        '<li><a href="{url}"><img src="/a.jpg"></a><a href="{url}">{title}</a><p>{lead}</p></li>',
    ],
    ids=["headline-and-date", "headline-date-lead-in-a-cell", "thumbnail-headline-lead"],
)
def test_a_single_item_is_recognised_by_what_sits_beside_its_headline(item: str) -> None:
    title, lead = (
        "Ra quân tổng vệ sinh môi trường đón Tết",
        "Sáng nay, toàn xã ra quân làm sạch đường làng ngõ xóm, khơi thông cống rãnh.",
    )
    url = BASE + "/bai-viet/ra-quan-tong-ve-sinh"
    menu = '<ul><li><a href="/gioi-thieu">Giới thiệu chung về xã và lịch sử</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>'
    html = f"<html><body>{menu}{item.format(url=url, title=title, lead=lead)}</body></html>"
    links = links_on(html)
    assert links.articles == (url,)


def test_a_url_shape_learned_on_one_listing_page_finds_the_bare_headline_on_another() -> None:
    items = "".join(
        f'<li><a href="/bai-viet/tin-{n}">Hội nghị tổng kết công tác năm của xã số {n}</a> <i>1{n}/01/2025</i></li>'
        for n in range(3)
    )
    learned = links_on(f"<ul>{items}</ul>").shapes
    # the last page: one headline with nothing beside it, under a menu of pages
    last = '<ul><li><a href="/gioi-thieu">Giới thiệu chung</a></li></ul><h3><a href="/bai-viet/tin-9">Khánh thành nhà văn hóa thôn Phước Thị</a></h3>'
    assert links_on(last, "/tin-tuc?trang=4").articles == ()
    assert links_on(last, "/tin-tuc?trang=4", learned).articles == (BASE + "/bai-viet/tin-9",)


def test_a_sitemap_of_headline_slugs_yields_them_and_not_the_menu_pages() -> None:
    topics = (
        "ra-quan-tong-ve-sinh",
        "trao-qua-tet-cho-ho-ngheo",
        "kham-suc-khoe-nguoi-cao-tuoi",
        "trong-cay-xanh",
    )
    slugs = [f"/bai-viet/ubnd-xa-gio-an-{topic}" for topic in topics]  # no number: nothing names an item
    entries = ["/", "/tin-tuc", "/gioi-thieu", "/lien-he", "/tim-kiem", *slugs, "/van-ban/quyet-dinh.pdf"]
    site = Site(name="x", start_urls=(BASE + "/tin-tuc",))
    assert feed_articles([BASE + e for e in entries], site) == [BASE + s for s in slugs]


def test_a_start_url_that_is_an_article_is_archived(tmp_path: Path) -> None:
    with slug_portal(tmp_path / "site", Layout()) as (server, stories, _):
        db = crawl(slug_config(tmp_path, server, [stories[0].path]))
    assert (server.url(stories[0].path), stories[0].title) in rows(db, "SELECT url, title FROM articles")


LONE_PARAGRAPHS = [
    "UBND xã Gio An thông báo lịch tiếp công dân định kỳ tháng 12 năm 2025 tại trụ sở Ủy ban nhân dân xã.",
    "Chủ tịch UBND xã trực tiếp tiếp công dân vào ngày 15 hằng tháng; công dân mang theo giấy tờ tùy thân.",
    "Mọi ý kiến, kiến nghị của công dân được tiếp nhận, phân loại và trả lời theo đúng quy định của pháp luật.",
]


def test_a_start_url_that_is_an_article_linking_no_other_leaves_the_next_run_ok(tmp_path: Path) -> None:
    """Archived on the first run, it is no listing "without article links" on the second."""
    lone = tmp_path / "lone.html"
    lone.write_text(
        "<html><head><title>Thông báo lịch tiếp công dân tháng 12</title></head><body>"
        "<h1>Thông báo lịch tiếp công dân tháng 12</h1><div>Ngày đăng: 02/12/2025 08:00</div>"
        + "".join(f"<p>{p}</p>" for p in LONE_PARAGRAPHS)
        + "</body></html>",
        encoding="utf-8",
    )
    with slug_portal(tmp_path / "site", Layout()) as (server, _, _):
        server.set_route("/thong-bao/lich-tiep-cong-dan", file=str(lone))
        config = slug_config(tmp_path, server, ["/thong-bao/lich-tiep-cong-dan"])
        db = crawl(config)
        crawl(config)
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert rows(db, "SELECT status FROM runs") == [("ok",), ("ok",)]


def test_an_archived_article_whose_url_now_serves_a_listing_is_kept_and_looked_at_after_a_month(
    tmp_path: Path,
) -> None:
    with slug_portal(tmp_path / "site", Layout()) as (server, stories, starts):
        config = slug_config(tmp_path, server, starts)
        db = crawl(config)
        url = server.url(stories[0].path)
        before = rows(db, "SELECT title, body FROM articles WHERE url = ?", url)
        listing = json.loads((tmp_path / "site" / "manifest.json").read_text())["routes"][starts[0]]["file"]
        server.set_route(stories[0].path, file=str(tmp_path / "site" / listing))  # the portal restructured
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE articles SET next_visit_at = '2000-01-01T00:00:00Z' WHERE url = ?", [url])
        crawl(config)
    assert rows(db, "SELECT status, failures FROM runs") == [("ok", 0), ("ok", 0)]
    assert rows(db, "SELECT title, body FROM articles WHERE url = ?", url) == before
    waiting = rows(db, "SELECT julianday(next_visit_at) - julianday('now') FROM articles WHERE url = ?", url)
    assert waiting[0][0] > 29


def test_a_page_that_is_no_article_is_a_finding_looked_at_again_only_after_a_month(tmp_path: Path) -> None:
    with slug_portal(tmp_path / "site", Layout()) as (server, _, starts):
        config = slug_config(tmp_path, server, starts)
        db = crawl(config)
        crawl(config)
        docs = {server.url(f"/van-ban/{doc}") for doc, _ in DOCS}
        assert all(server.hits(f"/van-ban/{doc}") == 1 for doc, _ in DOCS)  # not again on the second run
    assert rows(db, "SELECT status, failures FROM runs") == [("ok", 0), ("ok", 0)]
    waiting = rows(
        db,
        "SELECT url, last_error, julianday(next_attempt_at) - julianday('now') FROM frontier WHERE url LIKE '%/van-ban/%'",
    )
    assert {url for url, _, _ in waiting} == docs
    assert all(error == "extract:not_an_article" and days > 29 for _, error, days in waiting)


def test_runs_count_every_alias_row_written(tmp_path: Path) -> None:
    with portal(tmp_path / "site", "category") as (server, _):
        db = crawl(config(tmp_path, server))
    written = rows(db, "SELECT count(*) FROM article_aliases")[0][0]
    assert written > 0
    assert rows(db, "SELECT articles_alias FROM runs") == [(written,)]


def test_a_sidebar_of_the_newest_articles_does_not_end_the_walk_of_a_listing(tmp_path: Path) -> None:
    # one item a page, and the "Tin mới" sidebar on page 1 already links the items of pages 2 and 3
    layout = Layout(url="/tin-tuc/{slug}.html", per_page=1, articles=6, notices=1)
    with slug_portal(tmp_path / "site", layout) as (server, stories, starts):
        db = crawl(slug_config(tmp_path, server, starts))
    assert sorted(url for (url,) in rows(db, "SELECT url FROM articles")) == sorted(
        server.url(s.path) for s in stories
    )


def test_items_own_more_links_are_no_pager_though_their_label_is_the_pagers() -> None:
    # the headlines are plain text; each item's only link is its "Xem tiếp", under the listing's own path
    html = f'{three_items("/tin-tuc/hoi-nghi-{n}.html", False)}<p><a href="/tin-tuc/trang-2.html">Xem tiếp</a></p>'
    links = links_on(html)
    # four "Xem tiếp" links: the pager's is the one whose URL names a page
    assert links.listings == (BASE + "/tin-tuc/trang-2.html",)

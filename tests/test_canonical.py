"""One article, one URL (issue 10, class 8): which URL an article reached under several is archived under.

A portal of a few articles on 127.0.0.1 whose listing links each under a second URL; what each article page
names as its canonical URL, and which spellings of its URL the listings use, are drawn at random. Whatever the
site names, an article is archived once, under a URL that serves it, and a revisit finds it there.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.urls import canonicalize, document_key
from tests.faultsrv import FaultServer, serve_site
from tests.fixtures.nukeviet_portal import Story, article, listing, stories
from tests.test_cli import crawl, rows

STORIES = stories()[:4]
SIDEBAR = {s.path for s in stories()[:3]}  # every page's "Tin mới nhất" links these under their own URLs


def reached(story: Story) -> str:
    """The URL the listings link: the article's second category, as NukeViet lists an article in each."""
    return f"/news/tin-moi/{story.alias}-{story.id}.html"


@contextmanager
def portal(root: Path) -> Iterator[FaultServer]:
    """An empty site on 127.0.0.1; the test puts its pages."""
    root.mkdir()
    (root / "manifest.json").write_text(json.dumps({"start": ["/"], "routes": {}}), encoding="utf-8")
    with serve_site(root) as server:
        yield server


def put(server: FaultServer, path: str, html: str) -> None:
    name = (
        f"page-{len(list(server.root.glob('page-*')))}.html"  # a new file each time: a path may be put again
    )
    (server.root / name).write_text(html, encoding="utf-8")
    server.set_route(path, file=name)


def config(root: Path, server: FaultServer, start: str, pattern: str = "-\\\\d+\\\\.html") -> Path:
    """No profile; article links by pattern, so this tests identity, not link discovery."""
    path = root / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{root / "archive.db"}"\ndelay = 0\ntimeout = 10\n\n[[sites]]\nname = "hailang"\n'
        f'start_urls = ["{server.url(start)}"]\nallow_private = true\narticle_pattern = "{pattern}"\n',
        encoding="utf-8",
    )
    return path


def revisit_all(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET next_visit_at = '2000-01-01T00:00:00Z'")


def archived(db: Path) -> tuple[dict[str, str], dict[str, str]]:
    """({article URL: title}, {alias: article URL})."""
    urls = dict(rows(db, "SELECT url, title FROM articles"))
    aliases = dict(
        rows(db, "SELECT al.url, a.url FROM article_aliases al JOIN articles a ON a.id = al.article_id")
    )
    return urls, aliases


def assert_revisits_find_every_article(db: Path, config_path: Path) -> None:
    """A forced revisit of everything: no article marked gone, no revisit failing, no new article or version."""
    before = archived(db)
    revisit_all(db)
    crawl(config_path)
    assert archived(db) == before
    assert rows(db, "SELECT url, removed_reason FROM articles WHERE removed_at IS NOT NULL") == []
    last_run = "(SELECT max(id) FROM runs)"
    failed = (
        f"SELECT url, error FROM fetches WHERE kind = 'revisit' AND error IS NOT NULL AND run_id = {last_run}"
    )
    assert rows(db, failed) == []
    assert rows(db, "SELECT count(*) FROM article_versions") == [(len(before[0]),)]


# -- what the page names as its canonical URL ----------------------------------------------------------------

# Each choice: (what the page at the reached URL names, whether that is the article's URL in the archive).
CANONICALS = {
    "none": (lambda base, s, other: None, False),
    "itself": (lambda base, s, other: base + reached(s), False),
    "its-own-url": (lambda base, s, other: base + s.path, True),
    "its-own-url-relative": (lambda base, s, other: s.path, True),
    "its-own-url-on-https": (lambda base, s, other: base.replace("http:", "https:") + s.path, True),
    "a-dead-url": (lambda base, s, other: f"{base}/news/tin-tuc/da-go-{s.id + 9000}.html", False),
    "a-listing-found-on-the-way": (lambda base, s, other: base + "/news/tin-tuc/", False),
    "the-home-page": (lambda base, s, other: base + "/", False),
    "another-article": (lambda base, s, other: base + other.path, False),
    "another-host": (lambda base, s, other: base.replace("127.0.0.1", "localhost") + s.path, False),
}


@pytest.mark.parametrize("choice", sorted(CANONICALS))
def test_each_kind_of_canonical(choice: str) -> None:
    archive_portal_naming([choice] * len(STORIES))


@settings(max_examples=25, deadline=None)
@given(choices=st.lists(st.sampled_from(sorted(CANONICALS)), min_size=len(STORIES), max_size=len(STORIES)))
def test_an_article_is_archived_under_the_canonical_url_it_names_only_when_that_url_serves_it(
    choices: list[str],
) -> None:
    archive_portal_naming(choices)


def archive_portal_naming(choices: list[str]) -> None:
    """Crawl a portal whose article pages name these canonicals; check the archive, then revisit everything."""
    with tempfile.TemporaryDirectory() as tmp, portal(Path(tmp) / "site") as server:
        base = server.base_url
        # the home page links the second URLs; the category listing is a listing only found, never walked
        put(server, "/", listing("tin-tuc", [_second(s) for s in STORIES], 1, 1))
        put(server, "/news/tin-tuc/", listing("tin-tuc", STORIES, 1, 1))
        expected, aliases = {}, {}
        for i, (story, choice) in enumerate(zip(STORIES, choices, strict=True)):
            name, believed = CANONICALS[choice]
            other = STORIES[(i + 1) % len(STORIES)]
            put(server, reached(story), article(story, name(base, story, other)))
            put(server, story.path, article(story, base + story.path))
            url = base + (story.path if believed else reached(story))
            expected[url] = story.title
            if believed:
                aliases[base + reached(story)] = url
            elif story.path in SIDEBAR:  # fetched from the sidebar after: the same text, an alias
                aliases[base + story.path] = url
        config_path = config(Path(tmp), server, "/")
        db = crawl(config_path)
        assert archived(db) == (expected, aliases)
        for url in expected:
            assert httpx.get(url).status_code == 200
        assert_revisits_find_every_article(db, config_path)


def _second(story: Story) -> Story:
    return Story(story.id, "tin-moi", story.title, story.alias, story.day)


def test_a_dead_canonical_costs_one_request_and_is_not_asked_again_on_revisits(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    story = STORIES[0]
    with portal(tmp_path / "site") as server:
        put(server, "/", listing("tin-tuc", [_second(story)], 1, 1))
        put(server, reached(story), article(story, server.url("/news/tin-tuc/da-go-1.html")))
        config_path = config(tmp_path, server, "/")
        db = crawl(config_path)
        assert_revisits_find_every_article(db, config_path)
        assert server.hits("/news/tin-tuc/da-go-1.html") == 1
    assert archived(db) == ({server.url(reached(story)): story.title}, {})
    # the request is recorded, as every request is; it is no failed page of the run
    assert rows(db, "SELECT error FROM fetches WHERE url LIKE '%da-go-1.html'") == [("http_404",)]
    assert "da-go-1.html" not in caplog.text  # not reported as a page that failed


# -- spellings of one URL, with no canonical named -----------------------------------------------------------

SPELLINGS = {
    "as-linked": "",
    "trailing-slash": "/",
    "index-file": "/index.html",
    "index-file-in-capitals": "/Index.HTML",
    "tracking-parameter": "?utm_source=zalo",
    "slash-and-tracking": "/?fbclid=IwAR0x",
}
SPELLING = st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=3)


def spelled(story: Story, spelling: str) -> str:
    return f"/bai-viet/{story.alias}-{story.id}{SPELLINGS[spelling]}"


def links_page(links: dict[Story, list[str]]) -> str:
    """A listing whose items link each article under the spellings given (a headline, "Xem tiếp", a sidebar)."""
    stories_ = list(links)
    page = listing("tin-tuc", stories_, 1, 1)
    for story, spellings in links.items():
        page = page.replace(f'"{story.path}"', f'"{spelled(story, spellings[0])}"')
    extra = "".join(
        f'<li><a href="{spelled(story, spelling)}">{story.title}</a></li>'
        for story, spellings in links.items()
        for spelling in spellings[1:]
    )
    return page.replace("</body>", f"<ul class='related'>{extra}</ul></body>")


@settings(max_examples=20, deadline=None)
@given(first=st.lists(SPELLING, min_size=3, max_size=3), later=st.lists(SPELLING, min_size=3, max_size=3))
def test_spellings_of_one_url_that_name_no_other_page_are_one_article(
    first: list[list[str]], later: list[list[str]]
) -> None:
    # The site edits its articles between the runs, so the text alone could not tell they are the same.
    with tempfile.TemporaryDirectory() as tmp, portal(Path(tmp) / "site") as server:
        shown = STORIES[:3]
        for story in shown:
            for suffix in ("", "/", "/index.html", "/Index.HTML"):
                put(server, f"/bai-viet/{story.alias}-{story.id}{suffix}", article(story))
        put(server, "/", links_page(dict(zip(shown, first, strict=True))))
        config_path = config(Path(tmp), server, "/", "/bai-viet/")
        db = crawl(config_path)
        for story in shown:
            for suffix in ("", "/", "/index.html", "/Index.HTML"):
                edited = article(story).replace("Đoạn 1 của bài", "Đoạn 1 (đã sửa) của bài")
                put(server, f"/bai-viet/{story.alias}-{story.id}{suffix}", edited)
        put(server, "/", links_page(dict(zip(shown, later, strict=True))))
        crawl(config_path)
        urls, aliases = archived(db)
        assert sorted(urls.values()) == sorted(s.title for s in shown)
        for story, spellings in zip(shown, [a + b for a, b in zip(first, later, strict=True)], strict=True):
            (url,) = [u for u, title in urls.items() if title == story.title]
            linked_urls = [canonicalize(server.url(spelled(story, s))) for s in spellings]
            plain = [u for u in linked_urls if u == document_key(u)]
            assert url == (plain or linked_urls)[0]  # the plain spelling once met, else the first archived
            linked = {canonicalize(server.url(spelled(story, s))) for s in spellings}
            assert {url} | {alias for alias, of in aliases.items() if of == url} == linked
        revisit_all(db)
        crawl(config_path)
        assert archived(db) == (urls, aliases)
        assert rows(db, "SELECT url FROM articles WHERE removed_at IS NOT NULL") == []
        assert rows(db, "SELECT url, error FROM fetches WHERE kind = 'revisit' AND error IS NOT NULL") == []


# -- a canonical that dies after the article was archived under it ------------------------------------------


def test_an_article_whose_canonical_died_is_revisited_at_the_url_that_still_serves_it(tmp_path: Path) -> None:
    story = STORIES[3]  # in no sidebar: reached only by its second URL
    with portal(tmp_path / "site") as server:
        put(server, "/", listing("tin-tuc", [_second(story)], 1, 1))
        put(server, reached(story), article(story, server.url(story.path)))
        put(server, story.path, article(story, server.url(story.path)))
        config_path = config(tmp_path, server, "/")
        db = crawl(config_path)
        assert archived(db) == (
            {server.url(story.path): story.title},
            {server.url(reached(story)): server.url(story.path)},
        )
        server.set_route(
            story.path, status=404
        )  # the site moved its canonical URLs; the second one still works
        revisit_all(db)
        crawl(config_path)
        moved = (
            {server.url(reached(story)): story.title},
            {server.url(story.path): server.url(reached(story))},
        )
        assert archived(db) == moved
        assert_revisits_find_every_article(db, config_path)
    assert rows(db, "SELECT removed_at, removed_reason FROM articles") == [(None, None)]

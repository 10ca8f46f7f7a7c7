"""Canonical URLs (one spelling per page) and crawl scope."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.discovery import discover_links
from scraper.errors import InvalidURL
from scraper.models import Page, Site
from scraper.urls import (
    canonicalize,
    document_key,
    host_of,
    in_scope,
    is_pagination_of,
    on_served_origin,
    onward_pages,
    owner_of,
    page_number,
    site_host,
)

ARTICLE = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        (ARTICLE + "?utm_source=zalo&utm_medium=share#comments", ARTICLE),
        (ARTICLE.replace("https://thixaquangtri", "HTTPS://THIXAQUANGTRI"), ARTICLE),
        (ARTICLE.replace(".vn/", ".vn:443/"), ARTICLE),
        (ARTICLE + ";jsessionid=A1B2C3", ARTICLE),
        ("https://a.gov.vn/news?id=5&cat=2", "https://a.gov.vn/news?cat=2&id=5"),
        ("https://a.gov.vn/news?PHPSESSID=x&id=5&fbclid=y", "https://a.gov.vn/news?id=5"),
        ("https://a.gov.vn/h%e1%bb%86-th%e1%bb%90ng", "https://a.gov.vn/h%E1%BB%86-th%E1%BB%90ng"),
    ],
    ids=[
        "tracking-and-fragment",
        "host-case",
        "default-port",
        "path-session-id",
        "query-order",
        "session-params",
        "hex-case",
    ],
)
def test_variants_share_one_canonical_url(variant: str, canonical: str) -> None:
    assert canonicalize(variant) == canonical


def test_path_case_is_never_folded() -> None:
    # The portal's "hỆ-thỐng" and "hệ-thống" may be different pages (cms-families.md §1.2).
    upper = canonicalize("https://a.gov.vn/h%E1%BB%86-th%E1%BB%90ng")
    lower = canonicalize("https://a.gov.vn/h%E1%BB%87-th%E1%BB%91ng")
    assert upper != lower


SPELLING_SUFFIXES = [
    "",
    "/",
    "//",
    "/index.html",
    "/INDEX.HTM",
    "/default.aspx",
    "/Default.aspx",
    "/index.php",
]


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(["/223450", "/tin-tuc/bai-viet-123.html", "/news/xa-hoi", "/Pages"]),
    suffixes=st.lists(st.sampled_from(SPELLING_SUFFIXES), min_size=2, max_size=2),
    query=st.sampled_from(["", "?tabid=12&ItemID=4666", "?id=7"]),
)
def test_spellings_that_name_no_other_page_share_one_document_key(
    path: str, suffixes: list[str], query: str
) -> None:
    a, b = (canonicalize(f"http://xa.gov.vn{path}{suffix}{query}") for suffix in suffixes)
    assert document_key(a) == document_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://xa.gov.vn/223450", "http://xa.gov.vn/223451"),
        ("http://xa.gov.vn/tin-tuc/", "http://xa.gov.vn/Tin-Tuc/"),  # path case names another page here
        ("http://xa.gov.vn/?id=1", "http://xa.gov.vn/?id=2"),
        ("http://xa.gov.vn/a/index.html", "http://xa.gov.vn/a/trang-2.html"),
        ("http://xa.gov.vn/a", "https://xa.gov.vn/a"),  # a scheme is on_served_origin's to settle
    ],
    ids=["another-id", "path-case", "another-query", "another-file", "another-scheme"],
)
def test_urls_of_other_pages_keep_other_document_keys(a: str, b: str) -> None:
    assert document_key(a) != document_key(b)


@pytest.mark.parametrize(
    ("named", "served", "taken"),
    [
        ("https://xa.gov.vn/a", "http://xa.gov.vn/b", "http://xa.gov.vn/a"),
        ("http://xa.gov.vn/a", "https://xa.gov.vn/b", "https://xa.gov.vn/a"),
        ("https://www.xa.gov.vn/a", "http://xa.gov.vn/b", "http://xa.gov.vn/a"),
        ("http://xa.gov.vn/a", "http://www.xa.gov.vn/b", "http://www.xa.gov.vn/a"),
        ("https://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", "http://127.0.0.1:8080/a"),
        ("https://xa.gov.vn:8443/a", "http://xa.gov.vn/b", "https://xa.gov.vn:8443/a"),
        ("https://huyen.gov.vn/a", "http://xa.gov.vn/b", "https://huyen.gov.vn/a"),
        ("http://xa.gov.vn/a", "http://xa.gov.vn/b", "http://xa.gov.vn/a"),
    ],
    ids=[
        "https-on-http",
        "http-on-https",
        "www-added",
        "www-left-out",
        "same-port",
        "other-port",
        "other-host",
        "same",
    ],
)
def test_a_canonical_differing_only_by_scheme_or_www_is_taken_on_the_served_origin(
    named: str, served: str, taken: str
) -> None:
    assert on_served_origin(named, served) == taken


def test_scope_is_the_exact_host_and_port() -> None:
    assert in_scope("http://127.0.0.1:8000/a", ["127.0.0.1:8000"])
    assert not in_scope("http://127.0.0.1:8001/a", ["127.0.0.1:8000"])
    assert not in_scope("https://www.quangtri.gov.vn/a", ["thixaquangtri.quangtri.gov.vn"])
    assert not in_scope("javascript:history.back()", ["thixaquangtri.quangtri.gov.vn"])
    assert host_of("HTTPS://A.gov.vn:443/x") == "a.gov.vn"


@pytest.mark.parametrize(
    ("allowed", "start"),
    [
        ("xã-hòa.vn", "http://xã-hòa.vn/"),
        ("XÃ-HÒA.VN", "http://XÃ-HÒA.vn/"),
        ("xn--x-ha-goa6g.vn", "http://xn--x-ha-goa6g.vn/"),
        ("xã-hòa.vn:8080", "http://xã-hòa.vn:8080/"),
        ("a.gov.vn:80", "http://a.gov.vn/"),
    ],
    ids=["unicode", "unicode-upper-case", "punycode", "unicode-with-port", "default-port-written"],
)
def test_a_host_written_either_way_scopes_the_links_the_crawler_canonicalised(
    allowed: str, start: str
) -> None:
    link = canonicalize(start + "tin/a.html")  # how every discovered link is held
    for hosts in ([site_host(allowed)], [host_of(start)]):
        assert in_scope(link, hosts), hosts


@pytest.mark.parametrize(
    ("url", "listing", "paginates"),
    [
        ("https://a.gov.vn/tin?start=6", "https://a.gov.vn/tin", True),
        ("https://a.gov.vn/tin?PageIndex=2", "https://a.gov.vn/tin", True),
        ("https://a.gov.vn/vi/news/cat/page-3", "https://a.gov.vn/vi/news/cat/", True),
        ("https://a.gov.vn/other?start=6", "https://a.gov.vn/tin", False),
        ("https://a.gov.vn/tin?id=6", "https://a.gov.vn/tin", False),
    ],
    ids=["offset-param", "sharepoint-pageindex", "nukeviet-page-n", "other-path", "not-a-page-param"],
)
def test_pagination(url: str, listing: str, paginates: bool) -> None:
    assert is_pagination_of(url, listing) is paginates


HOSTILE = [
    "http://[::1",
    "http://a.gov.vn:99999/x",
    "http://a.gov.vn:-1/x",
    "http://a.gov.vn:0/x",
    "http://[zz]/x",
    "http://[::1]]/x",
    "http:\\\\a.gov.vn\\x",
    "javascript:alert(1)",
    "",
    "http://",
    "http://a\x00b.gov.vn/",
    "http://a b.gov.vn/",
    "http://a%2e.gov.vn/",
    "mailto:x@a.gov.vn",
]


@pytest.mark.parametrize("url", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_a_url_we_cannot_fetch_is_a_typed_error_and_out_of_scope(url: str) -> None:
    with pytest.raises(InvalidURL):
        canonicalize(url)
    assert host_of(url) == ""
    assert not in_scope(url, ["a.gov.vn", "", "127.0.0.1"])


URLISH = st.one_of(
    st.text(max_size=60),
    st.builds(
        "{}://{}{}/{}".format,
        st.sampled_from(["http", "https", "HTTP", "ftp", "", "javascript"]),
        st.text(max_size=20),
        st.sampled_from(["", ":", ":80", ":99999", ":-1", ":0x50", "]"]),
        st.text(max_size=20),
    ),
    st.builds("http://[{}]/".format, st.text(alphabet="0123456789abcdef:.%[]z", max_size=40)),
)


@settings(max_examples=300, deadline=None)
@given(url=URLISH)
def test_no_string_makes_the_url_functions_raise_anything_but_invalid_url(url: str) -> None:
    host_of(url)
    in_scope(url, ["a.gov.vn"])
    try:
        canonical = canonicalize(url)
    except InvalidURL:
        return
    assert canonicalize(canonical) == canonical  # one spelling: the canonical form is its own canonical form
    assert host_of(canonical)


@settings(max_examples=100, deadline=None)
@given(hrefs=st.lists(URLISH, max_size=8))
def test_no_href_makes_link_discovery_raise(hrefs: list[str]) -> None:
    anchors = "".join(f'<a href="{h.replace(chr(34), "")}">1</a>' for h in hrefs)
    base = "http://a.gov.vn/tin"
    page = Page(base, base, 200, (), b"", f"<html><body>{anchors}</body></html>", "utf-8", "", 0)
    links = discover_links(page, Site(name="a", start_urls=(base,)), ["a.gov.vn"])
    assert all(in_scope(u, ["a.gov.vn"]) for u in links.articles + links.listings + links.feeds)


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://a.gov.vn/tin-tuc", 0),
        ("https://a.gov.vn/tin-tuc?start=20", 20),
        ("https://a.gov.vn/tin-tuc?_101_INSTANCE_x_cur=3&delta=20", 3),
        ("https://a.gov.vn/tin-tuc/page-4", 4),
        ("https://a.gov.vn/tin-tuc?p=news", None),
        ("https://a.gov.vn/tin-tuc?page=" + "9" * 20, None),
    ],
    ids=["first", "offset", "liferay-cur", "page-path", "word", "absurd"],
)
def test_page_number(url: str, number: int | None) -> None:
    assert page_number(url) == number


@pytest.mark.parametrize(
    ("current", "candidates", "onward"),
    [
        ("/l", ["/l?page=2", "/l?page=3", "/l?page=40"], ["/l?page=2"]),
        ("/l?page=5", ["/l?page=3", "/l?page=4", "/l?page=6", "/l?page=7", "/l?page=40"], ["/l?page=6"]),
        ("/l?page=40", ["/l?page=38", "/l?page=39"], []),
        ("/l", ["/other-listing"], None),
        ("/l?p=news", ["/l?p=more"], None),
    ],
    ids=["first-page", "window-and-last-link", "last-page", "no-pagination", "unnumbered"],
)
def test_onward_pages_walk_one_page_after_the_other(
    current: str, candidates: list[str], onward: list[str] | None
) -> None:
    base = "https://a.gov.vn"
    expected = None if onward is None else [base + u for u in onward]
    assert onward_pages(base + current, [base + u for u in candidates]) == expected


WARDS = {
    "a": ("http://portal.vn/a/tin-tuc",),
    "b": ("http://portal.vn/b/tin-tuc", "http://portal.vn/b/thong-bao"),
    "other-host": ("http://other.vn/tin-tuc",),
}


@pytest.mark.parametrize(
    ("url", "owner"),
    [
        pytest.param("http://portal.vn/b/tin/150-bai-viet.html", "b", id="under-b"),
        pytest.param("http://portal.vn/a/tin-tuc/5.html", "a", id="under-a-listing"),
        pytest.param("http://portal.vn/c/tin/250.html", None, id="no-ward-tie"),
        pytest.param("http://elsewhere.vn/a/tin.html", None, id="no-site-on-host"),
    ],
)
def test_a_sitemap_entry_of_a_shared_host_belongs_to_the_site_sharing_most_of_its_path(
    url: str, owner: str | None
) -> None:
    assert owner_of(url, WARDS) == owner

"""Canonical URLs (one spelling per page) and crawl scope."""

from __future__ import annotations

import pytest

from scraper.urls import canonicalize, host_of, in_scope, is_pagination_of

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


def test_scope_is_the_exact_host_and_port() -> None:
    assert in_scope("http://127.0.0.1:8000/a", ["127.0.0.1:8000"])
    assert not in_scope("http://127.0.0.1:8001/a", ["127.0.0.1:8000"])
    assert not in_scope("https://www.quangtri.gov.vn/a", ["thixaquangtri.quangtri.gov.vn"])
    assert not in_scope("javascript:history.back()", ["thixaquangtri.quangtri.gov.vn"])
    assert host_of("HTTPS://A.gov.vn:443/x") == "a.gov.vn"


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

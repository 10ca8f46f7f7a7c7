"""Bad input (reliability.md §3 C and V): every page gives an article, or a recorded reason and no article.

Promise: no crash, no empty or bogus article, text stored as NFC and as the page meant it, doubtful text flagged.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from scraper import extract
from scraper.encoding import decode_html, encoding_flags
from tests.conftest import SITE
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows
from tests.test_text import to_cp1258

SEED = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"
SEED_HTML = (SITE / "pages" / "1661778300000.html").read_text(encoding="utf-8")


def outcome_of(db: Path, server: FaultServer, path: str) -> tuple[list[tuple], list[tuple]]:
    """(fetch rows, article rows) of one URL after a crawl."""
    url = server.url(path)
    return (
        rows(db, "SELECT status, error FROM fetches WHERE url = ? AND kind = 'article'", url),
        rows(db, "SELECT title FROM articles WHERE url = ?", url),
    )


def serve(server: FaultServer, tmp_path: Path, body: bytes, **route: object) -> None:
    page = tmp_path / "page.bin"
    page.write_bytes(body)
    server.set_route(SEED, file=str(page), **route)


@pytest.mark.parametrize(
    ("body", "route", "reason"),
    [
        (b"", {}, "empty_body"),
        (b"%PDF-1.4 ...", {"type": "application/pdf"}, "non_html"),
        (b"\xff\xd8\xff\xe0JFIF", {"type": "image/jpeg"}, "non_html"),
        (b"\x00\x01\x02", {"type": "application/octet-stream"}, "non_html"),
        (b"%PDF-1.4 ...", {"type": ""}, "non_html"),
        (b"notgzip!!!", {"raw": True, "headers": {"Content-Encoding": "gzip"}}, "decoding_error"),
    ],
    ids=["empty-200", "pdf", "jpeg", "octet-stream", "no-type-but-pdf-bytes", "bad-gzip"],
)
def test_c1_non_articles_are_recorded_not_archived(
    config_file: Path, site_server: FaultServer, tmp_path: Path, body: bytes, route: dict, reason: str
) -> None:
    serve(site_server, tmp_path, body, **route)
    fetched, archived = outcome_of(crawl(config_file), site_server, SEED)
    assert fetched[-1][1] == reason and archived == []


def test_c1_a_page_without_content_type_but_html_bytes_is_read(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    serve(site_server, tmp_path, SEED_HTML.encode(), type="")
    _, archived = outcome_of(crawl(config_file), site_server, SEED)
    assert len(archived) == 1


def test_c2_malformed_html_does_not_glue_the_body_into_the_title() -> None:
    got = extract(
        "<html><body><h1 class=title>Tiêu đề bài viết<div class=content><p>Nội dung của bài viết.".encode()
    )
    assert got["title"] == "Tiêu đề bài viết" and got["body"] == "Nội dung của bài viết."


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><body><div><img src=a.jpg></div></body></html>", "missing_field"),
        (
            "<html><head><title>Lịch tiếp công dân tháng 12</title></head><body><p>Trang đang bảo trì</p></body></html>",
            None,
        ),
    ],
    ids=["nothing", "no-date-no-byline"],
)
def test_c3_missing_fields(html: str, reason: str | None) -> None:
    if reason:
        with pytest.raises(Exception, match=reason):
            extract(html)
    else:  # optional fields are left empty, never invented
        got = extract(html)
        assert got["published_at"] is None and got["author"] is None and "published_at" not in got["sources"]


def test_c4c_a_listing_where_an_article_was_linked_is_recorded_as_not_an_article(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    items = "".join(
        f'<div><h3><a href="/tin/{i}.html">Tin hoạt động số {i} của Ủy ban nhân dân phường</a></h3>'
        f"<span>0{i}/01/2025</span><p>Tóm tắt tin số {i}: phường tổ chức hội nghị triển khai nhiệm vụ năm mới.</p></div>"
        for i in range(1, 7)
    )
    serve(site_server, tmp_path, f"<html><body><h2>TIN TỨC</h2>{items}</body></html>".encode())
    db = crawl(config_file)
    fetched, archived = outcome_of(db, site_server, SEED)
    assert fetched == [(200, "extract:not_an_article")] and archived == []


def test_c3_a_page_that_lost_its_article_is_recorded_and_retried(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    serve(
        site_server, tmp_path, b"<html><body><p>Trang \xc4\x91ang b\xe1\xba\xa3o tr\xc3\xac</p></body></html>"
    )
    db = crawl(config_file)
    fetched, archived = outcome_of(db, site_server, SEED)
    # The family's anchors find no date line, and the generic core, tried next, no headline.
    assert fetched == [(200, "extract:missing_field:title")] and archived == []
    assert rows(db, "SELECT last_error FROM frontier WHERE url = ?", site_server.url(SEED)) == [
        ("extract:missing_field:title",)
    ]


def test_c5_a_redesign_that_breaks_extraction_marks_the_run_degraded(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    redesign = tmp_path / "redesign.html"
    redesign.write_text("<html><body><div class='new-layout'><span>Giao diện mới</span></div></body></html>")
    for expected in sorted((SITE / "expected").glob("*.json")):
        site_server.set_route(json.loads(expected.read_text())["path"], file=str(redesign))
    db = crawl(config_file)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 0
    assert rows(db, "SELECT status FROM runs") == [("degraded",)]


def test_v2_a_windows_1258_page_declared_only_in_meta_is_stored_as_nfc(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    legacy = SEED_HTML.replace(
        '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />',
        '<meta charset="windows-1258">',
    )
    serve(site_server, tmp_path, to_cp1258(legacy), type="text/html")
    db = crawl(config_file)
    title, body = rows(db, "SELECT title, body FROM articles WHERE url = ?", site_server.url(SEED))[0]
    assert title.startswith("UBND Phường 1 tổ chức hội nghị")
    assert unicodedata.is_normalized("NFC", title) and unicodedata.is_normalized("NFC", body)
    assert rows(db, "SELECT encoding FROM captures WHERE url = ?", site_server.url(SEED)) == [("cp1258",)]


def test_v2_windows_1258_bytes_under_a_utf8_label_are_read_as_windows_1258_and_flagged(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    # header and <meta> both say UTF-8 (a server set up for UTF-8 serving an old page); the bytes are not
    serve(site_server, tmp_path, to_cp1258(SEED_HTML), type="text/html; charset=utf-8")
    db = crawl(config_file)
    title, body, flags = rows(
        db, "SELECT title, body, flags FROM articles WHERE url = ?", site_server.url(SEED)
    )[0]
    assert title.startswith("UBND Phường 1 tổ chức hội nghị") and "\ufffd" not in title + body
    assert json.loads(flags) == ["encoding_mislabelled"]
    assert rows(db, "SELECT encoding FROM captures WHERE url = ?", site_server.url(SEED)) == [("cp1258",)]


def test_a_few_stray_bytes_in_a_utf8_page_leave_it_utf8() -> None:
    page = SEED_HTML.encode() + b"<!-- \xe9\xe8 -->"
    text, encoding = decode_html(page, "text/html; charset=utf-8")
    assert encoding == "utf-8" and "UBND Phường 1" in text
    assert encoding_flags(page, "text/html; charset=utf-8", encoding) == ()


def test_v3_utf8_bytes_under_a_wrong_windows_1258_meta_are_read_as_utf8(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    serve(site_server, tmp_path, SEED_HTML.replace("<head>", '<head><meta charset="windows-1258">').encode())
    db = crawl(config_file)
    assert rows(
        db, "SELECT title LIKE 'UBND Phường 1%' FROM articles WHERE url = ?", site_server.url(SEED)
    ) == [(1,)]


@pytest.mark.parametrize(
    ("variant", "of"),
    [
        ("Xã Triệu Độ hoà giải thành công", "Xã Triệu Độ hòa giải thành công"),
        ("Công trình thuỷ lợi xã Hải Lệ", "Công trình thủy lợi xã Hải Lệ"),
        ("\u00d0ại hội Chi bộ thôn", "Đại hội Chi bộ thôn"),
        ("Tin\u200b mới về\u00a0giao thông", "Tin mới về giao thông"),
    ],
    ids=["hoa-tone-placement", "thuy-tone-placement", "icelandic-eth", "zero-width-and-nbsp"],
)
def test_v4_spelling_variants_share_one_dedup_key(variant: str, of: str) -> None:
    from scraper.archive import text_hash

    assert text_hash(variant, "Nội dung.") == text_hash(of, "Nội dung.")


@pytest.mark.parametrize(
    ("fragment", "flag"),
    [
        (
            '<p><font face=".VnTime">B¶o Th¾ng tæ chøc héi nghÞ tæng kÕt n¨m</font></p>',
            "legacy_encoding_suspected",
        ),
        (
            '<p><font face="VNI-Times">Xin chaøo caùc baïn, hoäi nghò toång keát</font></p>',
            "legacy_encoding_suspected",
        ),
        (
            "<p>" + "Ủy ban nhân dân xã tổ chức hội nghị".encode().decode("cp1252", "replace") + "</p>",
            "mojibake_suspected",
        ),
    ],
    ids=["tcvn3", "vni", "double-encoded-utf8"],
)
def test_v5_v6_doubtful_text_is_flagged_not_passed_off_as_clean(fragment: str, flag: str) -> None:
    html = SEED_HTML.replace("<p>Bình Nguyên</p>", fragment + "<p>Bình Nguyên</p>")
    assert flag in extract(html.encode())["flags"]


def test_clean_vietnamese_pages_carry_no_flags() -> None:
    pages = sorted((SITE / "pages").glob("*.html")) + sorted(
        Path(__file__).parent.glob("fixtures/pages/*/*.html")
    )
    assert [p.name for p in pages if extract(p.read_bytes())["flags"]] == []


def test_a_gzip_page_is_inflated_before_reading(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    serve(
        site_server,
        tmp_path,
        gzip.compress(SEED_HTML.encode()),
        raw=True,
        headers={"Content-Encoding": "gzip"},
    )
    _, archived = outcome_of(crawl(config_file), site_server, SEED)
    assert len(archived) == 1

"""reextract reads each stored capture exactly as the crawl did: unchanged pages and code write no version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper import extract
from tests.faultsrv import FaultServer, serve_site
from tests.test_cli import crawl, rows, run

# A plain page whose "Ngày đăng:" line looks like the Quảng Trị Liferay family's date line: detection guesses
# that family, which cannot read it, and the generic reader takes over (issue 12: reextract then forced the
# family and refused every such page with missing_field:body_end_anchor).
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2025-01-0{n}T08:15:00+07:00"></head>
<body><div class="header">Cổng thông tin điện tử Phường Thử</div>
<main><article><h1>{title}</h1><div class="date">Ngày đăng: 0{n}/01/2025 08:15</div>
{paragraphs}
<p class="author">Tác giả: Nguyễn Văn A</p></article></main></body></html>"""
PARAGRAPH = (
    "<p>Đoạn {i} của bài {n}: Ủy ban nhân dân phường tổ chức hội nghị về an ninh trật tự, chợ hoa xuân.</p>"
)
ARTICLES = 3


@pytest.fixture
def generic_site(tmp_path: Path) -> Iterator[FaultServer]:
    """A small portal of generic pages, served on 127.0.0.1."""
    root = tmp_path / "site"
    (root / "tin").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    links = "".join(f'<li><a href="/tin/bai-{n}.html">Bài {n}</a></li>' for n in range(1, ARTICLES + 1))
    (root / "listing.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    routes = {"/robots.txt": {"file": "robots.txt", "type": "text/plain"}, "/tin": {"file": "listing.html"}}
    for n in range(1, ARTICLES + 1):
        paragraphs = "".join(PARAGRAPH.format(i=i, n=n) for i in range(6))
        title = f"Bài viết số {n} về chợ hoa xuân phường"
        (root / "tin" / f"bai-{n}.html").write_text(
            PAGE.format(title=title, n=n, paragraphs=paragraphs), encoding="utf-8"
        )
        routes[f"/tin/bai-{n}.html"] = {"file": f"tin/bai-{n}.html"}
    (root / "manifest.json").write_text(json.dumps({"start": ["/tin"], "routes": routes}), encoding="utf-8")
    with serve_site(root) as server:
        yield server


def write_generic_config(tmp_path: Path, server: FaultServer, extra: str = "") -> Path:
    """A config for the generic site; extra is appended to its [[sites]] table."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{tmp_path / "archive.db"}"\ndelay = 0\ntimeout = 10\n\n'
        f'[[sites]]\nname = "phuongthu"\nstart_urls = ["{server.url("/tin")}"]\n'
        f'article_pattern = "/tin/bai-\\\\d+\\\\.html"\nallow_private = true\n{extra}\n',
        encoding="utf-8",
    )
    return path


FIELDS = "SELECT url, title, published_at, author, body FROM articles ORDER BY url"
VERSIONS = "SELECT count(*) FROM article_versions"


@pytest.mark.parametrize(
    "extra",
    ["", '[sites.selectors]\ntitle = "h1"\nbody = "article p:not(.author)"'],
    ids=["detected-profile", "site-selectors"],
)
def test_reextracting_unchanged_generic_pages_writes_no_version_and_keeps_every_field(
    tmp_path: Path, generic_site: FaultServer, extra: str
) -> None:
    config = write_generic_config(tmp_path, generic_site, extra)
    db = crawl(config)
    before = rows(db, FIELDS)
    assert len(before) == ARTICLES and all(published and author for _, _, published, author, _ in before)
    code, out, err = run("reextract", "--config", str(config))
    assert code == 0, err
    assert out.startswith(f"re-extracted {ARTICLES} captures: 0 changed, {ARTICLES} unchanged")
    assert rows(db, FIELDS) == before
    assert rows(db, VERSIONS) == [(ARTICLES,)]


def test_reextracting_the_fixture_site_writes_no_version(config_file: Path) -> None:
    db = crawl(config_file)
    versions = rows(db, VERSIONS)
    code, out, _ = run("reextract", "--config", str(config_file))
    assert code == 0 and " 0 changed, " in out and "without an article" in out
    assert rows(db, VERSIONS) == versions


def test_a_reextraction_that_loses_a_field_keeps_the_archived_version(
    tmp_path: Path, generic_site: FaultServer
) -> None:
    config = write_generic_config(tmp_path, generic_site)
    db = crawl(config)
    before = rows(db, FIELDS)
    # A profile that cannot read these pages, rescued by title and body selectors only: no date, no author.
    worse = 'profile = "liferay-quangtri"\n[sites.selectors]\ntitle = "h1"\nbody = "article p:not(.author)"'
    code, out, err = run("reextract", "--config", str(write_generic_config(tmp_path, generic_site, worse)))
    assert code == 0, err
    assert f"{ARTICLES}  kept as archived: the re-extraction lost published_at" in out
    assert rows(db, FIELDS) == before and rows(db, VERSIONS) == [(ARTICLES,)]


def test_reextract_without_a_config_warns_that_selectors_are_not_applied(
    tmp_path: Path, generic_site: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_generic_config(tmp_path, generic_site)
    db = crawl(config)
    monkeypatch.chdir(tmp_path / "site")  # no config.toml here
    code, _, warned = run("reextract", "--db", str(db))
    assert code == 0 and warned.startswith("scraper: phuongthu: not in config.toml; read by detection alone")
    code, _, quiet = run("reextract", "--config", str(config))
    assert (code, quiet) == (0, "")


def test_a_page_read_generically_after_a_family_guess_is_stored_as_generic() -> None:
    paragraphs = "".join(PARAGRAPH.format(i=i, n=1) for i in range(4))
    page = PAGE.format(title="Hội nghị an ninh trật tự phường", n=1, paragraphs=paragraphs)
    assert extract(page, url="https://phuong-thu.gov.vn/tin/bai-1")["profile"] == "generic"

"""The archive on real SQLite files: schema, one row per article, versions only on change, atomic writes."""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from scraper.archive import SCHEMA_VERSION, archive_lock, open_archive, transaction
from scraper.errors import LockHeld, StorageError
from scraper.models import Article, Attempt, Page, SiteVisits
from scraper.revisits import next_visit
from scraper.store import Archive, SiteArchive, content_hash

URL = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def page(at: str = "2026-11-29T01:00:00.000000Z", body: bytes = b"<html>v1</html>") -> Page:
    return Page(URL, URL, 200, (("Content-Type", "text/html"),), body, body.decode(), "utf-8", at, 12)


def article(
    body: str = "Chiều ngày 15/8/2022, UBND phường 1 tổ chức hội nghị.", **changes: object
) -> Article:
    base = Article(
        url=URL,
        title="UBND Phường 1 tổ chức hội nghị tổng kết",
        published_at="2022-08-29T20:05:00+07:00",
        author="Bình Nguyên",
        body=body,
        site_visits=SiteVisits(2, 2305, 299543),
        views=26,
        profile="liferay-quangtri",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def attempt(at: str = "2026-11-29T01:00:00.000000Z") -> Attempt:
    return Attempt(URL, at, 200, None, 12, 15, "article")


def site_view(db_path: Path, site: str = "tx") -> SiteArchive:
    """A fresh run's view of one site, as the run loop gets it."""
    archive = Archive.open(db_path)
    return archive.site(archive.start_run(1), site, next_visit)


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


def test_a_new_archive_has_the_contract_tables_in_wal_mode(db_path: Path) -> None:
    db = open_archive(db_path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {
        "articles",
        "article_versions",
        "visit_stats",
        "view_counts",
        "fetches",
        "runs",
        "captures",
    } <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    contract = {
        "id",
        "site",
        "url",
        "title",
        "published_at",
        "author",
        "body",
        "views",
        "content_hash",
        "first_seen_at",
        "last_seen_at",
        "changed_at",
    }
    assert contract <= {r[1] for r in db.execute("PRAGMA table_info(articles)")}


def test_loading_the_same_article_twice_keeps_one_row_and_one_version(db_path: Path) -> None:
    site = site_view(db_path)
    db = site.db
    first = site.save_article(URL, page(), article(), [attempt()])
    second = site.save_article(URL, page("2026-11-30T01:00:00.000000Z"), article(), [attempt()])
    assert (first.outcome, second.outcome) == ("new", "unchanged")
    assert (count(db_path, "articles"), count(db_path, "article_versions")) == (1, 1)
    row = db.execute("SELECT first_seen_at, last_seen_at, changed_at FROM articles").fetchone()
    assert row == (
        "2026-11-29T01:00:00.000000Z",
        "2026-11-30T01:00:00.000000Z",
        "2026-11-29T01:00:00.000000Z",
    )
    assert count(db_path, "view_counts") == 2 and count(db_path, "visit_stats") == 2
    assert count(db_path, "captures") == 1  # identical bytes are stored once


def test_an_edited_article_gets_a_new_version_and_keeps_the_old_one(db_path: Path) -> None:
    site = site_view(db_path)
    db = site.db
    site.save_article(URL, page(), article(), [attempt()])
    later = page("2026-12-01T01:00:00.000000Z", b"<html>v2</html>")
    result = site.save_article(URL, later, article(body="Nội dung đã sửa."), [attempt()])
    assert result.outcome == "changed"
    bodies = [r[0] for r in db.execute("SELECT body FROM article_versions ORDER BY id")]
    assert bodies == ["Chiều ngày 15/8/2022, UBND phường 1 tổ chức hội nghị.", "Nội dung đã sửa."]
    assert db.execute("SELECT body, changed_at FROM articles").fetchone() == (
        "Nội dung đã sửa.",
        "2026-12-01T01:00:00.000000Z",
    )


def test_history_shows_every_version_whole_but_stores_the_current_text_once(db_path: Path) -> None:
    site = site_view(db_path)
    db = site.db
    bodies = ["Bản đầu.", "Bản sửa lần một.", "Bản đầu."]  # edited, then put back
    for day, body in enumerate(bodies, start=1):
        at = f"2026-12-0{day}T01:00:00.000000Z"
        site.save_article(URL, page(at, body.encode()), article(body=body), [attempt(at)])
    history = db.execute("SELECT body, title, author FROM article_versions ORDER BY id").fetchall()
    assert history == [(body, article().title, "Bình Nguyên") for body in bodies]
    stored = [r[0] for r in db.execute("SELECT body FROM article_versions_data ORDER BY id")]
    assert stored == ["Bản đầu.", "Bản sửa lần một.", None]  # the current text lives in articles only
    assert db.execute("SELECT body FROM articles").fetchone() == ("Bản đầu.",)


def test_nfc_and_nfd_spellings_of_a_title_hash_the_same() -> None:
    nfd = unicodedata.normalize("NFD", article().title)
    assert content_hash(article(title=nfd)) == content_hash(article())


def test_a_failure_inside_a_write_leaves_nothing_behind(db_path: Path) -> None:
    db = open_archive(db_path)
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO runs (started_at, status) VALUES ('x', 'running')")
        raise RuntimeError("disk went away")
    assert count(db_path, "runs") == 0


def test_a_second_crawl_cannot_take_the_lock(db_path: Path) -> None:
    with archive_lock(db_path), pytest.raises(LockHeld), archive_lock(db_path):
        pass
    with archive_lock(db_path):  # released when the holder is done
        pass


def test_an_archive_from_a_newer_scraper_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StorageError, match="newer"):
        open_archive(db_path)


def test_a_file_that_is_not_sqlite_is_a_clear_error(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="cannot open the archive"):
        open_archive(db_path)


def test_runs_left_running_by_a_killed_crawl_are_marked_crashed(db_path: Path) -> None:
    db = Archive.open(db_path)
    db.start_run(1)
    db.start_run(1)
    db = db.db
    assert [r[0] for r in db.execute("SELECT status FROM runs ORDER BY id")] == ["crashed", "running"]

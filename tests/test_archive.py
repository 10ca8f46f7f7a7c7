"""The archive over years: migrations, dedup across URLs and Unicode forms, readers during writes, search."""

from __future__ import annotations

import sqlite3
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.archive import (
    SCHEMA_V1,
    SCHEMA_VERSION,
    connect,
    migrate,
    open_archive,
    open_reader,
)
from scraper.errors import StorageError
from scraper.queries import search
from scraper.store import MIN_DEDUP_WORDS, Archive
from tests.test_loader import URL, article, attempt, page, site_view

OTHER_URL = URL.replace("1661778300000", "1661778399999")
# A real body: text alone makes an alias only above MIN_DEDUP_WORDS words.
STORY = " ".join(
    ["Chiều ngày 15/8/2022, UBND phường 1 tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ."] * 3
)


def make_v1_archive(path: Path) -> None:
    """An archive exactly as the first released schema wrote it, with one article in it."""
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_V1)
        conn.execute("INSERT INTO runs (started_at, status) VALUES ('2026-01-01T00:00:00Z', 'ok')")
        conn.execute(
            "INSERT INTO articles (site, url, title, published_at, author, body, content_hash, first_seen_at, "
            "last_seen_at, changed_at) VALUES ('tx', ?, 'Bảo đảm an ninh trật tự dịp Tết', '2026-01-02', NULL, "
            "'Công an thị xã triển khai các phương án.', 'h1', 't', 't', 't')",
            [URL],
        )
        conn.execute(
            "INSERT INTO article_versions (article_id, observed_at, content_hash, title, body) VALUES (1, 't', 'h1', 'x', 'y')"
        )
        conn.execute("PRAGMA user_version = 1")


def test_an_archive_of_the_first_schema_upgrades_in_place_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_archive(path)
    db = open_archive(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT title, text_hash IS NOT NULL, removed_at FROM articles").fetchall() == [
        ("Bảo đảm an ninh trật tự dịp Tết", 1, None)
    ]
    assert db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 1
    assert [h.url for h in search(db, "an ninh trat tu")] == [URL]  # the search index was built from old rows
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_archive_with_edit_history_keeps_every_version_when_versions_become_a_view(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    old = connect(path)
    migrate(old, until=6)  # article_versions was a table holding every version's text
    old.execute(
        "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, last_seen_at, changed_at) "
        "VALUES ('tx', ?, 'Tin mới', 'Bản sửa.', 'h2', 't1', 't2', 't2')",
        [URL],
    )
    for hash_, body in (("h1", "Bản đầu."), ("h2", "Bản sửa.")):
        old.execute(
            "INSERT INTO article_versions (article_id, observed_at, content_hash, title, body) VALUES (1, ?, ?, 'Tin mới', ?)",
            [hash_, hash_, body],
        )
    before = old.execute("SELECT * FROM article_versions ORDER BY id").fetchall()
    old.close()
    db = open_archive(path)
    kept = "id, article_id, observed_at, content_hash, title, published_at, author, body, capture_id"
    assert db.execute(f"SELECT {kept} FROM article_versions ORDER BY id").fetchall() == before
    assert [r[0] for r in db.execute("SELECT body FROM article_versions_data ORDER BY id")] == [
        "Bản đầu.",
        None,
    ]


def test_v9_gives_old_articles_their_local_date_and_old_reextractions_their_origin(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    old = connect(path)
    migrate(old, until=8)
    for url, published in ((URL, "2026-01-12T06:30:00+07:00"), (OTHER_URL, "2026-01-13"), ("u3", None)):
        old.execute(
            "INSERT INTO articles (site, url, title, published_at, body, content_hash, first_seen_at, "
            "last_seen_at, changed_at) VALUES ('tx', ?, 't', ?, 'b', 'h', 't1', 't1', 't1')",
            [url, published],
        )
    old.execute(
        "INSERT INTO captures (url, fetched_at, sha256, compression, content) VALUES ('u', 't', 's', 'zlib', x'')"
    )
    for observed, capture in (("t1", 1), ("t2", None), ("t3", 1)):  # t3: the bytes of t1, extracted again
        old.execute(
            "INSERT INTO article_versions_data (article_id, observed_at, content_hash, capture_id) VALUES (1, ?, 'h', ?)",
            [observed, capture],
        )
    old.close()
    db = open_archive(path)
    dates = db.execute("SELECT published_date, date(published_at) FROM articles ORDER BY id").fetchall()
    assert dates == [("2026-01-12", "2026-01-11"), ("2026-01-13", "2026-01-13"), (None, None)]
    origins = db.execute("SELECT origin, extractor FROM article_versions ORDER BY id").fetchall()
    assert origins == [("crawl", None), ("crawl", None), ("reextract", None)]
    assert db.execute(
        "SELECT count(*) FROM pragma_table_info('fetches') WHERE name = 'detail'"
    ).fetchone() == (1,)


def test_a_failed_migration_leaves_the_old_archive_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_archive(path)
    with sqlite3.connect(path) as conn:  # something in the way of the v2 step
        conn.execute("CREATE TABLE article_aliases (x)")
    with pytest.raises(StorageError):
        open_archive(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        assert "text_hash" not in [r[1] for r in conn.execute("PRAGMA table_info(articles)")]


def test_the_same_article_under_another_url_is_an_alias_not_a_second_article(tmp_path: Path) -> None:
    site = site_view(tmp_path / "a.db")
    db = site.db
    site.save_article(URL, page(), article(STORY), [attempt()])
    result = site.save_article(OTHER_URL, page(), article(STORY, url=OTHER_URL), [attempt()])
    assert result.outcome == "alias"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT url FROM article_aliases").fetchall() == [(OTHER_URL,)]
    assert site.known_urls() == {URL, OTHER_URL}


def test_nfd_text_is_the_same_article_as_nfc_text(tmp_path: Path) -> None:
    site = site_view(tmp_path / "a.db")
    db = site.db
    site.save_article(URL, page(), article(STORY), [attempt()])
    nfd = article(
        title=unicodedata.normalize("NFD", article().title), body=unicodedata.normalize("NFD", STORY)
    )
    assert site.save_article(OTHER_URL, page(), nfd, [attempt()]).outcome == "alias"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@settings(max_examples=30, deadline=None)
@given(
    body=st.lists(
        st.sampled_from(["Xem", "file", "đính", "kèm", "Đang", "cập", "nhật", "nội", "dung", "."]),
        min_size=0,
        max_size=MIN_DEDUP_WORDS - 1,
    ).map(" ".join)
)
def test_two_urls_with_one_title_and_a_boilerplate_body_are_two_documents(body: str) -> None:
    # each week's "Lịch tiếp công dân" with "Xem file đính kèm" as its body: text alone cannot say they are one
    with tempfile.TemporaryDirectory() as tmp:
        site = site_view(Path(tmp) / "a.db")
        site.save_article(URL, page(), article(body), [attempt()])
        assert (
            site.save_article(OTHER_URL, page(), article(body, url=OTHER_URL), [attempt()]).outcome == "new"
        )
        assert site.db.execute("SELECT count(*) FROM article_aliases").fetchone()[0] == 0


def test_a_reader_during_a_write_sees_whole_articles_only(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions)"
    with archive.transaction():
        archive.store_article("tx", URL, article(), None, "2026-11-29T00:00:00Z")
        assert reader.execute(counts).fetchone() == (0, 0)  # mid-write: nothing, not half an article
    assert reader.execute(counts).fetchone() == (1, 1)
    reader.close()


def test_a_long_analyst_read_never_blocks_the_crawl(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    site = site_view(path)
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    site.save_article(URL, page(), article(), [attempt()])  # commits while the reader holds its snapshot
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (1,)


@pytest.mark.parametrize(
    "query", ["an ninh", "AN NINH", "an ninh trật tự", "an ninh trat tu", "Đảm bảo", "dam bao"]
)
def test_search_works_with_and_without_diacritics(tmp_path: Path, query: str) -> None:
    site = site_view(tmp_path / "a.db")
    db = site.db
    text = "Công an thị xã đảm bảo an ninh, trật tự trong dịp Tết Nguyên đán."
    site.save_article(URL, page(), article(body=text), [attempt()])
    site.save_article(
        OTHER_URL,
        page(),
        article(title="Chợ hoa xuân", body="Bán hoa, cây cảnh."),
        [attempt()],
    )
    assert [hit.url for hit in search(db, query)] == [URL]


def test_search_follows_edits(tmp_path: Path) -> None:
    site = site_view(tmp_path / "a.db")
    db = site.db
    site.save_article(URL, page(), article(body="Nội dung cũ về giao thông."), [attempt()])
    site.save_article(URL, page(), replace(article(), body="Nội dung mới về môi trường."), [attempt()])
    assert search(db, "giao thong") == [] and len(search(db, "moi truong")) == 1


def index_matches_articles(db: object) -> bool:
    """FTS5's own check that the index holds exactly the text of the articles table (raises otherwise)."""
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")  # type: ignore[attr-defined]
    return True


def test_articles_and_their_search_entries_commit_together(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    db = archive.db
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(RuntimeError), archive.transaction():
        archive.store_article("tx", URL, article(body="Bài bị bỏ dở."), None, "2026-11-29T00:00:00Z")
        raise RuntimeError("killed mid-write")
    with archive.transaction():
        archive.store_article("tx", OTHER_URL, article(url=OTHER_URL), None, "2026-11-29T00:00:00Z")
        assert reader.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'hoi'"
        ).fetchone() == (0,)
    assert reader.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'hoi'").fetchone() == (
        1,
    )
    assert search(db, "bo do") == [] and index_matches_articles(db)


def test_an_article_new_and_edited_in_one_batch_is_indexed_with_its_last_text(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    db = archive.db
    with archive.transaction():
        for body in ("Nội dung cũ về giao thông.", "Nội dung mới về môi trường."):
            with archive.transaction():  # a unit inside a batch joins it
                archive.store_article("tx", URL, article(body=body), None, "2026-11-29T00:00:00Z")
    assert search(db, "giao thong") == [] and len(search(db, "moi truong")) == 1
    assert index_matches_articles(db)


def test_an_article_inserted_by_hand_is_searchable(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    open_archive(path).close()
    with sqlite3.connect(path) as conn:  # an analyst's own row, through the sqlite3 shell
        conn.execute(
            "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, last_seen_at, changed_at) "
            "VALUES ('tx', ?, 'Lễ hội đua thuyền', 'Nội dung.', 'h', 't', 't', 't')",
            [URL],
        )
    db = open_archive(path)
    assert [hit.url for hit in search(db, "dua thuyen")] == [URL] and index_matches_articles(db)


def test_readers_refuse_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no archive here"):
        open_reader(tmp_path / "absent.db")
    (tmp_path / "x.db").write_bytes(b"not sqlite" * 500)
    with pytest.raises(StorageError, match="cannot open"):
        open_reader(tmp_path / "x.db")


def test_datasette_metadata_describes_every_table_and_column(tmp_path: Path) -> None:
    import json

    metadata = json.loads((Path(__file__).parents[1] / "datasette-metadata.json").read_text(encoding="utf-8"))
    described = metadata["databases"]["archive"]["tables"]
    db = open_archive(tmp_path / "archive.db")
    names = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
    tables = [name for (name,) in names if not name.startswith("articles_fts")]
    assert sorted(described) == sorted(tables)
    for table in tables:
        assert sorted(described[table]["columns"]) == sorted(
            r[1] for r in db.execute(f"PRAGMA table_info({table})")
        ), table


def test_an_alias_leaves_the_canonical_articles_validators_and_schedule_alone(tmp_path: Path) -> None:
    site = site_view(tmp_path / "a.db")
    db = site.db
    canonical = replace(page(), headers=(("ETag", '"canonical"'),))
    site.save_article(URL, canonical, article(STORY), [attempt()])
    before = db.execute("SELECT etag, next_visit_at FROM articles").fetchone()
    other = replace(
        page("2026-12-20T00:00:00.000000Z"),
        url=OTHER_URL,
        final_url=OTHER_URL,
        headers=(("ETag", '"alias"'),),
    )
    assert site.save_article(OTHER_URL, other, article(STORY, url=OTHER_URL), [attempt()]).outcome == "alias"
    assert db.execute("SELECT etag, next_visit_at FROM articles").fetchone() == before

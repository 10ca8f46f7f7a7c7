"""Storage faults (reliability.md §3 S) with real processes and real SQLite files.

Promise: the archive is never corrupted and never holds half an article, whatever kills or starves the crawl;
a run that cannot write says so in one line and exits 1 before fetching anything; the next run resumes.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.archive import SCHEMA_VERSION
from tests.conftest import write_config
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def start(config: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[call-overload]
    )


def articles(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def wait_for(predicate, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.02)


def assert_whole(db: Path) -> None:
    """integrity_check ok, and no half article: every article has a version, a capture, a fetch row and its
    search entry (FTS5's own check raises when the index and the articles differ)."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        assert version in (0, SCHEMA_VERSION)  # creating the schema is one transaction: all of it or none
        if version == 0:
            return  # killed before the schema was committed: an empty file, whole
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        indexed = "SELECT (SELECT count(*) FROM articles_fts_docsize) - (SELECT count(*) FROM articles)"
        assert conn.execute(indexed).fetchone()[0] == 0
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)"
            " OR NOT EXISTS (SELECT 1 FROM captures c WHERE c.id = a.capture_id)"
            " OR NOT EXISTS (SELECT 1 FROM fetches f WHERE f.url = a.url AND f.status = 200)"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) - count(DISTINCT url) FROM articles").fetchone()[0] == 0


@pytest.mark.slow
def test_s1_a_second_crawl_on_the_same_archive_exits_3_at_once(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(
        tmp_path, site_server, delay=0.3
    )  # a first crawl of ~5 s: the second starts well within it, even on a loaded machine
    first = start(config)
    wait_for(lambda: articles(tmp_path / "archive.db") >= 1)
    started = time.monotonic()
    second = start(config)
    _, err = second.communicate(timeout=20)
    assert second.returncode == 3 and "another crawl holds the lock" in err and time.monotonic() - started < 5
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert rows(tmp_path / "archive.db", "SELECT count(*), min(status) FROM runs") == [(1, "ok")]


@pytest.mark.slow
def test_s3_sigterm_ends_the_run_cleanly_and_the_next_run_finishes(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(
        tmp_path, site_server, delay=0.3
    )  # long enough for the signal to land mid-run on a loaded machine
    child = start(config)
    wait_for(lambda: articles(tmp_path / "archive.db") >= 3)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=20)
    db = tmp_path / "archive.db"
    assert child.returncode == 1 and "interrupted" in err and "Traceback" not in err
    assert rows(db, "SELECT status FROM runs") == [("aborted",)]
    assert_whole(db)
    crawl(config)
    assert articles(db) == 14
    assert_whole(db)


@pytest.mark.slow
def test_s3_twenty_random_sigkills_never_corrupt_the_archive(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server, delay=0.02)
    db, chance, kills = tmp_path / "archive.db", random.Random(20261129), 0
    for round_ in range(20):
        if round_ % 5 == 0:  # a fresh archive now and then: kills land while articles are being added
            for leftover in tmp_path.glob("archive.db*"):
                # missing_ok: an earlier connection of this test (3.11's sqlite3 connections sit in a reference
                # cycle, so the garbage collector closes them, at any moment) may checkpoint and remove the
                # -wal file between the listing and this unlink.
                leftover.unlink(missing_ok=True)
        elif articles(db):  # otherwise every article is due again: kills land in revisit writes
            with sqlite3.connect(db) as conn:
                if (
                    conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
                ):  # not killed mid-migration
                    conn.execute("UPDATE articles SET next_visit_at = '2000-01-01T00:00:00Z'")
        child = start(config)
        time.sleep(chance.uniform(0.35, 0.9))  # anywhere from start-up to the middle of a write
        child.kill()
        child.communicate(timeout=20)
        kills += 1
        if db.exists():
            assert_whole(db)
    assert kills == 20
    crawl(config)  # and the next run still ends with every article, once
    assert articles(db) == 14
    assert_whole(db)


def test_s4_a_full_disk_fails_loudly_with_nothing_half_written(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        # The schema takes about 120 KB of WAL and an article about 68 KB: room for a few articles, not all 14.
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    child = start(config, preexec_fn=small_disk)
    _, err = child.communicate(timeout=60)
    db = tmp_path / "archive.db"
    assert child.returncode == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("scraper: cannot write the archive") and "disk" in last and "Traceback" not in err
    assert 0 < articles(db) < 14
    assert_whole(db)
    crawl(config)  # space again: the next run resumes
    assert articles(db) == 14


@pytest.fixture
def immutable():
    """Make files read-only even for root (chattr +i); undone afterwards."""
    made: list[Path] = []

    def freeze(path: Path) -> None:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported on this file system")
        made.append(path)

    yield freeze
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_s5_a_read_only_archive_fails_before_any_request(
    tmp_path: Path, site_server: FaultServer, immutable
) -> None:
    config = write_config(tmp_path, site_server)
    db = crawl(config)
    before = len(site_server.requests)
    immutable(db)
    child = start(config)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 1 and "read-only" in err and len(site_server.requests) == before


def test_s5_a_read_only_folder_fails_before_any_request(
    tmp_path: Path, site_server: FaultServer, immutable
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    config = write_config(tmp_path, site_server)
    config.write_text(config.read_text().replace(str(tmp_path / "archive.db"), str(folder / "archive.db")))
    immutable(folder)
    child = start(config)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 1 and "not writable" in err and len(site_server.requests) == 0


def test_s6_an_archive_from_a_newer_scraper_is_left_alone(tmp_path: Path, site_server: FaultServer) -> None:
    config = write_config(tmp_path, site_server)
    db = tmp_path / "archive.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    child = start(config)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 1 and "newer" in err and len(site_server.requests) == 0
    assert rows(db, "PRAGMA user_version") == [(99,)]


def test_s8_a_corrupted_archive_is_refused_with_a_pointer_to_backups(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server)
    db = crawl(config)
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(os.urandom(4096))
    before = len(site_server.requests)
    child = start(config)
    _, err = child.communicate(timeout=30)
    assert (
        child.returncode == 1
        and ("damaged" in err or "malformed" in err)
        and len(site_server.requests) == before
    )


def test_s8_a_backup_taken_during_a_crawl_is_sound(tmp_path: Path, site_server: FaultServer) -> None:
    config = write_config(tmp_path, site_server, delay=0.05)
    db = tmp_path / "archive.db"
    child = start(config)
    wait_for(lambda: articles(db) >= 3)
    with sqlite3.connect(db, timeout=10) as conn:
        conn.execute(f"VACUUM INTO '{tmp_path / 'backup.db'}'")
    child.communicate(timeout=60)
    assert child.returncode == 0
    assert_whole(tmp_path / "backup.db")
    assert 3 <= articles(tmp_path / "backup.db") <= 14


@pytest.mark.slow
def test_time_limit_ends_the_run_cleanly_and_the_next_run_finishes(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server, delay=0.2)
    db = tmp_path / "archive.db"
    child = subprocess.run(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet", "--time-limit", "1.5"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    assert rows(db, "SELECT status FROM runs") == [("time_limit",)]
    assert 0 < articles(db) < 14
    assert rows(db, "SELECT count(*) FROM frontier")[0][0] > 0  # what is left, kept for the next run
    assert_whole(db)
    crawl(config)
    assert articles(db) == 14


MOUNTS = """/dev/vda1 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
nas:/export/archive /srv/archive nfs4 rw,vers=4.2 0 0
//nas/share /mnt/share cifs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/srv/archive/archive.db", "nfs4"),
        ("/mnt/share/x/archive.db", "cifs"),
        ("/srv/archived.db", "ext4"),
        ("/tmp/a.db", "tmpfs"),
    ],
    ids=["nfs", "smb", "prefix-is-not-a-mount", "local"],
)
def test_s8_network_file_systems_are_recognised(path: str, kind: str) -> None:
    from scraper.archive import filesystem_of

    assert filesystem_of(Path(path), MOUNTS) == kind


def test_s8_the_real_archive_folder_is_local(tmp_path: Path) -> None:
    from scraper.archive import NETWORK_FILESYSTEMS, filesystem_of

    assert filesystem_of(tmp_path) not in NETWORK_FILESYSTEMS and filesystem_of(tmp_path) != ""

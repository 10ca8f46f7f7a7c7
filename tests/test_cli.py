"""The `scraper` command end to end: a real server on 127.0.0.1, a real archive file, the contract's exit codes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scraper.archive import archive_lock, open_reader
from scraper.captures import Captures
from scraper.cli import cli
from tests.conftest import FIXTURES, MISSING_ARTICLE, SITE, expected_articles, write_config
from tests.faultsrv import FaultServer

ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def crawl(config: Path, *extra: str) -> Path:
    code, _, err = run("crawl", "--config", str(config), *extra)
    assert code == 0, err
    return config.parent / "archive.db"


def test_crawl_archives_every_article_once_with_the_expected_fields(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    stored = {
        r[0]: dict(
            zip(("title", "published_at", "author", "body", "views", "profile", "site"), r[1:], strict=True)
        )
        for r in rows(db, "SELECT url, title, published_at, author, body, views, profile, site FROM articles")
    }
    expected = expected_articles()
    assert len(stored) == len(expected) == 14
    for exp in expected:
        got = stored[site_server.url(exp["path"])]
        assert got == {k: exp[k] for k in ("title", "published_at", "author", "body", "views", "profile")} | {
            "site": "thixaquangtri"
        }
    assert rows(db, "SELECT count(*) FROM article_versions")[0][0] == 14
    assert rows(db, "SELECT status, articles_new, failures FROM runs") == [("ok", 14, 1)]


def test_site_visits_are_recorded_from_listings_and_articles(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    observed = rows(
        db, "SELECT url, online, today, total FROM visit_stats WHERE url = ?", site_server.url(ARTICLE)
    )
    expected = json.loads((SITE / "expected" / "1661778300000.json").read_text(encoding="utf-8"))[
        "site_visits"
    ]
    assert observed == [(site_server.url(ARTICLE), expected["online"], expected["today"], expected["total"])]
    assert (
        rows(db, "SELECT count(*) FROM visit_stats")[0][0] == 3 + 14
    )  # three listing pages, fourteen articles


def test_a_second_crawl_adds_no_article_and_records_new_observations(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    visits_before = rows(db, "SELECT count(*) FROM visit_stats")[0][0]
    crawl(config_file)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 14
    assert rows(db, "SELECT count(*) FROM article_versions")[0][0] == 14
    # The listing was walked to its end once; now the walk stops at the first page with nothing new.
    assert rows(db, "SELECT articles_new, pages_fetched FROM runs WHERE id = 2") == [(0, 1)]
    assert rows(db, "SELECT count(*) FROM visit_stats")[0][0] == visits_before + 1
    assert site_server.hits(ARTICLE) == 1


def test_a_missing_article_is_recorded_in_fetches_and_retried_on_a_later_run(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    url = site_server.url(MISSING_ARTICLE)
    assert rows(db, "SELECT status, error FROM fetches WHERE url = ?", url) == [(404, "http_404")]
    assert rows(db, "SELECT count(*) FROM articles WHERE url = ?", url) == [(0,)]
    assert rows(db, "SELECT attempts, last_error FROM frontier WHERE url = ?", url) == [(1, "http_404")]
    crawl(config_file)  # an hour has not passed: not asked again
    assert site_server.hits(MISSING_ARTICLE) == 1
    with sqlite3.connect(db) as conn:  # the retry time comes
        conn.execute("UPDATE frontier SET next_attempt_at = '2000-01-01T00:00:00Z'")
    crawl(config_file)
    assert site_server.hits(MISSING_ARTICLE) == 2
    assert rows(db, "SELECT attempts FROM frontier WHERE url = ?", url) == [(2,)]


def test_a_share_link_with_tracking_parameters_is_not_fetched_again(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    assert site_server.hits(ARTICLE) == 1
    assert not rows(db, "SELECT url FROM fetches WHERE url LIKE '%utm_%' OR url LIKE '%www.quangtri%'")


def test_raw_captures_are_kept_for_re_extraction(config_file: Path, site_server: FaultServer) -> None:
    db = crawl(config_file)
    content, encoding, compression = rows(
        db, "SELECT content, encoding, compression FROM captures WHERE url = ?", site_server.url(ARTICLE)
    )[0]
    assert encoding == "utf-8"
    stored = Captures(open_reader(db)).decompress(compression, content)
    assert stored == (SITE / "pages" / "1661778300000.html").read_bytes()


def test_max_articles_caps_new_articles_per_site(config_file: Path) -> None:
    db = crawl(config_file, "--max-articles", "4")
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 4
    crawl(config_file, "--max-articles", "4")
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 8


def test_db_option_wins_over_the_config(config_file: Path, tmp_path: Path) -> None:
    crawl(config_file, "--db", str(tmp_path / "other.db"), "--quiet")
    assert rows(tmp_path / "other.db", "SELECT count(*) FROM articles")[0][0] == 14


def test_a_bad_config_exits_2_with_one_line_naming_file_and_key(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server, crawl='max_articles = "many"')
    code, out, err = run("crawl", "--config", str(config))
    assert code == 2
    assert err.strip() == f"scraper: {config}: crawl.max_articles: must be a whole number, got str 'many'"
    assert out == ""


def test_an_unknown_site_name_exits_2(config_file: Path) -> None:
    code, _, err = run("crawl", "--config", str(config_file), "--site", "nowhere")
    assert code == 2 and "--site" in err and "nowhere" in err


def test_a_missing_config_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("crawl", "--config", str(tmp_path / "absent.toml"))
    assert code == 2 and "file not found" in err


def test_another_crawl_holding_the_lock_exits_3(config_file: Path) -> None:
    with archive_lock(config_file.parent / "archive.db"):
        code, _, err = run("crawl", "--config", str(config_file))
    assert code == 3 and "another crawl holds the lock" in err


def test_an_unwritable_archive_exits_1_with_a_clear_line(config_file: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "crawl", "--config", str(config_file), "--db", str(tmp_path / "no" / "such" / "dir.db")
    )
    assert code == 1 and err.startswith("scraper: ") and len(err.strip().splitlines()) == 1


def test_extract_prints_one_json_object_for_a_file() -> None:
    page = FIXTURES / "pages/liferay-quangtri/seed-thixaquangtri.html"
    code, out, _ = run("extract", str(page), "--url", "https://thixaquangtri.quangtri.gov.vn" + ARTICLE)
    data = json.loads(out)
    assert code == 0
    assert data["url"] == "https://thixaquangtri.quangtri.gov.vn" + ARTICLE
    assert data["author"] == "Bình Nguyên" and data["profile"] == "liferay-quangtri"
    assert "Bình Nguyên" in out  # UTF-8, not ASCII-escaped
    assert {"url", "title", "published_at", "author", "body", "site_visits", "views", "profile"} <= set(data)


def test_extract_fetches_a_url_once(site_server: FaultServer) -> None:
    code, out, _ = run("extract", "--allow-private", site_server.url(ARTICLE))
    assert code == 0 and json.loads(out)["published_at"] == "2022-08-29T20:05:00+07:00"
    assert site_server.hits(ARTICLE) == 1


def test_extract_of_a_private_host_names_allow_private_and_takes_it(site_server: FaultServer) -> None:
    url = site_server.url(ARTICLE).replace("127.0.0.1", "localhost")  # a name that resolves inward
    code, out, err = run("extract", url)
    assert code == 1 and out == "" and "--allow-private" in err and "robots_unreachable" not in err
    code, out, _ = run("extract", url, "--allow-private")
    assert code == 0 and json.loads(out)["published_at"] == "2022-08-29T20:05:00+07:00"


def test_extract_of_a_page_without_an_article_exits_1_without_a_traceback(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>")
    code, out, err = run("extract", str(page))
    assert code == 1 and out == "" and err.startswith("scraper: missing_field") and "Traceback" not in err


def test_extract_of_a_listing_page_exits_1_with_not_an_article(tmp_path: Path) -> None:
    items = "".join(
        f'<div><h3><a href="/tin/{i}.html">Tin hoạt động số {i} của Ủy ban nhân dân xã</a></h3>'
        f"<span>0{i}/01/2025</span><p>Tóm tắt tin số {i}: xã tổ chức hội nghị triển khai nhiệm vụ năm mới.</p></div>"
        for i in range(1, 7)
    )
    page = tmp_path / "listing.html"
    page.write_text(f"<html><body><h2>TIN TỨC - SỰ KIỆN</h2>{items}</body></html>", encoding="utf-8")
    code, out, err = run("extract", str(page))
    assert (code, out, err.strip()) == (1, "", "scraper: not_an_article")


def test_extract_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("extract", str(tmp_path / "nope.html"))
    assert code == 2 and "nope.html" in err


def test_demo_crawls_the_bundled_site_and_prints_what_it_archived(tmp_path: Path) -> None:
    code, out, _ = run("demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0
    assert out.startswith("6 articles in ")
    assert "Kế hoạch tổ chức Chợ hoa xuân Bính Ngọ năm 2026" in out
    assert rows(tmp_path / "demo.db", "SELECT count(*) FROM articles")[0][0] == 6


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    cmd = cli.commands[command]
    assert isinstance(cmd, click.Command) and cmd.help and "Example" in cmd.help


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "--help"], capture_output=True, text=True, check=True
    )
    assert "crawl" in result.stdout and "demo" in result.stdout


def test_a_site_whose_listings_show_no_article_link_says_what_to_set(
    tmp_path: Path, site_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_config(tmp_path, site_server, site='article_pattern = "/bai-viet/"')
    crawl(config)
    assert "thixaquangtri: no article links on its" in caplog.text and "set article_pattern" in caplog.text


def unreachable_config(tmp_path: Path) -> Path:
    """A config whose only site is a closed port on 127.0.0.1: nothing can be fetched."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{tmp_path / "archive.db"}"\ndelay = 0\nretries = 0\n\n'
        '[[sites]]\nname = "nowhere"\nstart_urls = ["http://127.0.0.1:9/"]\nallow_private = true\n',
        encoding="utf-8",
    )
    return path


def test_quiet_still_names_each_degraded_site_and_the_run_for_cron(tmp_path: Path) -> None:
    code, out, err = run("crawl", "--config", str(unreachable_config(tmp_path)), "--quiet")
    assert code == 0 and out == ""
    assert err.splitlines() == [
        "nowhere: 0 pages, 0 new, 0 changed, 0 unchanged, 1 failed; degraded: no page fetched",
        f"run 1 degraded: archive {tmp_path / 'archive.db'}",
    ]


def test_quiet_says_nothing_when_the_run_is_ok(config_file: Path) -> None:
    code, out, err = run("crawl", "--config", str(config_file), "--quiet")
    assert (code, out, err) == (0, "", "")


def test_listings_without_article_links_make_a_degraded_run_that_quiet_reports(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server, site='article_pattern = "/bai-viet/"')
    code, _, err = run("crawl", "--config", str(config), "--quiet")
    assert code == 0 and "degraded: no article links on its" in err
    assert rows(tmp_path / "archive.db", "SELECT status FROM runs") == [("degraded",)]


@pytest.mark.parametrize(
    "options, expected", [((), 0), (("--fail-on-degraded",), 4)], ids=["default", "fail-on-degraded"]
)
def test_fail_on_degraded_gives_a_degraded_run_its_own_exit_code(
    tmp_path: Path, options: tuple[str, ...], expected: int
) -> None:
    code, _, err = run("crawl", "--config", str(unreachable_config(tmp_path)), "--quiet", *options)
    assert code == expected and "degraded" in err


def test_fail_on_degraded_exits_0_on_a_good_run(config_file: Path) -> None:
    assert run("crawl", "--config", str(config_file), "--fail-on-degraded")[0] == 0


def test_log_lines_are_stamped_in_utc_with_the_zone(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "TZ": "Asia/Ho_Chi_Minh"}
    before = datetime.now(UTC).replace(microsecond=0)
    child = subprocess.run(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(unreachable_config(tmp_path))],
        env=env,
        capture_output=True,
        text=True,
    )
    stamp = child.stderr.split(" ", 1)[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp), child.stderr
    logged = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= logged <= datetime.now(UTC)  # UTC, not Vietnam's +07:00 local time


def test_extract_refuses_a_file_larger_than_a_crawl_would_keep_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as file:  # sparse: 100 MB on paper, nothing on disk
        file.truncate(100 * 1024 * 1024)
    code, out, err = run("extract", str(huge))
    assert code == 2 and out == "" and "larger than any page a crawl would keep" in err


def test_the_free_text_of_an_error_is_kept_beside_its_reason(tmp_path: Path) -> None:
    run("crawl", "--config", str(unreachable_config(tmp_path)), "--quiet")
    [(error, detail)] = rows(
        tmp_path / "archive.db", "SELECT error, detail FROM fetches WHERE kind = 'robots'"
    )
    assert error == "connect_failed" and detail.startswith("ConnectError: ")


def test_a_page_refused_for_its_host_is_a_failed_page_in_stats(tmp_path: Path) -> None:
    """The run counts the start page as failed, and stats lists it so (not only robots.txt's request)."""
    config = unreachable_config(tmp_path)
    run("crawl", "--config", str(config), "--quiet")
    code, out, _ = run("stats", "--config", str(config), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["last_run"]["failures"] == 1
    failed = [e for e in summary["last_run_errors"] if e["outcome"] == "failed"]
    assert [(e["reason"], e["urls"]) for e in failed] == [("robots_unreachable", 1)]


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e9"], ids=["nan", "inf", "negative", "over-a-week"])
def test_a_time_limit_that_is_no_duration_is_refused(config_file: Path, value: str) -> None:
    code, _, err = run("crawl", "--config", str(config_file), "--time-limit", value)
    assert code == 2 and "--time-limit" in err and len(err.strip().splitlines()) == 1
    assert not (config_file.parent / "archive.db").exists()

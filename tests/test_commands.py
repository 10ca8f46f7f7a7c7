"""The analyst's commands on a crawled archive: search, export, reextract, stats — all without network."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.archive import open_reader
from scraper.captures import Captures
from scraper.queries import search
from scraper.reports import print_archive
from tests.conftest import MISSING_ARTICLE, SITE, expected_articles, write_config
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows, run

SEED = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"
POLICE = "/chi-tiet-tin/-/view-article/1/1651212986853/1768188874498"


@pytest.fixture
def archive(config_file: Path) -> Path:
    """A fresh archive of the whole fixture site."""
    return crawl(config_file)


@pytest.mark.parametrize("query", ["an ninh trật tự", "an ninh trat tu", "AN NINH TRẬT TỰ"])
def test_search_prints_date_site_title_url_per_line(
    archive: Path, site_server: FaultServer, query: str
) -> None:
    code, out, _ = run("search", query, "--db", str(archive))
    lines = out.splitlines()
    assert code == 0
    assert {line.rsplit("  ", 1)[1] for line in lines} == {site_server.url(SEED), site_server.url(POLICE)}
    assert lines[0].startswith("2026-01-12  thixaquangtri  Công an thị xã tổng kết")


def test_search_filters_by_date_and_limit(archive: Path, site_server: FaultServer) -> None:
    _, out, _ = run("search", "an ninh", "--db", str(archive), "--since", "2023-01-01")
    assert site_server.url(SEED) not in out and site_server.url(POLICE) in out
    _, out, _ = run("search", "thị xã", "--db", str(archive), "--limit", "3")
    assert len(out.splitlines()) == 3


def test_search_finds_the_archive_through_the_config(archive: Path, config_file: Path) -> None:
    code, out, _ = run("search", "chợ hoa", "--config", str(config_file))
    assert code == 0 and "Chợ hoa xuân" in out


def published_months() -> Counter[str]:
    """Articles per YYYY-MM of the fixture site, from the articles' specs (not from the extractor)."""
    return Counter(a["published_at"][:7] for a in expected_articles())


def test_search_json_is_the_same_hits_as_the_lines(archive: Path) -> None:
    _, lines, _ = run("search", "thị xã", "--db", str(archive), "--limit", "5")
    code, out, err = run("search", "thị xã", "--db", str(archive), "--limit", "5", "--json")
    hits = json.loads(out)
    assert code == 0 and err == "" and len(hits) == 5
    assert [set(hit) for hit in hits] == [{"published_at", "site", "title", "url"}] * 5
    assert [h["url"] for h in hits] == [line.rsplit("  ", 1)[1] for line in lines.splitlines()]


@pytest.mark.parametrize("extra, stdout", [([], ""), (["--json"], "[]\n")], ids=["text", "json"])
def test_a_search_without_hits_says_so_on_stderr_and_exits_0(
    archive: Path, extra: list[str], stdout: str
) -> None:
    code, out, err = run("search", "xyzzy không có", "--db", str(archive), *extra)
    assert (code, out) == (0, stdout)
    assert err == "no match for 'xyzzy không có'\n"


def test_stats_json_holds_sites_months_and_the_last_run(archive: Path, site_server: FaultServer) -> None:
    code, out, _ = run("stats", "--db", str(archive), "--json")
    stats = json.loads(out)
    assert code == 0 and [s["site"] for s in stats["sites"]] == ["thixaquangtri"]
    assert stats["sites"][0]["articles"] == len(expected_articles()) == stats["sites"][0]["versions"]
    months = {m["month"]: m["articles"] for m in stats["articles_per_month"]}
    assert months == published_months()
    assert stats["last_run"]["status"] == "ok" and stats["last_run"]["id"] == 1
    assert {"outcome": "failed", "reason": "http_404", "urls": 1} in stats["last_run_errors"]


def test_jsonl_export_has_every_article_with_its_fields(archive: Path) -> None:
    code, out, err = run("export", "--format", "jsonl", "--db", str(archive))
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 14 and err.strip() == "exported 14 articles"
    contract = {"url", "title", "published_at", "author", "body", "views"}
    assert contract | {"attachments", "removed_at", "removed_reason"} <= set(records[0])
    pdf = [r for r in records if r["attachments"]]
    assert len(pdf) == 2 and pdf[0]["attachments"][0]["text"].startswith("Xem chi tiết")


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_csv_export_round_trips_and_starts_with_a_bom_for_excel(
    archive: Path, tmp_path: Path, excel: bool
) -> None:
    out_file = tmp_path / "a.csv"
    options = ["--site", "thixaquangtri", "--output", str(out_file)] + (["--excel"] if excel else [])
    code, _, _ = run("export", "--format", "csv", "--db", str(archive), *options)
    data = out_file.read_bytes()
    assert code == 0 and data.startswith(b"\xef\xbb\xbf") is excel
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    stored = rows(archive, "SELECT title, body FROM articles ORDER BY published_at, id")
    assert [(r["title"], r["body"]) for r in records] == stored


def test_excel_is_refused_for_other_formats(archive: Path) -> None:
    code, out, err = run("export", "--format", "jsonl", "--excel", "--db", str(archive))
    assert (code, out) == (2, "") and err.startswith("scraper: --excel applies to --format csv only")


def test_warc_export_opens_with_a_warcinfo_record(archive: Path, tmp_path: Path) -> None:
    import scraper

    out_file = tmp_path / "site.warc.gz"
    options = ["--site", "thixaquangtri", "--output", str(out_file)]
    run("export", "--format", "warc", "--db", str(archive), *options)
    with out_file.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)]
    kind, headers, payload = records[0]
    fields = dict(line.split(": ", 1) for line in payload.decode("utf-8").splitlines() if line)
    assert kind == "warcinfo" and headers.get_header("WARC-Filename") == "site.warc.gz"
    assert fields["software"].startswith(f"scraper/{scraper.__version__} (warcio/")
    assert fields["format"] == "WARC File Format 1.1" and "site thixaquangtri" in fields["description"]
    assert [kind for kind, _, _ in records[1:]] == ["response"] * 17


def test_warc_export_replays_the_captured_bytes(
    archive: Path, tmp_path: Path, site_server: FaultServer
) -> None:
    out_file = tmp_path / "archive.warc.gz"
    code, _, err = run("export", "--format", "warc", "--db", str(archive), "--output", str(out_file))
    assert code == 0 and err.strip() == "exported 17 captures"  # 3 listing pages + 14 articles
    with out_file.open("rb") as stream:
        records = {
            r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert records[site_server.url(SEED)] == (SITE / "pages" / "1661778300000.html").read_bytes()


def test_export_since_filters_on_publication_date(archive: Path) -> None:
    _, out, _ = run("export", "--format", "jsonl", "--db", str(archive), "--since", "2026-01-01")
    assert sorted(json.loads(line)["published_at"][:10] for line in out.splitlines()) == [
        "2026-01-05",
        "2026-01-07",
        "2026-01-12",
        "2026-01-12",
    ]


def test_reextract_records_what_a_better_extractor_changes(archive: Path, site_server: FaultServer) -> None:
    with sqlite3.connect(archive) as conn:  # as an older extractor might have left it
        conn.execute(
            "UPDATE articles SET body = 'cắt cụt', content_hash = 'old' WHERE url = ?",
            [site_server.url(SEED)],
        )
    code, out, _ = run("reextract", "--db", str(archive))
    assert code == 0 and out.startswith("re-extracted 14 captures: 1 changed, 13 unchanged")
    body, versions = rows(
        archive,
        "SELECT body, (SELECT count(*) FROM article_versions v WHERE v.article_id = a.id) FROM articles a WHERE url = ?",
        site_server.url(SEED),
    )[0]
    assert body.startswith("Chiều ngày 15/8/2022") and versions == 2


def test_reextract_leaves_what_only_a_visit_can_tell_alone(archive: Path, site_server: FaultServer) -> None:
    with sqlite3.connect(archive) as conn:  # one article taken down since, one of them also badly extracted
        conn.execute(
            "UPDATE articles SET removed_at = '2026-12-01T00:00:00Z', removed_reason = 'gone', "
            "last_seen_at = '2026-11-30T00:00:00Z'"
        )
        conn.execute(
            "UPDATE articles SET body = 'cắt cụt', content_hash = 'old' WHERE url = ?",
            [site_server.url(SEED)],
        )
    code, out, _ = run("reextract", "--db", str(archive))
    assert code == 0 and out.startswith("re-extracted 14 captures: 1 changed, 13 unchanged")
    assert rows(archive, "SELECT DISTINCT removed_reason, last_seen_at FROM articles") == [
        ("gone", "2026-11-30T00:00:00Z")
    ]


def test_history_shows_each_version_and_what_changed(archive: Path, site_server: FaultServer) -> None:
    with sqlite3.connect(archive) as conn:  # an older extractor cut the body short; reextract mends it
        conn.execute(
            "UPDATE articles SET body = 'Nội dung bị cắt cụt.', content_hash = 'old' WHERE url = ?",
            [site_server.url(SEED)],
        )
    run("reextract", "--db", str(archive))
    code, out, _ = run("history", site_server.url(SEED) + "?utm_source=zalo", "--db", str(archive))
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"2 versions of {site_server.url(SEED)}"
    assert "  -Nội dung bị cắt cụt." in lines
    assert any(line.startswith("  +Chiều ngày 15/8/2022") for line in lines)
    assert not any(line.startswith(("  -title", "  +title")) for line in lines)  # the title did not change


def test_history_of_an_unknown_url_says_so(archive: Path) -> None:
    code, _, err = run("history", "https://example.gov.vn/khong-co", "--db", str(archive))
    assert code == 1 and "no archived article at https://example.gov.vn/khong-co" in err


def test_reextract_recovers_pages_an_old_profile_refused(tmp_path: Path, site_server: FaultServer) -> None:
    redesigned = tmp_path / "redesigned.html"
    redesigned.write_text(
        "<html><body><h1 class='tieu-de'>Thông báo lịch tiếp công dân tháng 12</h1>"
        "<div class='noi-dung'><p>UBND thị xã thông báo lịch tiếp công dân.</p></div></body></html>",
        encoding="utf-8",
    )
    site_server.set_route(SEED, file=str(redesigned))
    # Detected, the family is a hint and the core reads the redesign; forced, its anchors refuse it.
    forced = 'profile = "liferay-quangtri"'
    config = write_config(tmp_path, site_server, site=forced)
    db = crawl(config)
    assert rows(db, "SELECT error FROM fetches WHERE url = ?", site_server.url(SEED)) == [
        ("extract:missing_field:date_line",)
    ]
    fixed = write_config(
        tmp_path,
        site_server,
        site=forced + '\n[sites.selectors]\ntitle = "h1.tieu-de"\nbody = "div.noi-dung"',
    )
    code, out, _ = run("reextract", "--config", str(fixed))
    assert code == 0 and "1 new" in out
    assert rows(db, "SELECT title FROM articles WHERE url = ?", site_server.url(SEED)) == [
        ("Thông báo lịch tiếp công dân tháng 12",)
    ]


def test_datasette_serves_the_archive_with_its_metadata(archive: Path) -> None:
    """What an analyst gets from `datasette archive.db --metadata datasette-metadata.json`."""
    from datasette.app import Datasette

    metadata = json.loads((Path(__file__).parents[1] / "datasette-metadata.json").read_text(encoding="utf-8"))

    async def browse() -> list[Any]:
        ds = Datasette(files=[str(archive)], metadata=metadata)
        await ds.invoke_startup()
        pages = [
            "/archive/articles.json?_search=an+ninh&_shape=array&_size=max",  # its search box: our FTS index
            "/archive/article_versions.json?_shape=array&_size=max",  # the view of the edit history
            "/archive/articles.json?_size=0",  # the facets the metadata asks for
        ]
        answers = [await ds.client.get(page) for page in pages]
        assert [a.status_code for a in answers] == [200, 200, 200]
        return [a.json() for a in answers]

    found, versions, table = asyncio.run(browse())
    ours = search(open_reader(archive), "an ninh", limit=100)
    assert sorted(a["url"] for a in found) == sorted(hit.url for hit in ours) and len(ours) >= 2
    bodies = rows(archive, "SELECT id, body FROM articles ORDER BY id")
    assert sorted((v["article_id"], v["body"]) for v in versions) == bodies
    assert {"site", "category", "removed_reason"} <= set(table["facet_results"])


def test_sqlite_utils_command_reads_the_archive(archive: Path) -> None:
    """The analysts' `sqlite-utils` command (the `analysis` extra) reads our STRICT tables and the FTS index."""
    from click.testing import CliRunner
    from sqlite_utils.cli import cli as sqlite_utils_cli

    runner = CliRunner()
    counts = runner.invoke(sqlite_utils_cli, ["tables", str(archive), "--counts", "--csv"])
    assert counts.exit_code == 0, counts.output
    tables = {row["table"]: int(row["count"]) for row in csv.DictReader(io.StringIO(counts.output))}
    assert tables["articles"] == rows(archive, "SELECT count(*) FROM articles")[0][0] > 0
    found = runner.invoke(sqlite_utils_cli, ["search", str(archive), "articles", "an ninh", "--csv"])
    assert found.exit_code == 0, found.output
    urls = {row["url"] for row in csv.DictReader(io.StringIO(found.output))}
    assert urls == {hit.url for hit in search(open_reader(archive), "an ninh", limit=100)} and urls


def test_datasette_canned_queries_answer_the_usual_questions(archive: Path, site_server: FaultServer) -> None:
    """The metadata's canned queries: articles per month, the visitor counter over time, the last run's failures."""
    from datasette.app import Datasette

    metadata = json.loads((Path(__file__).parents[1] / "datasette-metadata.json").read_text(encoding="utf-8"))
    pages = [
        "articles_per_month",
        "articles_per_month?site=thixaquangtri",
        "articles_per_month?site=nowhere",
        "visitor_counter",
        "last_run_failures",
    ]

    async def ask() -> list[Any]:
        ds = Datasette(files=[str(archive)], metadata=metadata)
        await ds.invoke_startup()
        answers = [
            await ds.client.get(f"/archive/{name}.json?_shape=array&{query}")
            for name, _, query in (page.partition("?") for page in pages)
        ]
        assert [a.status_code for a in answers] == [200] * len(pages)
        return [a.json() for a in answers]

    months, one_site, no_site, counter, failed = asyncio.run(ask())
    assert {m["month"]: m["articles"] for m in months} == published_months() and months == one_site
    assert {m["site"] for m in months} == {"thixaquangtri"} and no_site == []
    last_readings = rows(
        archive,
        "SELECT observed_at, online, today, total FROM visit_stats v WHERE observed_at = "
        "(SELECT max(observed_at) FROM visit_stats WHERE run_id = v.run_id) ORDER BY observed_at",
    )
    assert [(c["observed_at"], c["online"], c["today"], c["total"]) for c in counter] == last_readings
    assert [c["run_id"] for c in counter] == [1]  # one row per run, not one per page read
    assert [(f["url"], f["error"]) for f in failed] == [(site_server.url(MISSING_ARTICLE), "http_404")]


def test_stats_summarises_sites_months_and_the_last_run(archive: Path) -> None:
    code, out, _ = run("stats", "--db", str(archive))
    assert code == 0
    site_row = next(line.split() for line in out.splitlines() if line.startswith("thixaquangtri "))
    assert site_row[:7] == ["thixaquangtri", "14", "0", "0", "14", "2022-08-29", "2026-01-12"]
    assert ["thixaquangtri", "2026-01", "4"] in [line.split() for line in out.splitlines()]
    assert "last run 1: ok" in out and "1  http_404" in out


@pytest.mark.parametrize(
    "command", [["search", "x"], ["stats"], ["export", "--format", "jsonl"], ["reextract"]]
)
def test_reading_commands_refuse_a_missing_archive_cleanly(tmp_path: Path, command: list[str]) -> None:
    code, out, err = run(*command, "--db", str(tmp_path / "absent.db"))
    assert code == 1 and "no archive here" in err and "Traceback" not in err
    assert not (tmp_path / "absent.db").exists()


def test_captures_keep_status_headers_and_the_bytes(archive: Path, site_server: FaultServer) -> None:
    status, headers, content, site, compression = rows(
        archive,
        "SELECT status, headers, content, site, compression FROM captures WHERE url = ?",
        site_server.url(SEED),
    )[0]
    assert (status, site) == (200, "thixaquangtri")
    assert ["Content-Type", "text/html; charset=utf-8"] in [[k.title(), v] for k, v in json.loads(headers)]
    assert (
        Captures(open_reader(archive)).decompress(compression, content)
        == (SITE / "pages" / "1661778300000.html").read_bytes()
    )


def test_the_category_a_page_shows_is_stored_and_exported(archive: Path, site_server: FaultServer) -> None:
    flower_market = site_server.url("/chi-tiet-tin/-/view-article/1/1651191623178/1767777868978")
    assert rows(archive, "SELECT category FROM articles WHERE url = ?", flower_market) == [
        ("VĂN HÓA - XÃ HỘI",)
    ]
    _, out, _ = run("export", "--format", "jsonl", "--db", str(archive))
    exported = {json.loads(line)["url"]: json.loads(line) for line in out.splitlines()}
    assert (
        exported[flower_market]["category"] == "VĂN HÓA - XÃ HỘI" and exported[flower_market]["flags"] == []
    )


def test_stats_labels_every_error_line_and_keeps_robots_and_removals_out_of_failures(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    site_server.set_route("/robots.txt", status=404)
    site_server.set_route(SEED, status=410)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET next_visit_at = '2000-01-01T00:00:00Z'")
    crawl(config_file)
    code, out, _ = run("stats", "--db", str(db))
    tail = out[out.index("\nlast run 2") :].strip().splitlines()
    assert code == 0 and tail[0].endswith(", 0 failed")
    assert tail[1:] == [
        "  not failures: archived articles the site no longer serves (kept, removed_at set):",
        "        1  http_410",
        "  not failures: robots.txt (4xx: no rules, everything allowed; else the host was skipped):",
        "        1  http_404",
    ]


def test_stats_during_a_crawl_says_the_run_is_not_finished(archive: Path) -> None:
    with sqlite3.connect(archive) as conn:
        conn.execute(
            "INSERT INTO runs (started_at, status, pid) VALUES ('2026-11-29T22:00:00.000000Z', 'running', 4242)"
        )
    _, out, _ = run("stats", "--db", str(archive))
    assert "finished None" not in out
    assert "started 2026-11-29T22:00:00.000000Z, not finished: running now, or killed (pid 4242)" in out


def test_the_demo_listing_shows_the_latest_counter_reading_not_the_largest(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(
        archive
    ) as conn:  # the counter was reset: the latest reading is below the earlier ones
        conn.execute(
            "INSERT INTO visit_stats (site, observed_at, total) VALUES ('thixaquangtri', '2099-01-01T00:00:00Z', 7)"
        )
    print_archive(str(archive))
    assert capsys.readouterr().out.rstrip().endswith("; latest total 7")


def test_a_reextraction_is_its_own_run_and_history_does_not_call_it_an_edit(
    archive: Path, site_server: FaultServer
) -> None:
    with sqlite3.connect(archive) as conn:  # as an older extractor might have left it
        conn.execute(
            "UPDATE articles SET body = 'cắt cụt', content_hash = 'old' WHERE url = ?",
            [site_server.url(SEED)],
        )
    run("reextract", "--db", str(archive))
    code, out, _ = run("history", site_server.url(SEED), "--db", str(archive))
    versions = [line for line in out.splitlines() if line.startswith("version ")]
    assert code == 0 and len(versions) == 2
    assert re.match(r"version 1, first seen \S+ on the site, extracted by scraper \d", versions[0])
    assert re.match(
        r"version 2, re-extracted \S+ from a stored capture by scraper \d.*not an edit by the site",
        versions[1],
    )
    assert rows(
        archive, "SELECT kind, status, pages_fetched, articles_changed, articles_unchanged FROM runs"
    )[1:] == [("reextract", "ok", 0, 1, 13)]
    _, stats, _ = run("stats", "--db", str(archive))
    assert "\nlast run 1: ok" in stats  # the last crawl, not the re-extraction


def test_exports_carry_the_pages_own_publication_date(archive: Path) -> None:
    _, out, _ = run("export", "--format", "jsonl", "--db", str(archive))
    records = [json.loads(line) for line in out.splitlines()]
    assert all(
        r["published_date"] == (r["published_at"][:10] if r["published_at"] else None) for r in records
    )
    assert {r["published_date"] for r in records} >= {"2026-01-12", "2022-08-29"}
    _, out, _ = run("export", "--format", "csv", "--db", str(archive))
    assert "published_at,published_date," in out.splitlines()[0]

"""`scraper report` on a real crawled archive, opened in headless Chromium with the network off."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.archive import open_reader
from scraper.htmlreport import render_report
from tests.conftest import expected_articles, write_config
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows, run

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces where no network namespace can be made: every request goes to a closed port.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.fixture
def report(config_file: Path) -> tuple[Path, Path]:
    """The archive of the fixture site, crawled twice, and its report."""
    crawl(config_file)
    archive = crawl(config_file)
    output = archive.parent / "report.html"
    code, out, err = run("report", "--db", str(archive), "--output", str(output))
    assert (code, out, err) == (0, "", f"wrote {output}\n")
    return archive, output


def chromium_dom(page: Path, tmp_path: Path) -> LexborHTMLParser:
    """The page's DOM after its scripts ran in headless Chromium, without a network."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install chromium (.ci/run does)")
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    command += ["--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    # In a fresh network namespace there is no network at all, loopback down included.
    isolated = shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0
    result = subprocess.run(
        (["unshare", "-n"] if isolated else []) + command, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return LexborHTMLParser(result.stdout)


def chart(dom: LexborHTMLParser, div_id: str) -> LexborNode:
    node = dom.css_first(f"#{div_id}")
    assert node is not None, f"no chart {div_id}"
    return node


def test_the_charts_are_drawn_in_a_browser_with_the_network_off(
    report: tuple[Path, Path], tmp_path: Path
) -> None:
    archive, page = report
    dom = chromium_dom(page, tmp_path)
    months = Counter(a["published_at"][:7] for a in expected_articles())
    bars = chart(dom, "site-0-months").css("g.trace.bars g.point path")
    assert len(bars) == len(months) and all(bar.attributes.get("d") for bar in bars)
    runs = rows(archive, "SELECT count(DISTINCT run_id) FROM visit_stats WHERE site = 'thixaquangtri'")[0][0]
    lines = chart(dom, "site-0-counter").css("g.trace.scatter")
    assert runs == 2 and [len(line.css("path.point")) for line in lines] == [runs] * 3
    assert all(line.css_first("path.js-line").attributes.get("d") for line in lines)
    reasons = rows(archive, "SELECT DISTINCT error FROM fetches WHERE error IS NOT NULL")
    assert len(chart(dom, "site-0-failures").css("g.trace.bars g.point path")) == len(reasons) >= 1
    titles = [a.text() for a in dom.css("section#site-0 table a")]
    assert sorted(titles) == sorted(a["title"] for a in expected_articles())


def test_the_report_is_one_file_that_loads_nothing_from_outside(report: tuple[Path, Path]) -> None:
    text = report[1].read_text(encoding="utf-8")
    assert re.findall(r"<(?:script|link|img|iframe|object|embed)\b[^>]*\b(?:src|href)=", text) == []
    assert re.findall(r"@import|url\(\s*['\"]?https?:", text) == []
    assert "Plotly.newPlot" in text and len(text) > 1_000_000  # plotly.js is inside


def test_a_report_of_one_site_and_of_a_site_not_in_the_archive(report: tuple[Path, Path]) -> None:
    archive, page = report
    single = page.with_name("one.html")
    code, _, _ = run("report", "--db", str(archive), "--site", "thixaquangtri", "--output", str(single))
    assert code == 0 and 'id="site-0"' in single.read_text(encoding="utf-8")
    code, _, err = run(
        "report", "--db", str(archive), "--site", "nowhere", "--output", str(page.with_name("x"))
    )
    assert code == 2 and err == "scraper: --site: nowhere: no such site in the archive\n"
    assert not page.with_name("x").exists()


def test_a_site_with_nothing_but_failures_gets_notes_instead_of_empty_charts(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server)
    extra = f'\n[[sites]]\nname = "gone"\nstart_urls = ["{site_server.url("/no-such-listing")}"]\nallow_private = true\n'
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    archive = crawl(config)
    code, _, _ = run("report", "--db", str(archive), "--output", str(tmp_path / "r.html"))
    dom = LexborHTMLParser((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert code == 0 and [h.text() for h in dom.css("section h2")] == ["gone", "thixaquangtri"]
    notes = [p.text() for p in dom.css("section#site-0 p.note")]
    assert notes == ["no dated article", "no visitor-counter reading", "no article"]
    assert dom.css_first("#site-0-failures") is not None and dom.css_first("#site-0-months") is None


def test_an_output_in_no_folder_or_on_the_archive_is_refused_before_writing(
    report: tuple[Path, Path], tmp_path: Path
) -> None:
    archive, _ = report
    before = archive.read_bytes()
    for output, problem in [(tmp_path / "no" / "r.html", "does not exist"), (archive, "is the archive")]:
        code, _, err = run("report", "--db", str(archive), "--output", str(output))
        assert code == 2 and err.startswith("scraper: --output: ") and problem in err and err.count("\n") == 1
    assert archive.read_bytes() == before and not (tmp_path / "no").exists()


# Markup characters are drawn often: random Unicode alone would hardly ever hold a "<" or an "&".
MARKUP = st.sampled_from(["<", ">", "&", '"', "'", "</script>", "&amp;", "<b>", "đ", " "])
TEXT = st.lists(
    st.one_of(MARKUP, st.characters(blacklist_categories=("Cs", "Cc"))), min_size=1, max_size=30
).map("".join)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(site=TEXT, title=TEXT, author=TEXT, reason=TEXT)
def test_whatever_text_the_archive_holds_stays_text_in_the_page(
    report: tuple[Path, Path], site: str, title: str, author: str, reason: str
) -> None:
    archive, _ = report
    with sqlite3.connect(archive) as conn:  # as a hostile or broken site might have filled it
        for table in ("articles", "fetches", "visit_stats"):
            conn.execute(f"UPDATE {table} SET site = ?", [site])
        conn.execute("UPDATE articles SET title = ?, author = ?", [title, author])
        conn.execute("UPDATE fetches SET error = ? WHERE error IS NOT NULL", [reason])
    dom = LexborHTMLParser(render_report(open_reader(archive), "archive.db"))
    assert dom.css_first("section#site-0 h2").text() == site == dom.css_first("nav a").text()
    assert {a.text() for a in dom.css("section#site-0 table a")} == {title}
    assert {td.text() for td in dom.css("section#site-0 table tr td:nth-child(3)")} == {author}
    assert len(dom.css("script")) == 4  # plotly.js and the three charts: nothing slipped out of its JSON

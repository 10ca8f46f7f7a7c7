"""`scraper check` against the fixture site on 127.0.0.1: what it tells a researcher adding a portal."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from tests.conftest import LISTING, SITE, write_config
from tests.faultsrv import FaultServer
from tests.test_cli import run

FIRST_ARTICLE = (
    "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"  # first article link on the listing
)


def article_hrefs(listing: Path) -> set[str]:
    """The article links a listing page holds, read with a regex rather than the crawler's link discovery."""
    return set(
        re.findall(r'href="(/chi-tiet-tin/-/view-article/[^"?#]+)', listing.read_text(encoding="utf-8"))
    )


def test_a_working_site_is_walked_step_by_step_and_its_first_article_shown(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server)
    code, out, _ = run("check", "--config", str(config))
    expected = json.loads((SITE / "expected" / "1661778300000.json").read_text(encoding="utf-8"))
    lines = out.splitlines()
    assert code == 0 and lines[0] == "thixaquangtri" and lines[-1] == "thixaquangtri: ready to crawl"
    assert f"ok    robots {site_server.url('/robots.txt')}: HTTP 200" in out
    assert (
        f"ok    links: {len(article_hrefs(SITE / 'listing-1.html'))} article links on the listing page" in out
    )
    assert f"ok    article {site_server.url(FIRST_ARTICLE)}: HTTP 200" in out
    for field in ("title", "published_at", "author", "site_visits"):
        value = expected[field]
        assert f"        {field}: {value}" in lines, field
    assert "sources: title=anchor:before-date-line, published_at=anchor:date-line" in out
    assert [path for _, path, _ in site_server.requests] == ["/robots.txt", LISTING, FIRST_ARTICLE]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # the archive is never written


def serve(site_server: FaultServer, path: str, tmp_path: Path, text: str, **route: object) -> None:
    """Serve text at path instead of the fixture's file."""
    served = tmp_path / f"served-{len(list(tmp_path.iterdir()))}.html"
    served.write_text(text, encoding="utf-8")
    site_server.set_route(path, file=str(served), **route)


FAULTS = {
    "no-article-links": (
        lambda server, tmp: None,
        'article_pattern = "/bai-viet/"',
        "FAIL  links: no article link on the listing page",
        "set article_pattern",
    ),
    "robots-txt-disallows-the-listing": (
        lambda server, tmp: serve(
            server, "/robots.txt", tmp, "User-agent: *\nDisallow: /\n", type="text/plain"
        ),
        "",
        "FAIL  listing {listing}: robots_disallowed",
        "robots.txt forbids crawlers this URL",
    ),
    "robots-txt-answers-503": (
        lambda server, tmp: server.set_route("/robots.txt", status=503),
        "",
        "FAIL  robots {robots}: http_503",
        "a crawl fetches nothing from this host",
    ),
    "listing-gone": (
        lambda server, tmp: server.set_route(LISTING, status=404),
        "",
        "FAIL  listing {listing}: http_404",
        None,
    ),
    "article-without-an-article": (
        lambda server, tmp: serve(server, FIRST_ARTICLE, tmp, "<html><body><p>Trang chủ</p></body></html>"),
        "",
        "FAIL  extract: missing_field",
        "set [sites.selectors] or profile",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_site_that_will_not_work_says_which_step_failed_and_what_to_do(
    tmp_path: Path, site_server: FaultServer, fault: str
) -> None:
    arrange, site_keys, failure, hint = FAULTS[fault]
    arrange(site_server, tmp_path)
    config = write_config(tmp_path, site_server, site=site_keys)
    code, out, _ = run("check", "--config", str(config))
    urls = {"listing": site_server.url(LISTING), "robots": site_server.url("/robots.txt")}
    assert code == 1 and out.splitlines()[-1] == "thixaquangtri: not ready: see FAIL above"
    assert failure.format(**urls) in out
    hints = [line for line in out.splitlines() if line.startswith("        -> ")]
    assert hint is None or any(hint in line for line in hints)
    assert not (tmp_path / "archive.db").exists()


def test_a_name_that_resolves_to_a_private_address_names_allow_private(
    tmp_path: Path, site_server: FaultServer
) -> None:
    port = site_server.base_url.rsplit(":", 1)[1]
    config = tmp_path / "config.toml"
    config.write_text(f'[[sites]]\nname = "intranet"\nstart_urls = ["http://localhost:{port}{LISTING}"]\n')
    code, out, _ = run("check", "--config", str(config))
    assert code == 1 and f"ok    host localhost:{port}: resolves to " in out
    assert "blocked_ssrf" in out and "set allow_private = true" in out
    assert site_server.requests == []  # refused before connecting


def test_an_unknown_site_name_exits_2(tmp_path: Path, site_server: FaultServer) -> None:
    code, out, err = run("check", "--config", str(write_config(tmp_path, site_server)), "--site", "nowhere")
    assert (code, out) == (2, "") and "nowhere" in err


def test_a_host_where_nothing_listens_is_named_with_the_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port the OS just handed out and nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "config.toml"
    site = f'name = "down"\nstart_urls = ["http://127.0.0.1:{port}/"]\nallow_private = true\n'
    config.write_text(f"[crawl]\ndelay = 0\n[[sites]]\n{site}")
    code, out, _ = run("check", "--config", str(config))
    assert code == 1 and f"FAIL  robots http://127.0.0.1:{port}/robots.txt: connect_failed (" in out
    assert out.splitlines()[-1] == "down: not ready: see FAIL above"


def test_every_start_url_is_checked_and_a_host_named_once(tmp_path: Path, site_server: FaultServer) -> None:
    config = write_config(tmp_path, site_server)
    second = site_server.url("/tin-cu-da-xoa")  # a start listing the portal no longer serves
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "allow_private", f'start_urls = ["{site_server.url(LISTING)}", "{second}"]\nallow_private'
        ).replace(f'start_urls = ["{site_server.url(LISTING)}"]\n', "", 1),
        encoding="utf-8",
    )
    code, out, _ = run("check", "--config", str(config))
    assert code == 1 and f"FAIL  listing {second}: http_404" in out
    assert f"ok    listing {site_server.url(LISTING)}: HTTP 200" in out
    assert sum(line.lstrip().startswith(("ok    host", "FAIL  host")) for line in out.splitlines()) == 1

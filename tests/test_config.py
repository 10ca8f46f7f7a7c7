"""config.toml: defaults, and one clear ConfigError naming file, key and problem for every mistake."""

from __future__ import annotations

import json
import math
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.cli import cli
from scraper.config import load_config
from scraper.errors import ConfigError
from scraper.models import Config, CrawlSettings

REPO = Path(__file__).resolve().parents[1]
SITE = '[[sites]]\nname = "a"\nstart_urls = ["https://a.gov.vn/tin-tuc"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_is_valid() -> None:
    config = load_config(REPO / "config.toml")
    assert config.sites[0].name == "thixaquangtri"
    assert config.sites[0].profile == "liferay-quangtri"


def test_defaults_fill_what_the_file_leaves_out(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SITE))
    assert (config.crawl.db, config.crawl.delay, config.crawl.timeout, config.crawl.max_articles) == (
        "archive.db",
        1.0,
        30.0,
        0,
    )
    assert config.sites[0].start_urls == ("https://a.gov.vn/tin-tuc",)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[crawl]\ndelai = 1\n" + SITE, "crawl.delai", "unknown key"),
        ('[crawl]\ndelay = "1"\n' + SITE, "crawl.delay", "must be a number"),
        ("[crawl]\nmax_articles = true\n" + SITE, "crawl.max_articles", "must be a whole number"),
        ("[crawl]\ndelay = -1\n" + SITE, "crawl.delay", "must not be negative"),
        ("[crawl]\nsweep_days = -30\n" + SITE, "crawl.sweep_days", "must not be negative"),
        ("[crawl]\ntimeout = 0\n" + SITE, "crawl.timeout", "between 1 and 600"),
        ("[crawl]\n", "sites", "at least one"),
        ('[[sites]]\nstart_urls = ["https://a.gov.vn/"]\n', "sites[0].name", "is required"),
        ('[[sites]]\nname = "a"\n', "sites[0].start_urls", "is required"),
        ('[[sites]]\nname = "a"\nstart_urls = []\n', "sites[0].start_urls", "at least one URL"),
        ('[[sites]]\nname = "a"\nstart_urls = ["ftp://a/"]\n', "sites[0].start_urls[0]", "http(s) URL"),
        (SITE + 'article_pattern = "("\n', "sites[0].article_pattern", "regular expression"),
        (SITE + 'profile = "joomla"\n', "sites[0].profile", "unknown profile"),
        (SITE + 'colour = "red"\n', "sites[0].colour", "unknown key"),
        (SITE + '[sites.selectors]\nbody_text = "div"\n', "sites[0].selectors.body_text", "unknown key"),
        (SITE + 'ca_bundle = "/nonexistent.pem"\n', "sites[0].ca_bundle", "file not found"),
        (SITE + 'allow_private = "yes"\n', "sites[0].allow_private", "true or false"),
        (SITE + SITE, "sites[1].name", "duplicate"),
        ("[crawl\n", "", "not valid TOML"),
        ('[crawl]\ndb = " "\n' + SITE, "crawl.db", "must name an archive file"),
        ("oops = 1\n" + SITE, "oops", "unknown key"),
    ],
    ids=[
        "typo-in-crawl-key",
        "string-for-number",
        "bool-for-int",
        "negative-delay",
        "negative-sweep-days",
        "zero-timeout",
        "no-sites",
        "missing-name",
        "missing-start-urls",
        "empty-start-urls",
        "non-http-url",
        "bad-regex",
        "unknown-profile",
        "unknown-site-key",
        "unknown-selector-field",
        "missing-ca-bundle",
        "string-for-bool",
        "duplicate-site-name",
        "broken-toml",
        "empty-db",
        "unknown-top-level-key",
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, text: str, key: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: " if key else f"{path}: {problem}")
    assert problem in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert str(caught.value) == f"{tmp_path / 'nope.toml'}: file not found"


# The documented ranges (README, config section), inclusive: the specification the loader is held to.
DOCUMENTED_RANGES = {
    "delay": (0, 3600),
    "timeout": (1, 600),
    "time_limit": (0, 7 * 24 * 3600),
    "sweep_days": (0, 3650),
    "max_bytes": (1024, 1024**3),
    "retries": (0, 10),
    "max_articles": (0, 10**7),
    "max_listing_pages": (0, 10**7),
    "max_revisits": (0, 10**7),
}


def site_with(line: str) -> str:
    return SITE + line + "\n"


# Each of these passed validation before issue 11 and then crashed or hung a run.
@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[crawl]\nuser_agent = "bot\\r\\nX-Injected: 1"\n' + SITE, "crawl.user_agent", "printable ASCII"),
        ('[crawl]\nuser_agent = "Trình thu thập tin"\n' + SITE, "crawl.user_agent", "printable ASCII"),
        ('[crawl]\nuser_agent = "  "\n' + SITE, "crawl.user_agent", "no space at either end"),
        ("[crawl]\ntimeout = nan\n" + SITE, "crawl.timeout", "finite"),
        ("[crawl]\ndelay = inf\n" + SITE, "crawl.delay", "finite"),
        ("[crawl]\ntime_limit = -inf\n" + SITE, "crawl.time_limit", "finite"),
        ("[crawl]\nmax_articles = 1" + "0" * 400 + "\n" + SITE, "crawl.max_articles", "about 401 digits"),
        ("[crawl]\nretries = " + str(2**70) + "\n" + SITE, "crawl.retries", "between 0 and 10"),
        ("[crawl]\nmax_revisits = " + "9" * 5000 + "\n" + SITE, "", "not valid TOML"),
        ("[crawl]\nsweep_days = 1e9\n" + SITE, "crawl.sweep_days", "between 0 and 3650"),
        ("[crawl]\ndelay = 3600.5\n" + SITE, "crawl.delay", "between 0 and 3600"),
        ("[crawl]\ntimeout = 601\n" + SITE, "crawl.timeout", "between 1 and 600"),
        ("[crawl]\ntime_limit = 604801\n" + SITE, "crawl.time_limit", "between 0 and 604800"),
        ("[crawl]\nmax_bytes = 1023\n" + SITE, "crawl.max_bytes", "between 1024 and 1073741824"),
        ("[crawl]\nmax_listing_pages = 10000001\n" + SITE, "crawl.max_listing_pages", "between 0"),
        ('[crawl]\ndb = ""\n' + SITE, "crawl.db", "must name an archive file"),
        ('[crawl]\ndb = " \\t"\n' + SITE, "crawl.db", "must name an archive file"),
        ('[crawl]\ndb = ":memory:"\n' + SITE, "crawl.db", "must name an archive file"),
        ('[crawl]\ndb = "file:x.db?mode=memory"\n' + SITE, "crawl.db", "must name an archive file"),
        (
            '[[sites]]\nname = "a"\nstart_urls = ["http://a.gov.vn:99999/"]\n',
            "sites[0].start_urls[0]",
            "Port",
        ),
        ('[[sites]]\nname = "a"\nstart_urls = ["http://[::1"]\n', "sites[0].start_urls[0]", "IPv6"),
        ('[[sites]]\nname = "a"\nstart_urls = ["http://a.gov.vn:0/"]\n', "sites[0].start_urls[0]", "port"),
        ('[[sites]]\nname = "a"\nstart_urls = ["http://256.1.1.1/"]\n', "sites[0].start_urls[0]", "IPv4"),
        ('[[sites]]\nname = "a"\nstart_urls = ["http://a b.vn/"]\n', "sites[0].start_urls[0]", "host name"),
        ('[[sites]]\nname = "a"\nstart_urls = ["http://a.vn/\\u0000"]\n', "sites[0].start_urls[0]", "URL"),
        ('[[sites]]\nname = "a\\nb"\nstart_urls = ["http://a.vn/"]\n', "sites[0].name", "printable"),
        (site_with('allowed_hosts = ["https://a.gov.vn/"]'), "sites[0].allowed_hosts[0]", "without scheme"),
        (site_with('allowed_hosts = ["*.gov.vn"]'), "sites[0].allowed_hosts[0]", "not a host name"),
        (site_with('allowed_hosts = ["a.gov.vn:99999"]'), "sites[0].allowed_hosts[0]", "Port"),
        (site_with('allowed_hosts = ["bot@a.gov.vn"]'), "sites[0].allowed_hosts[0]", "without scheme"),
        (site_with('allowed_hosts = ["[::1"]'), "sites[0].allowed_hosts[0]", "not a host name"),
        (site_with("delay = nan"), "sites[0].delay", "finite"),
        (site_with("delay = 1e6"), "sites[0].delay", "between 0 and 3600"),
        (site_with('article_pattern = "a{4294967296}"'), "sites[0].article_pattern", "regular expression"),
        (site_with('[sites.selectors]\ntitle = "h1["'), "sites[0].selectors.title", "CSS selector"),
        (site_with('[sites.selectors]\nbody = "p:contains(x)"'), "sites[0].selectors.body", "CSS selector"),
    ],
    ids=[
        "user-agent-crlf",
        "user-agent-vietnamese",
        "user-agent-blank",
        "timeout-nan",
        "delay-inf",
        "time-limit-minus-inf",
        "int-10e400",
        "int-2e70",
        "int-over-4300-digits",
        "sweep-days-1e9",
        "delay-over-an-hour",
        "timeout-over-10-minutes",
        "time-limit-over-a-week",
        "max-bytes-under-1-kib",
        "max-listing-pages-over-10e7",
        "db-empty",
        "db-blank",
        "db-in-memory",
        "db-uri",
        "start-url-port-99999",
        "start-url-broken-ipv6",
        "start-url-port-0",
        "start-url-bad-ipv4",
        "start-url-space-in-host",
        "start-url-nul",
        "site-name-newline",
        "allowed-host-is-url",
        "allowed-host-wildcard",
        "allowed-host-port-99999",
        "allowed-host-userinfo",
        "allowed-host-broken-ipv6",
        "site-delay-nan",
        "site-delay-huge",
        "regex-repeat-overflow",
        "selector-unclosed",
        "selector-unknown-pseudo",
    ],
)
def test_values_that_would_crash_a_run_are_refused(tmp_path: Path, text: str, key: str, problem: str) -> None:
    test_mistakes_name_the_file_and_key(tmp_path, text, key, problem)


def test_a_ca_bundle_that_is_not_pem_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.pem").write_text("not a certificate\n", encoding="utf-8")
    text = site_with(f"ca_bundle = {json.dumps(str(tmp_path / 'notes.pem'))}")
    test_mistakes_name_the_file_and_key(tmp_path, text, "sites[0].ca_bundle", "not a PEM file")


def test_crawl_exits_2_with_one_line_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ntimeout = nan\n" + SITE)
    result = CliRunner().invoke(cli, ["crawl", "--config", str(path), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert result.output == f"scraper: {path}: crawl.timeout: must be a finite number, got nan\n"
    assert not (tmp_path / "a.db").exists()


def test_the_limits_of_every_range_are_accepted(tmp_path: Path) -> None:
    lows = "\n".join(f"{key} = {low}" for key, (low, _) in DOCUMENTED_RANGES.items())
    highs = "\n".join(f"{key} = {high}" for key, (_, high) in DOCUMENTED_RANGES.items())
    for table in (lows, highs):
        crawl = load_config(write(tmp_path, f"[crawl]\n{table}\n{SITE}")).crawl
        assert {key: getattr(crawl, key) for key in DOCUMENTED_RANGES} == {
            key: float(value) for key, value in (line.split(" = ") for line in table.splitlines())
        }


def test_hosts_urls_and_selectors_that_are_fine_load(tmp_path: Path) -> None:
    text = (
        '[[sites]]\nname = "Thị xã Quảng Trị"\n'
        'start_urls = ["http://[::1]:8080/tin-tuc", "https://xã.vn/tin-tức?start=2", "http://127.0.0.5/"]\n'
        'allowed_hosts = ["a.gov.vn", "[::1]:8080", "127.0.0.5", "xã.vn", "intranet_portal.local"]\n'
        '[sites.selectors]\ntitle = "div.header > h1:nth-child(2)"\nbody = "article p, .content"\n'
    )
    site = load_config(write(tmp_path, text)).sites[0]
    assert site.allowed_hosts == ("a.gov.vn", "[::1]:8080", "127.0.0.5", "xã.vn", "intranet_portal.local")
    assert site.selectors["body"] == "article p, .content"


# A config built from random keys and values: values TOML allows (huge integers, nan, inf, any text) mixed
# with the URLs, hosts and selectors that break parsers.
def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string (a lone surrogate is refused by both)


NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "a\r\nb",
        "Trình",
        "http://[::1",
        "http://a.vn:99999/",
        "http://a.vn:0/",
        "https://a.gov.vn/x",
        "http://127.0.0.2:8080/",
        "*.vn",
        "[::1]:80",
        "a.gov.vn",
        "h1[",
        "div > p",
        "p:has(",
        ":memory:",
        "(",
        "\x7f",
    ]
)
TEXT = st.one_of(NASTY_TEXT, st.text(max_size=20))
NUMBER = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([10**400, -(10**400), 2**70, 0, 1, 600, 3600, 3650, 1024, 1024**3]),
    st.floats(allow_nan=True, allow_infinity=True),
)


def toml_number(value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return repr(value)


SCALAR = st.one_of(NUMBER.map(toml_number), TEXT.map(toml_string), st.sampled_from(["true", "false"]))
VALUE = st.one_of(
    SCALAR,
    st.lists(st.one_of(TEXT.map(toml_string), NUMBER.map(toml_number)), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
)
CRAWL_KEY = st.sampled_from([f.name for f in fields(CrawlSettings)] + ["delai"])
SITE_KEY = st.sampled_from(
    ["profile", "allowed_hosts", "article_pattern", "listing_pattern", "delay", "allow_private", "ca_bundle"]
)
SELECTOR = st.sampled_from(["title", "body", "author", "views", "published_at"])


@st.composite
def toml_documents(draw: st.DrawFn) -> str:
    crawl = draw(st.dictionaries(CRAWL_KEY, VALUE, max_size=5))
    lines = ["[crawl]"] + [f"{key} = {value}" for key, value in crawl.items()]
    for i in range(draw(st.integers(min_value=1, max_value=2))):
        urls = draw(st.lists(TEXT.map(toml_string), min_size=1, max_size=2))
        lines += ["[[sites]]", f'name = "s{i}"', f"start_urls = [{', '.join(urls)}]"]
        lines += [
            f"{key} = {value}" for key, value in draw(st.dictionaries(SITE_KEY, VALUE, max_size=3)).items()
        ]
        selectors = draw(st.dictionaries(SELECTOR, TEXT.map(toml_string), max_size=2))
        lines += ["[sites.selectors]"] + [f"{key} = {value}" for key, value in selectors.items()]
    return "\n".join(lines) + "\n"


def assert_sane(config: Config) -> None:
    numbers = {key: getattr(config.crawl, key) for key in DOCUMENTED_RANGES}
    numbers |= {f"{site.name}.delay": site.delay for site in config.sites if site.delay is not None}
    for key, value in numbers.items():
        low, high = DOCUMENTED_RANGES[key.rsplit(".", 1)[-1]]
        assert math.isfinite(value) and low <= value <= high, (key, value)
    assert (
        config.crawl.db.strip()
        and config.crawl.user_agent.isascii()
        and config.crawl.user_agent.isprintable()
    )
    for site in config.sites:
        for url in site.start_urls:
            assert urlsplit(url).port is None or 0 < urlsplit(url).port < 65536  # raises on a bad one


@settings(max_examples=300, deadline=None)
@given(toml_documents())
def test_any_document_loads_sanely_or_is_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path)
    except ConfigError as error:
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
        return
    assert_sane(config)


def test_a_config_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SITE.encode("utf-8"))  # Windows editors save UTF-8 so
    assert load_config(path).sites[0].name

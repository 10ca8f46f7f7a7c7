"""config.toml: defaults, and one clear ConfigError naming file, key and problem for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import load_config
from scraper.errors import ConfigError

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
        ("[crawl]\ntimeout = 0\n" + SITE, "crawl.timeout", "greater than zero"),
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
        ('[crawl]\ndb = " "\n' + SITE, "crawl.db", "must not be empty"),
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

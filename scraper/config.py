"""Read config.toml into a Config; the only module that knows the file's format.

Every key is checked: an unknown key, a wrong type or a missing required key is a ConfigError naming the
file, the key and the problem, so a typo never silently changes what a cron job archives.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .models import Config, CrawlSettings, Site

SELECTOR_FIELDS = ("title", "published_at", "author", "body", "views")

# key -> (accepted types, human name); bool is excluded from numbers on purpose (True is an int in Python).
CRAWL_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "db": ((str,), "a string"),
    "user_agent": ((str,), "a string"),
    "delay": ((int, float), "a number of seconds"),
    "timeout": ((int, float), "a number of seconds"),
    "max_articles": ((int,), "a whole number"),
    "max_listing_pages": ((int,), "a whole number"),
    "max_revisits": ((int,), "a whole number"),
    "time_limit": ((int, float), "a number of seconds"),
    "max_bytes": ((int,), "a whole number of bytes"),
    "retries": ((int,), "a whole number"),
    "sweep_days": ((int, float), "a number of days"),
}
SITE_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a string"),
    "start_urls": ((list,), "a list of URLs"),
    "profile": ((str,), "a string"),
    "allowed_hosts": ((list,), "a list of host names"),
    "article_pattern": ((str,), "a regular expression"),
    "listing_pattern": ((str,), "a regular expression"),
    "delay": ((int, float), "a number of seconds"),
    "selectors": ((dict,), "a table of CSS selectors"),
    "ca_bundle": ((str,), "a path to a PEM file"),
    "allow_private": ((bool,), "true or false"),
}


def load_config(path: str | Path) -> Config:
    """Read and validate a config file."""
    source = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(source, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None
    return parse_config(raw, source)


def parse_config(raw: dict[str, Any], source: str) -> Config:
    """Validate an already-parsed TOML document."""
    _reject_unknown(raw, {"crawl", "sites"}, source, "")
    crawl = _parse_crawl(raw.get("crawl", {}), source)
    sites_raw = raw.get("sites")
    if not isinstance(sites_raw, list) or not sites_raw:
        raise ConfigError(source, "sites", "at least one [[sites]] table is required")
    sites = tuple(_parse_site(entry, source, f"sites[{i}]") for i, entry in enumerate(sites_raw))
    _check_unique_names(sites, source)
    return Config(crawl=crawl, sites=sites)


def _reject_unknown(table: dict[str, Any], known: set[str], source: str, prefix: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(source, prefix + key, f"unknown key (known: {', '.join(sorted(known))})")


def _check_type(value: Any, spec: tuple[tuple[type, ...], str], source: str, key: str) -> None:
    types, name = spec
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise ConfigError(source, key, f"must be {name}, got {type(value).__name__} {value!r}")


def _parse_crawl(table: Any, source: str) -> CrawlSettings:
    if not isinstance(table, dict):
        raise ConfigError(source, "crawl", "must be a table")
    _reject_unknown(table, set(CRAWL_KEYS), source, "crawl.")
    for key, value in table.items():
        _check_type(value, CRAWL_KEYS[key], source, f"crawl.{key}")
    for key in (
        "delay",
        "timeout",
        "max_articles",
        "max_listing_pages",
        "max_revisits",
        "retries",
        "time_limit",
        "sweep_days",
    ):
        if key in table and table[key] < 0:
            raise ConfigError(source, f"crawl.{key}", "must not be negative")
    if "db" in table and not table["db"].strip():
        raise ConfigError(source, "crawl.db", "must not be empty (the archive's file name)")
    if table.get("timeout", 1) == 0 or table.get("max_bytes", 1) <= 0:
        key = "crawl.timeout" if table.get("timeout", 1) == 0 else "crawl.max_bytes"
        raise ConfigError(source, key, "must be greater than zero")
    defaults = {f.name: f.default for f in fields(CrawlSettings)}
    merged = {**defaults, **table}
    for key in ("delay", "timeout", "time_limit", "sweep_days"):
        merged[key] = float(merged[key])
    return CrawlSettings(**merged)


def _parse_site(entry: Any, source: str, where: str) -> Site:
    if not isinstance(entry, dict):
        raise ConfigError(source, where, "must be a table")
    _reject_unknown(entry, set(SITE_KEYS), source, f"{where}.")
    for key in ("name", "start_urls"):
        if key not in entry:
            raise ConfigError(source, f"{where}.{key}", "is required")
    for key, value in entry.items():
        _check_type(value, SITE_KEYS[key], source, f"{where}.{key}")
    start_urls = _url_list(entry["start_urls"], source, f"{where}.start_urls")
    if not entry["name"].strip():
        raise ConfigError(source, f"{where}.name", "must not be empty")
    for key in ("article_pattern", "listing_pattern"):
        if key in entry:
            _check_regex(entry[key], source, f"{where}.{key}")
    return Site(
        name=entry["name"],
        start_urls=start_urls,
        profile=_check_profile(entry.get("profile"), source, f"{where}.profile"),
        allowed_hosts=tuple(_string_list(entry.get("allowed_hosts", []), source, f"{where}.allowed_hosts")),
        article_pattern=entry.get("article_pattern"),
        listing_pattern=entry.get("listing_pattern"),
        delay=float(entry["delay"]) if "delay" in entry else None,
        selectors=_selectors(entry.get("selectors", {}), source, f"{where}.selectors"),
        ca_bundle=_existing_file(entry.get("ca_bundle"), source, f"{where}.ca_bundle"),
        allow_private=entry.get("allow_private", False),
    )


def _string_list(values: list[Any], source: str, key: str) -> list[str]:
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(source, f"{key}[{i}]", f"must be a non-empty string, got {value!r}")
    return values


def _url_list(values: list[Any], source: str, key: str) -> tuple[str, ...]:
    if not values:
        raise ConfigError(source, key, "must list at least one URL")
    for i, url in enumerate(_string_list(values, source, key)):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(source, f"{key}[{i}]", f"must be an http(s) URL, got {url!r}")
    return tuple(values)


def _check_regex(pattern: str, source: str, key: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(source, key, f"not a valid regular expression: {exc}") from None


def _check_profile(name: str | None, source: str, key: str) -> str | None:
    from .profiles import PROFILES  # profiles imports nothing from here; late import keeps the layering clear

    if name is not None and name not in PROFILES:
        raise ConfigError(source, key, f"unknown profile {name!r} (known: {', '.join(sorted(PROFILES))})")
    return name


def _selectors(table: dict[str, Any], source: str, key: str) -> dict[str, str]:
    _reject_unknown(table, set(SELECTOR_FIELDS), source, f"{key}.")
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(source, f"{key}.{name}", "must be a non-empty CSS selector string")
    return dict(table)


def _existing_file(path: str | None, source: str, key: str) -> str | None:
    if path is not None and not Path(path).is_file():
        raise ConfigError(source, key, f"file not found: {path}")
    return path


def _check_unique_names(sites: tuple[Site, ...], source: str) -> None:
    seen: set[str] = set()
    for i, site in enumerate(sites):
        if site.name in seen:
            raise ConfigError(source, f"sites[{i}].name", f"duplicate site name {site.name!r}")
        seen.add(site.name)

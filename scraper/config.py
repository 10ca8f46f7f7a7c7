"""Read config.toml into a Config; the only module that knows the file's format.

Every key is checked: an unknown key, a wrong type, a number outside its range, a URL, host name, regex or CSS
selector that cannot be parsed, or a missing required key is a ConfigError naming the file, the key and the
problem, so a typo never silently changes what a cron job archives and no value can crash or hang a run later.
"""

from __future__ import annotations

import ipaddress
import math
import re
import ssl
import tomllib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import idna
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .archive import keeps_nothing
from .errors import ConfigError
from .models import Config, CrawlSettings, Site
from .urls import canonicalize

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
# Inclusive ranges of the numeric keys (README, config.toml). A value outside is refused, never clamped: TOML
# allows nan, inf and integers of any size, and each of those crashed or hung a run before (issue 11).
RANGES: dict[str, tuple[int, int]] = {
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
MAX_USER_AGENT = (
    1024  # servers refuse request headers past a few KiB (431); a longer one is a pasting accident
)
# One DNS label after IDNA encoding; `_` is outside RFC 952 but real intranet names use it and it resolves.
HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def load_config(path: str | Path) -> Config:
    """Read and validate a config file."""
    source = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM from a Windows editor
    except FileNotFoundError:
        raise ConfigError(source, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"cannot read: {exc}") from None
    # ValueError: tomllib lets int() refuse an integer of over 4,300 digits.
    except (tomllib.TOMLDecodeError, ValueError) as exc:
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
        raise ConfigError(source, key, f"must be {name}, got {type(value).__name__} {_shown(value)}")


def _check_range(value: float, bounds: tuple[int, int], source: str, key: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(source, key, f"must be a finite number, got {value}")
    low, high = bounds
    if value < 0 <= low:
        raise ConfigError(source, key, f"must not be negative, got {_shown(value)}")
    if not low <= value <= high:
        raise ConfigError(source, key, f"must be between {low} and {high}, got {_shown(value)}")


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _parse_crawl(table: Any, source: str) -> CrawlSettings:
    if not isinstance(table, dict):
        raise ConfigError(source, "crawl", "must be a table")
    _reject_unknown(table, set(CRAWL_KEYS), source, "crawl.")
    for key, value in table.items():
        _check_type(value, CRAWL_KEYS[key], source, f"crawl.{key}")
        if key in RANGES:
            _check_range(value, RANGES[key], source, f"crawl.{key}")
    if "db" in table:
        _check_db(table["db"], source, "crawl.db")
    if "user_agent" in table:
        _check_user_agent(table["user_agent"], source, "crawl.user_agent")
    defaults = {f.name: f.default for f in fields(CrawlSettings)}
    merged = {**defaults, **table}
    for key in ("delay", "timeout", "time_limit", "sweep_days"):
        merged[key] = float(merged[key])
    return CrawlSettings(**merged)


def _check_db(path: str, source: str, key: str) -> None:
    if keeps_nothing(path):  # a run would report articles and keep none
        raise ConfigError(source, key, f"must name an archive file, got {path!r}")
    if "\x00" in path:
        raise ConfigError(source, key, "must not contain a NUL character")


def _check_user_agent(value: str, source: str, key: str) -> None:
    bad = next((c for c in value if not " " <= c <= "~"), None)
    if bad is not None:
        raise ConfigError(source, key, f"must be printable ASCII (it is sent as a header), got {bad!r}")
    if not value.strip() or value != value.strip() or len(value) > MAX_USER_AGENT:
        raise ConfigError(
            source, key, f"must be 1 to {MAX_USER_AGENT} characters with no space at either end"
        )


def _parse_site(entry: Any, source: str, where: str) -> Site:
    if not isinstance(entry, dict):
        raise ConfigError(source, where, "must be a table")
    _reject_unknown(entry, set(SITE_KEYS), source, f"{where}.")
    for key in ("name", "start_urls"):
        if key not in entry:
            raise ConfigError(source, f"{where}.{key}", "is required")
    for key, value in entry.items():
        _check_type(value, SITE_KEYS[key], source, f"{where}.{key}")
    _check_name(entry["name"], source, f"{where}.name")
    start_urls = _url_list(entry["start_urls"], source, f"{where}.start_urls")
    for key in ("article_pattern", "listing_pattern"):
        if key in entry:
            _check_regex(entry[key], source, f"{where}.{key}")
    if "delay" in entry:
        _check_range(entry["delay"], RANGES["delay"], source, f"{where}.delay")
    return Site(
        name=entry["name"],
        start_urls=start_urls,
        profile=_check_profile(entry.get("profile"), source, f"{where}.profile"),
        allowed_hosts=_checked_list(
            entry.get("allowed_hosts", []), source, f"{where}.allowed_hosts", _host_entry_problem
        ),
        article_pattern=entry.get("article_pattern"),
        listing_pattern=entry.get("listing_pattern"),
        delay=float(entry["delay"]) if "delay" in entry else None,
        selectors=_selectors(entry.get("selectors", {}), source, f"{where}.selectors"),
        ca_bundle=_ca_bundle(entry.get("ca_bundle"), source, f"{where}.ca_bundle"),
        allow_private=entry.get("allow_private", False),
    )


def _check_name(name: str, source: str, key: str) -> None:
    if not name.strip():
        raise ConfigError(source, key, "must not be empty")
    if not name.isprintable():
        raise ConfigError(source, key, f"must be printable text, got {_shown(name)}")


def _string_list(values: list[Any], source: str, key: str) -> list[str]:
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(source, f"{key}[{i}]", f"must be a non-empty string, got {_shown(value)}")
    return values


def _url_list(values: list[Any], source: str, key: str) -> tuple[str, ...]:
    if not values:
        raise ConfigError(source, key, "must list at least one URL")
    return _checked_list(values, source, key, _url_problem)


def _checked_list(
    values: list[Any], source: str, key: str, problem_of: Callable[[str], str | None]
) -> tuple[str, ...]:
    """The list's strings, each passed by problem_of; ConfigError naming the first entry it refuses."""
    for i, entry in enumerate(_string_list(values, source, key)):
        problem = problem_of(entry)
        if problem:
            raise ConfigError(source, f"{key}[{i}]", f"{problem}, got {_shown(entry)}")
    return tuple(values)


def _url_problem(url: str) -> str | None:
    """Why the crawler could not fetch `url` (urlsplit, httpx and our canonical form all parse it), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
        httpx.URL(url)
        canonicalize(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL"
    if port == 0:
        return "port must be between 1 and 65535"
    return _host_problem(parts.hostname)


def _host_entry_problem(entry: str) -> str | None:
    """Why an allowed_hosts entry is not `host` or `host:port` (as a URL's host is compared), or None."""
    try:
        parts = urlsplit(f"//{entry}")
        port = parts.port
    except ValueError as exc:
        return f"not a host name ({exc})"
    if parts.netloc != entry or "@" in entry or not parts.hostname or port == 0:
        return "must be a host name or host:port, without scheme, path or user"
    return _host_problem(parts.hostname)


def _host_problem(host: str) -> str | None:
    """Why `host` (no port, no brackets) is neither an IP literal nor a DNS name, or None."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        # As httpx does: only a non-ASCII name goes through IDNA (which would refuse the `_` of an ASCII one).
        name = host.lower() if host.isascii() else idna.encode(host.lower()).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        return f"not a host name ({exc})"
    labels = name.removesuffix(".").split(".")
    if len(name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return "not a host name (letters, digits, '-' and '.' only)"
    return None


def _check_regex(pattern: str, source: str, key: str) -> None:
    try:
        re.compile(pattern)
    # OverflowError and RecursionError: a repeat count over 2**32, or thousands of nested groups.
    except (re.error, OverflowError, RecursionError) as exc:
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
        _check_selector(value, source, f"{key}.{name}")
    return dict(table)


def _check_selector(selector: str, source: str, key: str) -> None:
    # Compiled by the engine the extractor queries with: lexbor raises SelectolaxError on a selector it cannot
    # parse, on every page, so it is caught here once instead of failing every article.
    try:
        LexborHTMLParser("").css(selector)
    except SelectolaxError:
        raise ConfigError(source, key, f"not a valid CSS selector: {_shown(selector)}") from None


def _ca_bundle(path: str | None, source: str, key: str) -> str | None:
    if path is None:
        return None
    if not Path(path).is_file():
        raise ConfigError(source, key, f"file not found: {path}")
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ConfigError(source, key, f"not a PEM file of CA certificates: {exc}") from None
    return path


def _check_unique_names(sites: tuple[Site, ...], source: str) -> None:
    seen: set[str] = set()
    for i, site in enumerate(sites):
        if site.name in seen:
            raise ConfigError(source, f"sites[{i}].name", f"duplicate site name {site.name!r}")
        seen.add(site.name)

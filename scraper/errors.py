"""The exceptions the stages raise; only the run loop and the CLI edge catch them.

* ScraperError
  + ConfigError         bad config file or option (CLI exit 2)
  + FetchError          one URL could not be fetched (recorded in `fetches`, retried next run)
    - RetryableFetchError   a transient fault worth another attempt (5xx, 408, 429, timeouts, resets)
  + InvalidURL          a string that is not an http(s) URL we could fetch (a link is skipped; a fetch fails)
  + ExtractError        a page gave no article (no title, no body, no end anchor ...)
  + StorageError        the archive cannot be written (CLI exit 1)
    - LockHeld              another crawl holds the archive's lock (CLI exit 3)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Attempt


class Reason(StrEnum):
    """Why a URL gave no page: the closed vocabulary of `fetches.error` (with `http_<status>` and `extract:<code>`).

    The free text of an error (an exception's message) goes to the log and to `fetches.detail`, never here, so
    that `stats` can group by reason.
    """

    # the network
    DNS_FAILED = "dns_failed"
    CONNECT_FAILED = "connect_failed"
    TIMEOUT_CONNECT = "timeout_connect"
    TIMEOUT_READ = "timeout_read"
    TIMEOUT_TOTAL = "timeout_total"
    READ_ERROR = "read_error"
    WRITE_ERROR = "write_error"
    PROTOCOL_ERROR = "protocol_error"
    NETWORK_ERROR = "network_error"
    TLS_VERIFY_FAILED = "tls_verify_failed"
    TLS_ERROR = "tls_error"
    # the answer
    HTTP_STATUS = "http_"  # stored as http_<status>, e.g. http_404
    DEFERRED_RETRY_AFTER = "deferred_retry_after"
    REDIRECT_LIMIT = "redirect_limit"
    REDIRECT_OUT_OF_SCOPE = "redirect_out_of_scope"
    REDIRECT_INVALID = "redirect_invalid"
    PARTIAL_CONTENT = "partial_content"
    # the body
    TOO_LARGE_DECLARED = "too_large_declared"
    TOO_LARGE_RAW = "too_large_raw"
    TOO_LARGE_DECODED = "too_large_decoded"
    TRUNCATED = "truncated"
    DECODING_ERROR = "decoding_error"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    EMPTY_BODY = "empty_body"
    NON_HTML = "non_html"
    # rules of the crawl
    INVALID_URL = "invalid_url"
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNREACHABLE = "robots_unreachable"
    ROBOTS_CRAWL_DELAY_TOO_LONG = "robots_crawl_delay_too_long"
    BLOCKED_SSRF = "blocked_ssrf"
    # our side: an exception nobody expected while handling this URL (its type and traceback are in the log)
    INTERNAL_ERROR = "internal_error"


class ScraperError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(ScraperError):
    """The config file or a command-line option is invalid."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")
        self.source, self.key, self.problem = source, key, problem


# What a reason means to a person, where the code alone would mislead; the archive keeps the code.
REASON_HINTS = {
    "blocked_ssrf": "the host resolves to a private address; if it is an intranet portal, set "
    "allow_private = true for the site in config.toml (scraper extract: --allow-private)",
    "dns_failed": "the host name did not resolve",
}


class FetchError(ScraperError):
    """A URL could not be fetched; `reason` is its code in the closed vocabulary of `fetches.error`."""

    def __init__(self, url: str, kind: Reason, status: int | None = None, detail: str | None = None) -> None:
        self.reason = f"http_{status}" if kind is Reason.HTTP_STATUS else kind.value
        hint = REASON_HINTS.get(self.reason)
        said = "; ".join(part for part in (detail, hint) if part)
        super().__init__(f"{self.reason}: {url}" + (f" ({said})" if said else ""))
        self.url, self.kind, self.status, self.detail = url, kind, status, detail
        self.attempts: tuple[Attempt, ...] = ()  # the requests made for url (Fetcher.fetch fills them in)


class RetryableFetchError(FetchError):
    """A transient failure: the fetch is tried again with backoff."""

    def __init__(
        self,
        url: str,
        kind: Reason,
        status: int | None = None,
        retry_after: float | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(url, kind, status, detail)
        self.retry_after = retry_after


class InvalidURL(ScraperError, ValueError):
    """Not an http(s) URL with a well-formed host and port (a ValueError too, as urllib's own complaints are)."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"invalid URL {url[:200]!r}: {problem}")
        self.url, self.problem = url, problem


class ExtractError(ScraperError):
    """A page yielded no usable article."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StorageError(ScraperError):
    """The archive cannot be opened or written."""


class LockHeld(StorageError):
    """Another crawl holds the lock on this archive."""

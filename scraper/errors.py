"""The exceptions the stages raise; only the run loop and the CLI edge catch them.

* ScraperError
  + ConfigError         bad config file or option (CLI exit 2)
  + FetchError          one URL could not be fetched (recorded in `fetches`, retried next run)
    - RetryableFetchError   a transient fault worth another attempt (5xx, 408, 429, timeouts, resets)
  + ExtractError        a page gave no article (no title, no body, no end anchor ...)
  + StorageError        the archive cannot be written (CLI exit 1)
    - LockHeld              another crawl holds the archive's lock (CLI exit 3)
"""

from __future__ import annotations


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
    """A URL could not be fetched; `reason` is a short machine-readable code."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        hint = REASON_HINTS.get(reason)
        super().__init__(f"{reason}: {url}" + (f" ({hint})" if hint else ""))
        self.url, self.reason, self.status = url, reason, status


class RetryableFetchError(FetchError):
    """A transient failure: the fetch is tried again with backoff."""

    def __init__(
        self, url: str, reason: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(url, reason, status)
        self.retry_after = retry_after


class ExtractError(ScraperError):
    """A page yielded no usable article."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StorageError(ScraperError):
    """The archive cannot be opened or written."""


class LockHeld(StorageError):
    """Another crawl holds the lock on this archive."""

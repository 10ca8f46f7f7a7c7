"""Progress reporting: a live display in a terminal, plain log lines under cron, silence with --quiet."""

from __future__ import annotations

import logging
import sys
import time

from rich.console import Console
from rich.progress import Progress as RichBar
from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from .models import Progress

log = logging.getLogger("scraper")


class LogProgress:
    """Plain log lines for cron: a line per site, a warning per failed page."""

    def site_started(self, site: str) -> None:
        log.info("%s: crawl started", site)

    def page_done(self, site: str, outcome: str, url: str) -> None:
        log.debug("%s: %s %s", site, outcome, url)

    def page_failed(self, site: str, url: str, reason: str) -> None:
        log.warning("%s: failed %s (%s)", site, url, reason)

    def site_finished(self, site: str, counts: dict[str, int]) -> None:
        log.info("%s: %s", site, ", ".join(f"{k} {v}" for k, v in counts.items()))

    def close(self) -> None:
        pass


class LiveProgress(LogProgress):
    """A line per site that updates in place: pages, new articles, failures, rate."""

    def __init__(self, console: Console) -> None:
        self.bar = RichBar(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        )
        self.tasks: dict[str, TaskID] = {}
        self.stats: dict[str, dict[str, int]] = {}
        self.bar.start()

    def site_started(self, site: str) -> None:
        self.stats[site] = {"pages": 0, "new": 0, "failed": 0}
        self.tasks[site] = self.bar.add_task(self._describe(site), total=None)

    def page_done(self, site: str, outcome: str, url: str) -> None:
        self._bump(site, "new" if outcome == "new" else "pages")

    def page_failed(self, site: str, url: str, reason: str) -> None:
        self.bar.console.print(f"[yellow]{site}: failed[/] {url} ({reason})", highlight=False)
        self._bump(site, "failed")

    def site_finished(self, site: str, counts: dict[str, int]) -> None:
        self.bar.update(self.tasks[site], description=self._describe(site) + " [green]done[/]")
        self.bar.stop_task(self.tasks[site])

    def close(self) -> None:
        self.bar.stop()

    def _bump(self, site: str, key: str) -> None:
        self.stats[site][key] += 1
        if key == "new":
            self.stats[site]["pages"] += 1
        self.bar.update(self.tasks[site], description=self._describe(site))

    def _describe(self, site: str) -> str:
        s = self.stats[site]
        return f"[bold]{site}[/]: {s['pages']} pages, {s['new']} new articles, {s['failed']} failed"


def log_formatter() -> logging.Formatter:
    """Log lines stamped in UTC with the zone ("2026-01-12T06:17:00Z"), as every time in the archive is."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    return formatter


def make_progress(quiet: bool) -> Progress:
    """The live display when stderr is a terminal, plain logging otherwise; --quiet logs errors only."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter())
    logging.basicConfig(level=logging.ERROR if quiet else logging.INFO, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not quiet and sys.stderr.isatty():
        return LiveProgress(Console(stderr=True))
    return LogProgress()

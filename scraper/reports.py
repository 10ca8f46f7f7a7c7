"""What the commands print for people: a run summary and a listing of an archive's articles."""

from __future__ import annotations

import difflib
import json
import sqlite3
import textwrap
from dataclasses import asdict
from typing import Any

import click

from .archive import open_reader
from .check import SiteCheck
from .models import Article, ReextractCounts, RunStatus, RunSummary
from .queries import (
    Hit,
    Version,
    article_listing,
    articles_per_month,
    failures,
    last_run,
    site_summary,
    visitor_readings,
)


def print_summary(summary: RunSummary, db_path: str, only_degraded: bool = False) -> None:
    """One line per site (each degraded one saying why) and a total, on stderr, so stdout stays for data."""
    for site, counts in summary.sites.items():
        why = summary.degraded.get(site)
        if only_degraded and why is None:
            continue
        click.echo(
            f"{site}: {counts.pages_fetched} pages, {counts.articles_new} new, {counts.articles_changed} changed, "
            f"{counts.articles_unchanged} unchanged, {counts.failures} failed"
            + (f"; degraded: {why}" if why else ""),
            err=True,
        )
    click.echo(f"run {summary.run_id} {summary.status}: archive {db_path}", err=True)


def print_archive(db_path: str) -> None:
    """The archived articles, newest first, with their visitor-counter observations."""
    db = open_reader(db_path)
    try:
        rows, (readings, total) = article_listing(db), visitor_readings(db)
    finally:
        db.close()
    click.echo(f"{len(rows)} articles in {db_path}")
    for published_at, title, author, length, url in rows:
        click.echo(f"\n{published_at or '(no date)'}  {author or '(no byline)'}  {length} characters")
        click.echo(textwrap.fill(title, width=100, initial_indent="  ", subsequent_indent="  "))
        click.echo(f"  {url}")
    click.echo(f"\n{readings} visitor-counter observations; latest total {total}")


def print_json(value: Any) -> None:
    """A JSON document on stdout, UTF-8 as is."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def print_hits(query: str, hits: list[Hit], as_json: bool) -> None:
    """Search results on stdout, one line each (or a JSON array); zero hits also said on stderr."""
    if not hits:
        click.echo(f"no match for {query!r}", err=True)
    if as_json:
        print_json([asdict(hit) for hit in hits])
        return
    for hit in hits:
        click.echo(f"{(hit.published_at or '(no date)')[:10]}  {hit.site}  {hit.title}  {hit.url}")


def print_stats(db: sqlite3.Connection) -> None:
    """Articles per site and per month, then the last run and why its failures failed."""
    click.echo(
        "site                 articles  gone  unlisted  versions  first published  last published  last seen"
    )
    for site, articles, gone, unlisted, versions, first, last, seen in site_summary(db):
        click.echo(
            f"{site:20s} {articles:8d} {gone:5d} {unlisted:9d} {versions:9d}  {str(first)[:10]:15s}  "
            f"{str(last)[:10]:14s}  {seen}"
        )
    click.echo("\narticles per month")
    for site, month, count in articles_per_month(db):
        click.echo(f"  {site:20s} {month}  {count:5d}")
    run = last_run(db)
    if run is None:
        click.echo("\nno runs yet")
        return
    click.echo(
        f"\nlast run {run['id']}: {run['status']}, started {run['started_at']}, {_finished(run)}; "
        f"{run['pages_fetched']} pages, {run['articles_new']} new, {run['articles_changed']} changed, "
        f"{run['failures']} failed"
    )
    outcome = None
    for kind, reason, count in failures(db, run["id"]):
        if kind != outcome:
            click.echo(f"  {OUTCOME_LABELS[kind]}:")
            outcome = kind
        click.echo(f"    {count:5d}  {reason}")


# The headings of a run's errors in `stats`: only the first are failures (runs.failures counts those).
OUTCOME_LABELS = {
    "failed": "failed pages, by reason (URLs)",
    "retried": "not failures: attempts that failed before a retry got the page",
    "removed": "not failures: archived articles the site no longer serves (kept, removed_at set)",
    "robots": "not failures: robots.txt (4xx: no rules, everything allowed; else the host was skipped)",
}


def _finished(run: dict[str, Any]) -> str:
    if run["finished_at"] is not None:
        return f"finished {run['finished_at']}"
    return (
        f"not finished: running now, or killed (pid {run['pid']})"
        if run["status"] == RunStatus.RUNNING
        else "never finished"
    )


def print_check(check: SiteCheck) -> None:
    """Each step of a site check, the article it read, and a verdict."""
    click.echo(check.site)
    for step in check.steps:
        click.echo(f"  {'ok' if step.ok else 'FAIL':4s}  {step.what}: {step.detail}")
        if step.hint:
            click.echo(f"        -> {step.hint}")
    if check.article is not None:
        for line in _article_lines(check.article):
            click.echo(f"        {line}")
    verdict = "ready to crawl" if check.ok else "not ready: see FAIL above"
    click.echo(f"{check.site}: {verdict}")


def _article_lines(article: Article) -> list[str]:
    visits = article.site_visits
    body = textwrap.shorten(article.body, width=160, placeholder=" …")
    return [
        f"title: {article.title}",
        f"published_at: {article.published_at}",
        f"author: {article.author}",
        f"views: {article.views}",
        f"site_visits: {asdict(visits) if visits else None}",
        f"category: {article.category}",
        f"attachments: {len(article.attachments)}",
        f"body: {len(article.body)} characters: {body}",
        "sources: " + ", ".join(f"{field}={source}" for field, source in article.sources.items()),
    ]


def print_reextract(counts: ReextractCounts) -> None:
    """What a re-extraction changed."""
    stored = counts.stored
    click.echo(
        f"re-extracted {counts.checked} captures: {stored.articles_changed} changed, "
        f"{stored.articles_unchanged} unchanged, {stored.articles_new} new, {stored.articles_alias} aliases, "
        f"{sum(counts.failed.values())} without an article"
    )
    for reason, count in sorted(counts.failed.items()):
        click.echo(f"  {count:5d}  {reason}")
    for name, count in sorted(counts.kept.items()):
        click.echo(f"  {count:5d}  kept as archived: the re-extraction lost {name} (check the config)")


def print_history(url: str, versions: list[Version]) -> None:
    """Each version of an article, and what changed from the one before, paragraph by paragraph."""
    click.echo(f"{len(versions)} version{'s' if len(versions) != 1 else ''} of {url}")
    previous: list[str] = []
    for number, version in enumerate(versions, start=1):
        click.echo(f"\nversion {number}, {_origin(version)}: {version.title}")
        lines = _version_lines(version)
        if number > 1:
            for line in difflib.unified_diff(previous, lines, lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    click.echo(f"  {line}")
        previous = lines


def _origin(version: Version) -> str:
    extractor = f"scraper {version.extractor}" if version.extractor else "an earlier scraper"
    if version.origin == "reextract":
        return f"re-extracted {version.observed_at} from a stored capture by {extractor} (not an edit by the site)"
    return f"first seen {version.observed_at} on the site, extracted by {extractor}"


def _version_lines(version: Version) -> list[str]:
    head = [
        f"title: {version.title}",
        f"published_at: {version.published_at}",
        f"author: {version.author}",
    ]
    return head + version.body.split("\n\n")

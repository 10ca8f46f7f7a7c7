"""What the commands print for people: a run summary and a listing of an archive's articles."""

from __future__ import annotations

import sqlite3
import textwrap

import click

from .pipeline import RunSummary


def print_summary(summary: RunSummary, db_path: str) -> None:
    """One line per site and a total, on stderr, so stdout stays for data."""
    for site, counts in summary.sites.items():
        click.echo(
            f"{site}: {counts.pages_fetched} pages, {counts.articles_new} new, {counts.articles_changed} changed, "
            f"{counts.articles_unchanged} unchanged, {counts.failures} failed",
            err=True,
        )
    click.echo(f"run {summary.run_id} {summary.status}: archive {db_path}", err=True)


def print_archive(db_path: str) -> None:
    """The archived articles, newest first, with their visitor-counter observations."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT published_at, title, author, length(body), url FROM articles ORDER BY published_at DESC"
        ).fetchall()
        visits = conn.execute("SELECT count(*), max(total) FROM visit_stats").fetchone()
    finally:
        conn.close()
    click.echo(f"{len(rows)} articles in {db_path}")
    for published_at, title, author, length, url in rows:
        click.echo(f"\n{published_at or '(no date)'}  {author or '(no byline)'}  {length} characters")
        click.echo(textwrap.fill(title, width=100, initial_indent="  ", subsequent_indent="  "))
        click.echo(f"  {url}")
    click.echo(f"\n{visits[0]} visitor-counter observations; latest total {visits[1]}")

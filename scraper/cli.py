"""The `scraper` command: each command is the pipeline written out; errors become exit codes here only.

Exit codes: 0 the run completed (failed pages are recorded in `fetches`), 1 fatal error,
2 bad config or usage, 3 another crawl holds the archive's lock, 4 a degraded crawl under --fail-on-degraded.
Every expected fault ends as one line on stderr: ScraperGroup.invoke is the one place that maps them.
"""

from __future__ import annotations

import asyncio
import errno
import json
import math
import os
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from . import __version__, article_to_dict
from .archive import keeps_nothing, open_reader
from .check import check_site
from .config import load_config
from .crawler import Fetcher
from .encoding import decode_html
from .errors import ConfigError, LockHeld, ScraperError
from .exports import iter_articles, write_csv, write_jsonl, write_warc
from .extractor import extract_article
from .models import Config, CrawlSettings, RunStatus, RunSummary, Site
from .outputs import atomic_output, check_new_file, check_output, fresh_archive, open_output
from .pipeline import run_crawl, select_sites
from .profiles import PROFILES
from .progress import make_progress
from .queries import archive_sites, article_history, known_site, stats_summary
from .queries import search as search_archive
from .reextract import reextract as reextract_archive
from .reports import (
    print_archive,
    print_check,
    print_history,
    print_hits,
    print_json,
    print_reextract,
    print_stats,
    print_summary,
)
from .sitesrv import serve_site
from .store import Archive
from .urls import canonicalize

F = TypeVar("F", bound=Callable[..., Any])
DEMO_SITE = Path(__file__).parent / "demo" / "site"
DEGRADED_EXIT = 4


def fail(message: str, code: int) -> NoReturn:
    """Print one line to stderr and exit with the contract's code."""
    click.echo(f"scraper: {' '.join(message.split())}", err=True)
    sys.exit(code)


def exit_code(error: ScraperError) -> int:
    """The contract's exit code for an error."""
    if isinstance(error, ConfigError):
        return 2
    return 3 if isinstance(error, LockHeld) else 1


class ScraperGroup(click.Group):
    """A click group whose every fault, usage errors included, ends as one line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run as click does, but print a usage error as one line (click prints usage, a hint and the error)."""
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **kwargs | {"standalone_mode": False})
            sys.stdout.flush()  # a reader gone before the last buffered line is seen here, not at exit
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help() if error.ctx else error.format_message(), err=True)
            sys.exit(error.exit_code)
        except BrokenPipeError:
            _quiet_stdout()
        except click.UsageError as error:
            where = f"; see {error.ctx.command_path} --help" if error.ctx else ""
            fail(f"{error.format_message().rstrip('.')}{where}", error.exit_code)
        except click.ClickException as error:
            fail(error.format_message(), error.exit_code)
        except click.Abort:
            fail("interrupted", 1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        """Run a command; expected faults become one line and the documented exit code."""
        try:
            return super().invoke(ctx)
        except ScraperError as error:
            fail(str(error), exit_code(error))
        except Terminated as signalled:
            fail(f"interrupted by {signalled}", 1)
        except sqlite3.DatabaseError as exc:
            db = ctx.meta.get("scraper.db", "the archive")
            fail(f"{db}: cannot read the archive ({exc}); if it is damaged, restore the last backup", 1)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _quiet_stdout()
            if exc.errno == errno.ENOSPC:
                fail(f"{exc.filename or 'output'}: disk full ({exc.strerror})", 1)
            fail(f"{exc.filename or 'output'}: {exc.strerror or exc}", 1)


def _quiet_stdout() -> NoReturn:
    """End with exit 0 and no word when the reader of stdout is gone (`| head -1`): it has all it wanted."""
    # Python would report the lost final flush on stderr and exit 120: stdout now writes to /dev/null.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)


def _non_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty", ctx, param)
    return value


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    # FloatRange lets nan through (every comparison with it is false): a cron line's nan would end every run
    # at once with nothing fetched.
    if value is not None and not math.isfinite(value):
        raise click.BadParameter("must be a finite number of seconds", ctx, param)
    return value


def _archive_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # SQLite takes "", ":memory:" and "file:…" as a temporary database or a URI: a run would keep nothing.
    if value is not None and value.strip() and keeps_nothing(value):
        raise click.BadParameter("must name an archive file, not SQLite's in-memory database", ctx, param)
    return _non_empty(ctx, param, value)


def db_option(fn: F) -> F:
    """The --db option shared by every command that reads or writes the archive."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        callback=_archive_file,
        help="Archive file (SQLite).",
    )(fn)


def config_option(fn: F) -> F:
    """The --config option: the config file, ./config.toml unless given."""
    return click.option(
        "--config",
        "config_path",
        default="config.toml",
        show_default=True,
        type=click.Path(dir_okay=False),
        callback=_non_empty,
    )(fn)


def archive_options(fn: F) -> F:
    """--db, and --config to find the archive ([crawl].db) when --db is not given."""
    return db_option(config_option(fn))


def site_option(fn: F) -> F:
    """--site NAME: one site of the archive; an empty name is a usage error."""
    return click.option("--site", metavar="NAME", callback=_non_empty, help="Only this site.")(fn)


def filter_options(fn: F) -> F:
    """--site and --since, shared by search and export."""
    since_help = "Published on or after YYYY-MM-DD (for --format warc: fetched on or after)."
    fn = click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help=since_help)(fn)
    return site_option(fn)


def json_option(fn: F) -> F:
    """--json: the same answer as JSON on stdout, for scripts."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(fn)


def resolve_db(db_path: str | None, config_path: str) -> str:
    """--db, else [crawl].db of the config file when there is one, else ./archive.db."""
    if db_path is None or _config_given():  # a --config given must exist, even beside --db
        config_db = load_config(config_path).crawl.db if _has_config(config_path) else "archive.db"
        db_path = db_path or config_db
    click.get_current_context().meta["scraper.db"] = db_path
    return db_path


def _has_config(config_path: str) -> bool:
    """Whether to read the config: a --config given on the command line must exist; ./config.toml may not."""
    return _config_given() or Path(config_path).is_file()


def _config_given() -> bool:
    return click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT


def day(value: datetime | None) -> str | None:
    """A --since value as the ISO date the archive compares with."""
    return value.date().isoformat() if value else None


@click.group(cls=ScraperGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scraper")
def cli() -> None:
    """Archive the news of Vietnamese local-government portals into one SQLite file.

    \b
    Start with:  scraper demo            (a sample site, served locally; no network)
    Then:        scraper crawl            (the sites in ./config.toml into ./archive.db)
    """
    # cron's `timeout`, shutdowns (SIGTERM) and a closed terminal (SIGHUP): every command ends like Ctrl-C,
    # its current write finished or undone and its temporary output file removed.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)


@cli.command()
@config_option
@db_option
@click.option(
    "--site", "site_names", multiple=True, metavar="NAME", help="Crawl only this site (repeatable)."
)
@click.option(
    "--max-articles",
    type=click.IntRange(0, 10**7),
    help="New articles per site per run (0 = no limit).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0, 7 * 24 * 3600),
    callback=_finite,
    help="End the run cleanly after this many seconds (at most a week).",
)
@click.option("--quiet", is_flag=True, help="Print errors and degraded sites only (for cron).")
@click.option(
    "--fail-on-degraded", is_flag=True, help=f"Exit {DEGRADED_EXIT} when the run is degraded (for cron)."
)
def crawl(
    config_path: str,
    db_path: str | None,
    site_names: tuple[str, ...],
    max_articles: int | None,
    time_limit: float | None,
    quiet: bool,
    fail_on_degraded: bool,
) -> None:
    """Crawl the configured sites and archive new articles.

    \b
    Example:
        scraper crawl --config config.toml --db archive.db --site thixaquangtri --time-limit 3000
    """
    config = load_config(config_path)
    sites = select_sites(config, site_names, config_path)
    settings = _override(config.crawl, db_path, max_articles, time_limit)
    progress = make_progress(quiet)
    try:
        summary = run_crawl(Config(settings, config.sites), settings.db, sites, progress)
    except KeyboardInterrupt:
        fail("interrupted: the run is recorded as aborted; the next run resumes where it stopped", 1)
    finally:
        progress.close()
    # cron mails any output: under --quiet a degraded run still says which sites and why, on stderr.
    if not quiet or summary.status == RunStatus.DEGRADED:
        print_summary(summary, settings.db, only_degraded=quiet)
    if fail_on_degraded and summary.status == RunStatus.DEGRADED:
        sys.exit(DEGRADED_EXIT)


def _override(
    settings: CrawlSettings, db_path: str | None, max_articles: int | None, time_limit: float | None
) -> CrawlSettings:
    options = {"db": db_path, "max_articles": max_articles, "time_limit": time_limit}
    return CrawlSettings(**vars(settings) | {k: v for k, v in options.items() if v is not None})


class Terminated(KeyboardInterrupt):
    """A SIGTERM or SIGHUP, ended as Ctrl-C is (click would print a blank line first for a Ctrl-C)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signal.Signals(signum).name)


@cli.command()
@config_option
@click.option(
    "--site", "site_names", multiple=True, metavar="NAME", help="Check only this site (repeatable)."
)
def check(config_path: str, site_names: tuple[str, ...]) -> None:
    """Try a configured site as a crawl would, without writing the archive; exit 1 if one is not ready.

    \b
    Resolves its hosts, reads robots.txt, fetches its first listing page, counts the article links and
    extracts the first article, printing its fields and where each came from.
    Example:
        scraper check --site thixaquangtri
    """
    config = load_config(config_path)
    sites = select_sites(config, site_names, config_path)
    ready = True
    for site in sites:
        result = asyncio.run(check_site(site, config.crawl))
        print_check(result)
        ready = ready and result.ok
    if not ready:
        sys.exit(1)


@cli.command()
@click.argument("path_or_url", callback=_non_empty)
@click.option("--url", help="The page's real URL, when reading a file.")
@click.option(
    "--profile", type=click.Choice(list(PROFILES)), help="Force a CMS profile instead of detecting it."
)
@click.option("--allow-private", is_flag=True, help="Fetch a host on a private address (an intranet portal).")
def extract(path_or_url: str, url: str | None, profile: str | None, allow_private: bool) -> None:
    """Extract one page and print its fields as one JSON object.

    \b
    Examples:
        scraper extract page.html --url https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/2/3
        scraper extract https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/2/3
        scraper extract http://portal.intranet.local/tin-tuc/1 --allow-private
    """
    if path_or_url.startswith(("http://", "https://")):
        _valid_url(path_or_url)
        text, url = asyncio.run(_fetch_once(path_or_url, allow_private)), url or path_or_url
    else:
        text = decode_html(_read_file(path_or_url))[0]
    article = extract_article(text, url=url, profile=profile)
    click.echo(json.dumps(article_to_dict(article), ensure_ascii=False, indent=2))


def _read_file(path: str) -> bytes:
    """A saved page's bytes; one over the crawl's body cap is refused before it is read (memory grows 20x)."""
    limit = CrawlSettings().max_bytes
    try:
        with Path(path).open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror or exc}", 2)
    if len(data) > limit:
        fail(f"{path}: over {limit // 2**20} MiB, larger than any page a crawl would keep (max_bytes)", 2)
    return data


def _valid_url(url: str) -> str:
    """The canonical form of a URL typed on the command line; a malformed one is a usage error."""
    try:
        return canonicalize(url)
    except ValueError as exc:
        raise ConfigError(url, "", f"not a valid URL: {exc}") from None


async def _fetch_once(url: str, allow_private: bool) -> str:
    site = Site(name="extract", start_urls=(url,), allow_private=allow_private)
    async with Fetcher(site, CrawlSettings(retries=0, delay=0)) as fetcher:
        return (await fetcher.fetch(url)).text


@cli.command()
@db_option
@click.option("--quiet", is_flag=True, help="Print the archived articles only.")
def demo(db_path: str | None, quiet: bool) -> None:
    """Crawl a sample municipal site served on 127.0.0.1 into a fresh archive, and show what it archived.

    \b
    Example:
        scraper demo --db demo.db && sqlite3 demo.db 'select published_at, title from articles'
    """
    db_file = db_path or os.path.join(tempfile.mkdtemp(prefix="scraper-demo-"), "demo.db")
    target = check_new_file(db_file, "--db")
    with serve_site(DEMO_SITE) as server, fresh_archive(target) as building:
        start = [server.url(path) for path in server.start]
        site = Site(name="demo", start_urls=tuple(start), allow_private=True)  # served on 127.0.0.1
        progress = make_progress(quiet)
        try:
            summary: RunSummary = run_crawl(
                Config(CrawlSettings(db=db_file, delay=0), (site,)), str(building), [site], progress
            )
        finally:
            progress.close()
    if not quiet:
        print_summary(summary, db_file)
    print_archive(db_file)


@cli.command()
@click.argument("query", callback=_non_empty)
@archive_options
@filter_options
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 10**6), help="At most this many results."
)
@json_option
def search(
    query: str,
    db_path: str | None,
    config_path: str,
    site: str | None,
    since: datetime | None,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search of titles and bodies, with or without diacritics; one line per article.

    \b
    Examples:
        scraper search "an ninh trật tự" --since 2025-01-01      (same hits as: scraper search "an ninh trat tu")
        scraper search "chợ hoa" --json | jq -r '.[].url'
    """
    db = open_reader(resolve_db(db_path, config_path))
    hits = search_archive(db, query, known_site(db, site), day(since), limit)
    print_hits(query, hits, as_json)


@cli.command()
@click.option(
    "--format", "fmt", required=True, type=click.Choice(["jsonl", "csv", "warc"]), help="Output format."
)
@archive_options
@filter_options
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    callback=_non_empty,
    help="Write here instead of stdout (whole or not at all; never the archive).",
)
@click.option(
    "--excel",
    is_flag=True,
    help="CSV for Excel: a UTF-8 byte order mark; cells Excel would run as formulas quoted as text.",
)
def export(
    fmt: str,
    db_path: str | None,
    config_path: str,
    site: str | None,
    since: datetime | None,
    output: str | None,
    excel: bool,
) -> None:
    """Export articles (jsonl, csv) or the raw captures as WARC 1.1 (warc), to stdout or --output.

    \b
    Examples:
        scraper export --format jsonl --site thixaquangtri > articles.jsonl
        scraper export --format csv --excel --output articles.csv   (opens in Excel with its diacritics)
        scraper export --format warc --output archive.warc.gz     (replay with pywb, ReplayWeb.page ...)
    """
    if excel and fmt != "csv":
        raise click.BadOptionUsage("excel", "--excel applies to --format csv only")
    db_file = resolve_db(db_path, config_path)
    target = check_output(output, db_file) if output is not None else None  # before anything is opened
    db = open_reader(db_file)
    known_site(db, site)
    with open_output(target, text=fmt != "warc") as out:
        if fmt == "warc":
            count = write_warc(db, out, site, day(since), target.name if target else "")
        else:
            rows = iter_articles(db, site, day(since))
            count = write_jsonl(rows, out) if fmt == "jsonl" else write_csv(rows, out, excel)
    click.echo(f"exported {count} {'captures' if fmt == 'warc' else 'articles'}", err=True)


@cli.command()
@archive_options
@site_option
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only captures fetched on or after YYYY-MM-DD."
)
def reextract(db_path: str | None, config_path: str, site: str | None, since: datetime | None) -> None:
    """Re-run the current extractor over the stored captures, without network; changes become new versions.

    \b
    Example:
        scraper reextract --site thixaquangtri      (after upgrading scraper or fixing a site's selectors)
    """
    config_sites = {s.name: s for s in load_config(config_path).sites} if _has_config(config_path) else {}
    db_file = resolve_db(db_path, config_path)
    reader = open_reader(db_file)  # refuse a missing or foreign file before creating anything
    known_site(reader, site)  # as search, export and report do: a typo is exit 2, not "re-extracted 0"
    print_reextract(reextract_archive(Archive.open(db_file), config_sites, site, day(since)))
    # A site's profile and selectors are in the config: without them its pages may have read otherwise.
    unknown = [s for s in archive_sites(reader) if s not in config_sites and site in (None, s)]
    if unknown:
        click.echo(
            f"scraper: {', '.join(unknown)}: not in {config_path}; read by detection alone, without a "
            "profile or selectors",
            err=True,
        )


@cli.command()
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    callback=_non_empty,
    help="The HTML file to write (whole or not at all; never the archive).",
)
@archive_options
@site_option
def report(output: str, db_path: str | None, config_path: str, site: str | None) -> None:
    """One self-contained HTML page of the archive, per site: articles per month, the visitor counter over time,
    failures by reason, newest articles. Opens offline: everything is inside the file.

    \b
    Example:
        scraper report --output report.html && xdg-open report.html
    """
    # Imported here: plotly and the report add 0.03 s to the 0.18 s of `import scraper.cli` (python -X importtime).
    from .htmlreport import render_report

    db_file = resolve_db(db_path, config_path)
    target = check_output(output, db_file)  # before anything is opened
    text = render_report(open_reader(db_file), Path(db_file).name, site)
    with atomic_output(target) as out:
        out.write(text.encode("utf-8"))
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("url")
@archive_options
def history(url: str, db_path: str | None, config_path: str) -> None:
    """Every version of one archived article, and what changed between them.

    \b
    Example:
        scraper history "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"
    """
    canonical = _valid_url(url)
    versions = article_history(open_reader(resolve_db(db_path, config_path)), canonical)
    if not versions:
        fail(f"no archived article at {url}", 1)
    print_history(canonical, versions)


@cli.command()
@archive_options
@json_option
def stats(db_path: str | None, config_path: str, as_json: bool) -> None:
    """What the archive holds: articles per site and month, the last run and its failures.

    \b
    Examples:
        scraper stats --db archive.db
        scraper stats --json | jq '.last_run.status'
    """
    db = open_reader(resolve_db(db_path, config_path))
    if as_json:
        print_json(stats_summary(db))
    else:
        print_stats(db)

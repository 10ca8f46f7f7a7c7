"""`scraper report`: one self-contained HTML page of charts and tables, readable offline.

The charts are plotly figures; plotly's Python package ships plotly.js, which is inlined once in the page, so
the file needs no network and no server when it is opened (see README, "The report", for the choice).
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from string import Template
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from .models import VERSION, utc_now
from .queries import (
    archive_sites,
    articles_per_month,
    counter_per_run,
    failure_reasons,
    known_site,
    last_run,
    newest_articles,
)

# The portals are Vietnamese and their "today" counters reset at local midnight: readings are drawn in UTC+7.
LOCAL_OFFSET = timedelta(hours=7)
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
COUNTERS = (
    ("total", "Total visits (Tổng lượt truy cập)"),
    ("today", "Visits today (Hôm nay)"),
    ("online", "Online now (Đang truy cập)"),
)
NEWEST = 20

PAGE = Template("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { border-top: 2px solid #ccc; padding-top: .8em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; } .note { color: #666; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .25em .5em; }
tr:nth-child(even) { background: #f4f4f4; } td.n { text-align: right; white-space: nowrap; }
</style>
<script>$plotly</script>
</head><body>
<h1>$title</h1>
<p class="note">$summary</p>
<nav>$nav</nav>
$sections
</body></html>
""")


@dataclass(frozen=True)
class SiteData:
    """What the report shows of one site."""

    name: str
    months: list[tuple[str, int]]
    undated: int
    readings: list[tuple[str, int | None, int | None, int | None]]
    failures: list[tuple[str, int]]
    newest: list[dict[str, Any]]


def site_data(db: sqlite3.Connection, site: str) -> SiteData:
    """Read one site's numbers from the archive."""
    months: dict[str, int] = {str(month): int(str(count)) for _, month, count in articles_per_month(db, site)}
    undated = months.pop("(no date)", 0)
    return SiteData(
        name=site,
        months=list(months.items()),
        undated=undated,
        readings=counter_per_run(db, site),
        failures=failure_reasons(db, site),
        newest=newest_articles(db, site, NEWEST),
    )


def render_report(db: sqlite3.Connection, archive_name: str, site: str | None = None) -> str:
    """The report as one HTML document: every site (or one), plotly.js inlined."""
    names = archive_sites(db)
    known_site(db, site)
    sites = [site_data(db, name) for name in ([site] if site else names)]
    title = f"scraper report: {archive_name}"
    return PAGE.substitute(
        title=html.escape(title),
        plotly=get_plotlyjs(),
        summary=html.escape(_summary(db, sites)),
        nav=" · ".join(f'<a href="#site-{n}">{html.escape(s.name)}</a>' for n, s in enumerate(sites)),
        sections="\n".join(_section(n, s) for n, s in enumerate(sites)),
    )


def _summary(db: sqlite3.Connection, sites: list[SiteData]) -> str:
    run = last_run(db)
    articles = sum(c for s in sites for _, c in s.months) + sum(s.undated for s in sites)
    last = (
        f"last run {run['id']}: {run['status']}, started {run['started_at'][:19]}Z" if run else "no run yet"
    )
    return (
        f"{len(sites)} site{'s' if len(sites) != 1 else ''}, {articles} articles; {last}. "
        f"Written {utc_now()[:19]}Z by scraper {VERSION}. Times of counter readings are UTC+7."
    )


def _section(number: int, site: SiteData) -> str:
    prefix = f"site-{number}"
    undated = f'<p class="note">{site.undated} articles show no date.</p>' if site.undated else ""
    return "\n".join(
        [
            f'<section id="{prefix}"><h2>{html.escape(site.name)}</h2>',
            "<h3>Articles per month of publication</h3>",
            _figure(_months_figure(site), f"{prefix}-months", 300)
            if site.months
            else _none("no dated article"),
            undated,
            "<h3>Visitor counter over time (the last reading of each run)</h3>",
            _figure(_counter_figure(site), f"{prefix}-counter", 520)
            if site.readings
            else _none("no visitor-counter reading"),
            "<h3>Failed pages by reason, every run (requests)</h3>",
            _figure(_failures_figure(site), f"{prefix}-failures", 120 + 28 * len(site.failures))
            if site.failures
            else _none("no failed request"),
            f"<h3>Newest articles ({len(site.newest)})</h3>",
            _newest_table(site.newest),
            "</section>",
        ]
    )


def _none(text: str) -> str:
    return f'<p class="note">{text}</p>'


def _figure(figure: go.Figure, div_id: str, height: int) -> str:
    figure.update_layout(height=height, margin={"l": 60, "r": 20, "t": 30, "b": 40}, showlegend=False)
    return str(figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG))


def _months_figure(site: SiteData) -> go.Figure:
    bars = go.Bar(
        x=[f"{month}-01" for month, _ in site.months],
        y=[count for _, count in site.months],
        xperiod="M1",
        xperiodalignment="middle",
        hovertemplate="%{x|%Y-%m}: %{y} articles<extra></extra>",
    )
    return go.Figure(bars, layout={"xaxis": {"type": "date"}, "yaxis": {"title": "articles"}})


def _counter_figure(site: SiteData) -> go.Figure:
    figure = make_subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=[t for _, t in COUNTERS]
    )
    times = [_local(observed_at) for observed_at, *_ in site.readings]
    columns = {"online": 1, "today": 2, "total": 3}
    for row, (name, _) in enumerate(COUNTERS, start=1):
        values = [reading[columns[name]] for reading in site.readings]
        figure.add_trace(go.Scatter(x=times, y=values, mode="lines+markers", name=name), row=row, col=1)
    return figure


def _failures_figure(site: SiteData) -> go.Figure:
    reasons = list(reversed(site.failures))  # plotly draws the first bar at the bottom
    bars = go.Bar(
        x=[count for _, count in reasons],
        y=[reason for reason, _ in reasons],
        orientation="h",
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    few = max(count for _, count in reasons) <= 10  # whole ticks: there is no half a request
    axis = {"title": "requests", "dtick": 1} if few else {"title": "requests"}
    return go.Figure(bars, layout={"yaxis": {"type": "category"}, "xaxis": axis})


def _newest_table(articles: list[dict[str, Any]]) -> str:
    if not articles:
        return _none("no article")
    rows = "\n".join(
        f"<tr><td>{html.escape(str(a['published_at'] or '(no date)'))}</td>"
        f'<td><a href="{html.escape(a["url"])}">{html.escape(a["title"])}</a></td>'
        f"<td>{html.escape(a['author'] or '')}</td><td class=n>{'' if a['views'] is None else a['views']}</td></tr>"
        for a in articles
    )
    return f"<table><tr><th>published</th><th>title</th><th>author</th><th>views</th></tr>\n{rows}</table>"


def _local(observed_at: str) -> str:
    moment = datetime.fromisoformat(observed_at) + LOCAL_OFFSET
    return moment.strftime("%Y-%m-%d %H:%M:%S")

"""Memory and time of link discovery on one huge listing page (400,000 article links).

    python bench/bench_links.py [LINKS]

Each measurement runs in a fresh process, so the peak resident set (ru_maxrss) is that of one call of
discover_links on the page (its HTML already decoded), over the interpreter's own baseline.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scraper.discovery import discover_links  # noqa: E402
from scraper.models import Page, Site  # noqa: E402

BASE = "http://a.gov.vn/tin-tuc"
# Compact, so that 400,000 links fit under the default max_bytes (10 MiB) as a fetched page would.
ARTICLE = "<a href=/a/{0}>{0}</a>"


def listing(links: int) -> Page:
    """A listing page with this many distinct article links."""
    html = "<html><body>" + "".join(ARTICLE.format(i) for i in range(links)) + "</body></html>"
    return Page(BASE, BASE, 200, (), b"", html, "utf-8", "", 0)


def measure(links: int) -> None:
    """Print peak RSS growth (MiB), seconds and links kept for one discover_links call."""
    page = listing(links)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    found = discover_links(page, Site(name="a", start_urls=(BASE,), article_pattern=r"/a/\d+$"), ["a.gov.vn"])
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = len(page.text) / 2**20
    print(
        f"{links:>8} links, {size:6.1f} MiB of HTML: +{(peak - before) / 1024:7.1f} MiB peak RSS, "
        f"{elapsed:6.2f} s, {len(found.articles)} article links kept"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        measure(int(sys.argv[2]))
    else:
        for count in [int(a) for a in sys.argv[1:]] or [2_000, 400_000]:
            subprocess.run([sys.executable, __file__, "--one", str(count)], check=True)

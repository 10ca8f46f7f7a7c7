"""Time of link discovery on ordinary listing pages: items with an id in their URL, and slugs with none.

    python bench/bench_discovery.py [CHECKOUT]

discover_links on one listing page of N items (headline link, date, lead), each item in its own <div> or all
items flat in one, with a 5-link menu; the best of 5 rounds, one core. CHECKOUT (default: this one) is put
first on sys.path, so main and a branch are measured by the same script.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1]))
from scraper.discovery import discover_links  # noqa: E402
from scraper.models import Page, Site  # noqa: E402

BASE = "http://a.gov.vn"
SITE = Site(name="bench", start_urls=(BASE + "/tin-tuc",))
MENU = "".join(f'<li><a href="/muc-{n}">Chuyên mục số {n}</a></li>' for n in range(5))
URLS = {"id": "/tin-tuc/bai-{i}.html", "slug": "/bai-viet/hoi-nghi-tong-ket-{s}"}


def listing(items: int, url: str, flat: bool) -> Page:
    """A listing page of this many items whose links have this URL template."""
    parts = []
    for i in range(items):
        href = url.format(i=i, s="".join(chr(97 + i // 26**k % 26) for k in range(3)))
        item = (
            f'<h3><a href="{href}">Hội nghị tổng kết công tác năm của xã, lần {i}</a></h3>'
            f"<span>14/01/2025</span><p>Sáng nay toàn xã ra quân làm sạch đường làng ngõ xóm, khơi thông cống rãnh.</p>"
        )
        parts.append(item if flat else f'<div class="item">{item}</div>')
    html = f"<html><body><ul>{MENU}</ul><div>{''.join(parts)}</div></body></html>"
    return Page(BASE + "/tin-tuc", BASE + "/tin-tuc", 200, (), b"", html, "utf-8", "", 0)


def best_ms(page: Page, rounds: int = 5) -> tuple[float, int]:
    """The fastest of `rounds` discover_links calls in milliseconds, and the article links found."""
    times, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        found = len(discover_links(page, SITE, ["a.gov.vn"]).articles)
        times.append((time.perf_counter() - started) * 1000)
    return min(times), found


def main() -> None:
    """Print one row per page shape: items, URL kind, layout, milliseconds, article links found."""
    print("| items | URLs | layout | ms | articles found |\n|---|---|---|---|---|")
    for items in (20, 200):
        for kind, url in URLS.items():
            for flat in (False, True):
                ms, found = best_ms(listing(items, url, flat))
                print(f"| {items} | {kind} | {'flat' if flat else 'one div each'} | {ms:.1f} | {found} |")


if __name__ == "__main__":
    main()

"""The peer for the crawl benchmarks: a minimal Scrapy spider doing the same fetch-and-parse as `scraper crawl`.

    python bench/scrapy_spider.py START_URL|@FILE PER_DOMAIN_CONCURRENCY [TOTAL_CONCURRENCY [TIME_LIMIT]]

It follows the listing's pagination and article links, and parses each article with the same extractor
(scraper.extract), so the comparison is about fetching; it stores nothing, where scraper writes its archive.
`@FILE` names a file of start URLs, one per line (one per host in bench_hosts.py). At the end it prints one
line of JSON to stdout: {"articles": the distinct article URLs parsed}. TIME_LIMIT (seconds) closes the
spider then, as `--time-limit` ends `scraper crawl`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scraper import extract  # noqa: E402

ARTICLE = re.compile(r"/chi-tiet-tin/-/view-article/\d+/\d+/\d+")


class ListingSpider(scrapy.Spider):
    name = "listing"

    def __init__(self, starts: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = starts
        self.listing_paths = {urlsplit(start).path for start in starts}
        self.articles: set[str] = set()

    def parse(self, response: scrapy.http.Response) -> Any:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if ARTICLE.search(url):
                yield scrapy.Request(url, callback=self.parse_article)
            elif urlsplit(url).path in self.listing_paths and "start=" in url:
                yield scrapy.Request(url, callback=self.parse)

    def parse_article(self, response: scrapy.http.Response) -> Any:
        self.articles.add(response.url)
        yield extract(response.body, url=response.url)

    def closed(self, reason: str) -> None:
        print(json.dumps({"articles": len(self.articles)}), flush=True)


def start_urls(arg: str) -> list[str]:
    if arg.startswith("@"):
        return Path(arg[1:]).read_text(encoding="utf-8").split()
    return [arg]


if __name__ == "__main__":
    starts, concurrency = start_urls(sys.argv[1]), int(sys.argv[2])
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 16  # Scrapy's default CONCURRENT_REQUESTS
    time_limit = float(sys.argv[4]) if len(sys.argv) > 4 else 0
    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "CONCURRENT_REQUESTS": total,
            "TELNETCONSOLE_ENABLED": False,
            "CLOSESPIDER_TIMEOUT": time_limit,
        }
    )
    process.crawl(ListingSpider, starts=starts)
    process.start()

"""The peer for bench_crawl.py: a minimal Scrapy spider doing the same fetch-and-parse as `scraper crawl`.

    python bench/scrapy_spider.py START_URL PER_DOMAIN_CONCURRENCY

It follows the listing's pagination and article links, and parses each article with the same extractor
(scraper.extract), so the comparison is about fetching; it stores nothing, where scraper writes its archive.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scraper import extract  # noqa: E402

ARTICLE = re.compile(r"/chi-tiet-tin/-/view-article/\d+/\d+/\d+")


class ListingSpider(scrapy.Spider):
    name = "listing"

    def __init__(self, start: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.listing_path = start.split("?")[0]
        self.articles = 0

    def parse(self, response: scrapy.http.Response) -> Any:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if ARTICLE.search(url):
                yield scrapy.Request(url, callback=self.parse_article)
            elif url.split("?")[0] == self.listing_path and "start=" in url:
                yield scrapy.Request(url, callback=self.parse)

    def parse_article(self, response: scrapy.http.Response) -> Any:
        self.articles += 1
        yield extract(response.body, url=response.url)


if __name__ == "__main__":
    start, concurrency = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(ListingSpider, start=start)
    process.start()

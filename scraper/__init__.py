"""Archive the news of Vietnamese local-government portals into one SQLite file, with history."""

from __future__ import annotations

from typing import Any

from .models import VERSION, Article

__all__ = ["Article", "article_to_dict", "extract"]
__version__ = VERSION


def extract(html: bytes | str, url: str | None = None, profile: str | None = None) -> dict[str, Any]:
    """Extract one page's fields as the dict `scraper extract` prints; no network."""
    # Imported here: every `import scraper.<module>` runs this file first, and the extract stage (selectolax,
    # 50-100 ms) has no place in `import scraper.store` or `import scraper.models`.
    from .encoding import decode_html
    from .extractor import extract_article

    text = decode_html(html)[0] if isinstance(html, bytes) else html
    return article_to_dict(extract_article(text, url=url, profile=profile))


def article_to_dict(article: Article) -> dict[str, Any]:
    """The contract's JSON object for an Article (extra keys: attachments, sources)."""
    return {
        "url": article.url,
        "title": article.title,
        "published_at": article.published_at,
        "author": article.author,
        "body": article.body,
        # vars() of these flat records: dataclasses.asdict deep-copies every value (2 % of extraction).
        "site_visits": dict(vars(article.site_visits)) if article.site_visits else None,
        "views": article.views,
        "profile": article.profile,
        "category": article.category,
        "source": article.source,
        "flags": list(article.flags),
        "attachments": [dict(vars(a)) for a in article.attachments],
        "sources": dict(article.sources),
    }

"""Exports for other tools: JSON Lines and CSV of the articles, WARC 1.1 of the raw captures (warcio)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from http.client import responses
from importlib.metadata import version
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .captures import Captures
from .models import VERSION
from .queries import dict_rows, site_since

ARTICLE_COLUMNS = (
    "id, site, url, title, published_at, published_date, author, body, views, category, profile, attachments, "
    "flags, first_seen_at, last_seen_at, changed_at, removed_at, removed_reason"
)
# Stored bodies are already decoded: these headers described the bytes on the wire, not the stored payload.
WIRE_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}


def iter_articles(
    db: sqlite3.Connection, site: str | None = None, since: str | None = None
) -> Iterator[dict[str, Any]]:
    """Articles as dicts, oldest publication first; attachments decoded from JSON."""
    conditions, params = site_since(site, since)
    for row in dict_rows(
        db,
        f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE 1 = 1{conditions} ORDER BY published_at, id",
        params,
    ):
        yield row | {
            "attachments": json.loads(row["attachments"] or "[]"),
            "flags": json.loads(row["flags"] or "[]"),
        }


def write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object per line, UTF-8 as is; returns the number written."""
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - count is the result
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return count


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP's "CSV injection"): a title
# "=HYPERLINK(...)" from a portal would become a live link or a call in the analyst's sheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str], excel: bool = False) -> int:
    """CSV with a header row; attachments as a JSON string; returns the number written.

    With excel, the text starts with a UTF-8 byte order mark: without one, Excel reads the file as the
    system's ANSI code page and garbles every Vietnamese letter. And a text cell that Excel would run as a
    formula gets a leading single quote, which Excel shows as text and hides.
    """
    if excel:
        out.write("\ufeff")
    writer: csv.DictWriter[str] | None = None
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - count is the result
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        row = row | {"attachments": json.dumps(row["attachments"], ensure_ascii=False)}
        writer.writerow({k: _as_text(v) for k, v in row.items()} if excel else row)
    return count


def _as_text(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def write_warc(
    db: sqlite3.Connection,
    out: IO[bytes],
    site: str | None = None,
    since: str | None = None,
    filename: str = "",
) -> int:
    """A warcinfo record, then every stored capture as a WARC 1.1 response record (gzip per record)."""
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(filename, warcinfo(site, since)))
    conditions, params = site_since(site, since, date_column="fetched_at")
    sql = (
        f"SELECT url, fetched_at, status, headers, compression, content FROM captures WHERE 1 = 1{conditions}"
    )
    count, captures = 0, Captures(db)
    for url, fetched_at, status, headers, compression, content in db.execute(sql + " ORDER BY id", params):
        body = captures.decompress(compression, content)
        http_headers = StatusAndHeaders(
            f"{status} {responses.get(status, '')}".strip(),
            [(k, v) for k, v in json.loads(headers or "[]") if k.lower() not in WIRE_HEADERS],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": fetched_at},
        )
        writer.write_record(record)
        count += 1
    return count


def warcinfo(site: str | None, since: str | None) -> dict[str, str]:
    """The fields of the warcinfo record that opens an export: what wrote it and what it holds."""
    selection = f"site {site}" if site else "every site"
    return {
        "software": f"scraper/{VERSION} (warcio/{version('warcio')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": f"Raw captures from a scraper archive: {selection}"
        + (f", fetched on or after {since}" if since else ""),
    }

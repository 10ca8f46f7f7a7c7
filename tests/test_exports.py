"""CSV for Excel: no cell an article's text controls is read by Excel as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.exports import FORMULA_STARTS, write_csv


def article_row(title: str) -> dict[str, Any]:
    return {"url": "https://a.gov.vn/1", "title": title, "views": -3, "attachments": []}


def exported(rows: Iterator[dict[str, Any]], excel: bool) -> list[dict[str, str]]:
    out = io.StringIO()
    write_csv(rows, out, excel)
    return list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://x","bấm")', "+84 913 000 000", "-1+1", "@SUM(A1)", "\t=1", "\r=1"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_a_cell_that_excel_would_read_as_a_formula_is_quoted_in_excel_mode(title: str) -> None:
    assert exported(iter([article_row(title)]), excel=True)[0]["title"] == "'" + title
    assert exported(iter([article_row(title)]), excel=False)[0]["title"] == title


def test_numbers_and_plain_text_are_left_alone_in_excel_mode() -> None:
    row = exported(iter([article_row("Chợ hoa xuân")]), excel=True)[0]
    assert (row["title"], row["views"]) == ("Chợ hoa xuân", "-3")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_every_excel_cell_is_the_text_or_the_text_behind_one_quote(title: str) -> None:
    cell = exported(iter([article_row(title)]), excel=True)[0]["title"]
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == title or (cell == "'" + title and title.startswith(FORMULA_STARTS))

"""Page kinds: a pager's shapes (issue 10, class 7)."""

from __future__ import annotations

import pytest

from scraper.blocks import Block, Link
from scraper.pagekind import has_pager


def _line(*links: str, text: str = "") -> Block:
    return Block(text or "".join(links), "div", tuple(Link(f"?p={i}", t) for i, t in enumerate(links)))


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(_line("«", "2", "»"), id="arrows-glued-to-one-page-number"),
        pytest.param(_line("1", "2", text="1 2 Trang 1 của 48"), id="numbers-with-a-count"),
        pytest.param(_line("2", "3", text="1 2 3"), id="spaced-numbers"),
    ],
)
def test_a_line_of_page_links_is_a_pager(block: Block) -> None:
    assert has_pager([Block("Tin tức", "h2", ()), block])


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(_line("Trang chủ"), id="home-link"),
        pytest.param(_line("2", text="Xem trang 2 của văn bản"), id="one-page-link-in-a-sentence"),
    ],
)
def test_a_line_with_no_run_of_page_links_is_no_pager(block: Block) -> None:
    assert not has_pager([block])

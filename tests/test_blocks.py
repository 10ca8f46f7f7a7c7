"""Block building: linear in the page whatever its nesting, and bounded per page (issue 11, items 4-5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from scraper import blocks, extract
from scraper.blocks import blocks_of, check_nesting
from scraper.errors import ExtractError
from tests.conftest import LISTING
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows
from tests.test_faults_content import SEED, outcome_of, serve

DEPTH = 30_000
WORDS = "Người dân xã Gio Linh đón nhận công trình nước sạch mới. " * 8


def nested(tag: str, depth: int = DEPTH, inner: str = "x ") -> str:
    """A page with depth nested tags, each holding a word, under a headline and one real paragraph."""
    return (
        f"<html><body><h1>Tiêu đề bài viết</h1><p>{WORDS}</p>"
        + f"<{tag}>{inner}" * depth
        + f"</{tag}>" * depth
        + "</body></html>"
    )


class CountingCache(dict[int, object]):
    """A container memo that counts its lookups: the work of finding every text node's block."""

    lookups = 0

    def __contains__(self, key: object) -> bool:
        self.lookups += 1
        return super().__contains__(key)


@pytest.mark.parametrize("tag", ["span", "a", "b", "font"])
def test_finding_block_containers_is_linear_in_nested_inline_tags(tag: str) -> None:
    root = LexborHTMLParser(nested(tag)).body
    cache = CountingCache()
    texts = [node for node in root.traverse(include_text=True) if node.tag == "-text"]
    for node in texts:
        blocks._container(node, cache)  # type: ignore[arg-type]
    assert cache.lookups <= 3 * len(texts)


@pytest.mark.parametrize("tag", ["span", "font", "b"])
def test_thirty_thousand_nested_inline_tags_extract(tag: str) -> None:
    got = extract(nested(tag, inner=""))
    assert got["title"] == "Tiêu đề bài viết" and got["body"] == WORDS.strip()


@pytest.mark.parametrize("tag", ["div", "article", "section", "ul", "blockquote"])
def test_thirty_thousand_nested_blocks_are_refused_as_too_complex(tag: str) -> None:
    with pytest.raises(ExtractError, match="too_complex"):
        extract(nested(tag))


def test_nesting_just_under_the_bound_is_extracted() -> None:
    got = extract(nested("article", depth=blocks.MAX_NESTING - 10, inner=""))
    assert got["title"] == "Tiêu đề bài viết"


@pytest.mark.parametrize(
    ("html", "refused"),
    [
        ("<div>" * 6000 + "</div>" * 6000, True),
        ("<div></div>" * 6000, False),  # many blocks, none nested
        ("<span>" * 6000, False),  # inline tags cost the parser nothing
        ("<DIV class=a>" * 6000, True),
    ],
    ids=["deep-divs", "flat-divs", "deep-spans", "upper-case-with-attributes"],
)
def test_check_nesting_counts_depth_not_tags(html: str, refused: bool) -> None:
    if refused:
        with pytest.raises(ExtractError, match="too_complex"):
            check_nesting(html)
    else:
        check_nesting(html)


def test_a_walk_past_its_node_budget_stops_with_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    root = LexborHTMLParser("<p>a</p>" * 100).body
    monkeypatch.setattr(blocks, "MAX_WALK_NODES", 50)
    with pytest.raises(ExtractError, match="too_complex"):
        blocks_of(root)


@pytest.mark.parametrize(
    "ld",
    ["[" * 100_000 + "]" * 100_000, '{"@graph":' * 900 + "{}" + "}" * 900, "[" * 900 + "{}" + "]" * 900],
    ids=["arrays-100000-deep", "graph-900-deep", "arrays-900-deep"],
)
def test_deeply_nested_json_ld_is_ignored_not_a_crash(ld: str) -> None:
    page = f'<html><head><script type="application/ld+json">{ld}</script></head>' + nested("p", 1)[6:]
    assert extract(page)["title"] == "Tiêu đề bài viết"


def test_json_ld_article_inside_lists_and_graph_is_found() -> None:
    ld = '[{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "headline": "Từ JSON-LD"}]}]'
    page = f'<html><head><script type="application/ld+json">{ld}</script></head><body><p>{WORDS}</p></body>'
    assert extract(page)["title"] == "Từ JSON-LD"


def test_a_crawl_records_too_complex_and_goes_on(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    serve(site_server, tmp_path, nested("div").encode(), type="text/html; charset=utf-8")
    fetched, archived = outcome_of(crawl(config_file), site_server, SEED)
    assert fetched[-1][1] == "extract:too_complex" and archived == []


def many_attributes(count: int) -> str:
    attributes = " ".join(f'data-a{i}="x"' for i in range(count))
    return f"<html><body><h1 {attributes}>Tiêu đề</h1><p>{WORDS}</p></body></html>"


@pytest.mark.parametrize(
    ("count", "refused"),
    [(40, False), (blocks.MAX_ATTRIBUTES, False), (blocks.MAX_ATTRIBUTES + 1, True), (120_000, True)],
    ids=["usual", "at-the-bound", "one-over", "hostile-120k"],
)
def test_a_tag_with_thousands_of_attributes_is_too_complex(count: int, refused: bool) -> None:
    if refused:
        with pytest.raises(ExtractError, match="too_complex"):
            check_nesting(many_attributes(count))
    else:
        check_nesting(many_attributes(count))


def test_a_long_inline_image_is_not_too_complex() -> None:
    image = '<img src="data:image/png;base64,' + "A" * 200_000 + '" alt="Ảnh">'
    check_nesting(f"<html><body><p>{WORDS}</p>{image}</body></html>")


def test_a_listing_page_too_complex_to_parse_is_recorded_and_the_crawl_goes_on(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    page = tmp_path / "listing.html"
    page.write_text(many_attributes(120_000), encoding="utf-8")
    site_server.set_route(LISTING, file=str(page), type="text/html; charset=utf-8")
    db = crawl(config_file)
    assert rows(db, "SELECT error FROM fetches WHERE url = ?", site_server.url(LISTING)) == [
        ("extract:too_complex",)
    ]


_TAGS = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["<a", "<Z", "<\u1ea1", "< ", "text"]),
        st.lists(st.sampled_from([" x", "=", '="y"', "<", "ạ"]), max_size=8).map("".join),
        st.sampled_from([">", "", "<"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TAGS, max_size=6).map("".join))
def test_long_tags_are_found_as_a_regex_would(html: str) -> None:
    # Small bounds, so that random text reaches them; the regex is the rule check_nesting implements by a split.
    long_tag, most = 8, 2
    rule = re.compile(rf"<[A-Za-z][^<>]{{{long_tag},}}>")
    expected = any(tag.group().count("=") > most for tag in rule.finditer(html))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "_LONG_TAG", long_tag)
        patch.setattr(blocks, "MAX_ATTRIBUTES", most)
        try:
            check_nesting(html)
            refused = False
        except ExtractError:
            refused = True
    assert refused == expected


@pytest.mark.parametrize(
    "card",
    [
        '<div><a href="/t/{i}"><img src="/{i}.jpg"><span>{title}</span></a><small>1{i}/01/2025</small></div>',
        '<div><a href="/t/{i}"><img src="/{i}.jpg"><br>{title}</a></div>',
        '<li><a href="/t/{i}"><img src="/{i}.jpg"> <b>{title}</b></a></li>',
        # A link wrapping a block links that block (a card's <a><h5>headline</h5></a>).
        '<div><a href="/t/{i}"><h5>{title}</h5></a><small>1{i}/01/2025</small></div>',
        '<li><a href="/t/{i}"><div class="t">{title}</div></a><span>1{i}/01/2025</span></li>',
        '<div><a href="/t/{i}"><img src="/{i}.jpg"><h4>{title}</h4></a></div>',
    ],
    ids=[
        "image-then-span",
        "image-break-then-text",
        "image-then-bold",
        "heading-in-link",
        "div-in-link",
        "image-then-heading-in-link",
    ],
)
def test_a_link_opening_with_an_image_or_wrapping_a_block_keeps_its_headline_in_its_block(card: str) -> None:
    titles = ["Hội nghị tổng kết công tác Mặt trận", "Trao quà Tết cho hộ nghèo thôn Trung An"]
    html = "<body>" + "".join(card.format(i=i, title=t) for i, t in enumerate(titles)) + "</body>"
    found = blocks_of(LexborHTMLParser(html).body)
    linked = [(b.links[0].href, b.links[0].text) for b in found if b.links]
    assert linked == [(f"/t/{i}", t) for i, t in enumerate(titles)]


def test_a_link_holding_only_an_image_lends_nothing_to_the_next_container() -> None:
    html = '<body><div><a href="/"><img src="/logo.png"></a></div><p>Nội dung bài viết.</p></body>'
    assert [(b.text, b.links) for b in blocks_of(LexborHTMLParser(html).body)] == [("Nội dung bài viết.", ())]


def test_links_nested_through_mathml_are_stripped_not_read_again_and_again() -> None:
    # Each nested link's text was the rest of the page: 20,000 of them took 37 s (a fresh-eyes attack).
    page = (
        "<html><body><h1>Tiêu đề bài viết</h1><p>"
        + WORDS
        + "</p><p><math>"
        + "<a href=/x>y" * 20_000
        + "</p></body></html>"
    )
    got = extract(page)
    assert got["title"] == "Tiêu đề bài viết" and got["body"] == WORDS.strip()


@pytest.mark.parametrize("walk", ["compiled", "python"])
def test_every_node_counts_toward_the_walk_budget(walk: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = LexborHTMLParser("<div>" + "x<br>" * 100 + "</div>").body
    assert root is not None
    if walk == "python":
        assert blocks._blocks_in_python(root, 150) is None
        return
    found = blocks.compiled_blocks(blocks.BLOCK_TAGS, (blocks.Block, blocks.Link), blocks._blocks_in_python)
    if found is None:
        pytest.skip("the C part of blocks.py is not built here")
    assert found(root, 150) is None and found(root, 300) is not None

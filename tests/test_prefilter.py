"""Selector queries that skip the parts naming classes or ids a page lacks find exactly what lexbor finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from scraper import prefilter
from scraper.compiled import compiled_names, once
from scraper.prefilter import css, css_first, present

needs_compiled = pytest.mark.skipif(
    compiled_names() is None, reason="the C part of blocks.py is not built here"
)

_NAME = st.sampled_from(
    ["share", "Share", "entry-content", "sapo", "news_column", "x1", "lead", "tin-lienquan"]
)
_TAG = st.sampled_from(["div", "p", "span", "article", "section", "a"])


def _element(tag: str, classes: list[str], id_: str | None, children: list[str]) -> str:
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    attributes += f' id="{id_}"' if id_ else ""
    return f"<{tag}{attributes}>t{''.join(children)}</{tag}>"


_MARKUP = st.recursive(
    st.just(""),
    lambda inner: st.builds(
        _element, _TAG, st.lists(_NAME, max_size=3), st.none() | _NAME, st.lists(inner, max_size=3)
    ),
    max_leaves=12,
)
_PART = st.one_of(
    st.builds(lambda name: f".{name}", _NAME),
    st.builds(lambda name: f"#{name}", _NAME),
    st.builds(lambda tag, name: f"{tag}.{name}", _TAG, _NAME),
    st.builds(lambda a, b: f".{a} .{b}", _NAME, _NAME),
    st.builds(
        lambda attr, word: f'[{attr}*="{word}"]',
        st.sampled_from(["class", "id"]),
        st.sampled_from(["har", "Entry", "lien", "ead"]),
    ),
    st.builds(lambda name: f"div:not(.{name})", _NAME),
    _TAG,
)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(
    st.lists(_MARKUP, min_size=1, max_size=4).map("".join),
    st.lists(_PART, min_size=1, max_size=5).map(", ".join),
    st.booleans(),
)
def test_a_filtered_query_finds_what_the_whole_query_finds(
    markup: str, selector: str, standards: bool
) -> None:
    # Without a doctype lexbor is in quirks mode, where class and id names match case-blind.
    tree = LexborHTMLParser(("<!DOCTYPE html>" if standards else "") + f"<html><body>{markup}</body></html>")
    whole = [node.mem_id for node in once(tree.css(selector))]
    assert [node.mem_id for node in css(tree, selector)] == whole
    first = css_first(tree, selector)
    assert (first.mem_id if first is not None else None) == (whole[0] if whole else None)
    assert tree.body is not None
    assert [node.mem_id for node in css(tree.body, selector)] == [
        node.mem_id for node in once(tree.body.css(selector))
    ]


@needs_compiled
@pytest.mark.parametrize(
    ("selector", "kept"),
    [
        (".entry-content, .td-post-content", ".entry-content"),
        ('[class*="share"], [id*="related"]', '[class*="share"]'),
        ("#news-bodyhtml, article.the-article", "article.the-article"),
        ("div:not(.absent), .absent", "div:not(.absent), .absent"),
        ('meta[property="og:title"], h1', 'meta[property="og:title"], h1'),
        (".absent, #absent", ""),
        (":is(.entry-content, .absent) .absent", ":is(.entry-content, .absent) .absent"),
        ('[title="a,b"], .absent', '[title="a,b"], .absent'),
        (".xÄ, .absent", ".xÄ, .absent"),
    ],
    ids=[
        "class",
        "substring",
        "id-and-tag",
        "a-list-with-a-function-kept-whole",
        "attributes-kept",
        "none",
        "comma-in-a-function-not-split",
        "comma-in-quotes-not-split",
        "non-ascii-name-not-split",
    ],
)
def test_parts_naming_absent_classes_are_dropped(selector: str, kept: str) -> None:
    tree = LexborHTMLParser(
        '<div class="Entry-Content SHARE-box"><article class="the-article">x</article></div>'
    )
    assert present(selector, tree) == kept


@needs_compiled
def test_the_page_names_are_every_distinct_name_once_lower_cased() -> None:
    # Past the hash set's first 512 names, and names longer than any scratch buffer before them.
    elements = "".join(
        f'<p class="n{i} N{i % 7}\tshared" id="ID-{i % 3}">x</p><div class="{"L" * (i % 400)}"></div>'
        for i in range(1500)
    )
    tree = LexborHTMLParser(f"<html><body>{elements}</body></html>")
    read = compiled_names()
    assert read is not None and tree.root is not None
    names = read(tree.root).split("\n")[:-1]
    expected = (
        {f"n{i}" for i in range(1500)}
        | {f"n{i}" for i in range(7)}
        | {"shared"}
        | {f"id-{i}" for i in range(3)}
    )
    expected |= {"l" * i for i in range(1, 400)}
    assert len(names) == len(set(names)) and set(names) == expected


@needs_compiled
@pytest.mark.parametrize(
    ("markup", "selector"),
    [
        ('<div class="a" title="a,b">x</div>', ":is(.a, .b) .zz"),
        ('<div class="a" title="a,b">x</div>', '[title="a,b"]'),
        ('<div class="xÄ">x</div>', ".xÄ"),
        ('<div class="xÄ">x</div>', "[class*=xÄ]"),
        ('<div class="k\u212a">x</div>', ".k\u212a"),
        ('<div class="x·y">x</div>', ".x·y"),
    ],
    ids=["function", "quoted-comma", "non-ascii-class", "non-ascii-substring", "kelvin-sign", "middle-dot"],
)
def test_selectors_found_by_a_fresh_eyes_attack_find_what_lexbor_finds(markup: str, selector: str) -> None:
    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    assert [n.mem_id for n in css(tree, selector)] == [n.mem_id for n in once(tree.css(selector))]


@pytest.mark.parametrize("compiled_part", [True, False], ids=["compiled", "lexbor"])
def test_an_element_matching_two_parts_is_found_once(
    monkeypatch: pytest.MonkeyPatch, compiled_part: bool
) -> None:
    # lexbor lists it once for each part: drop_chrome then removed a removed element again.
    if not compiled_part:
        monkeypatch.setattr(prefilter, "compiled_select", lambda: None)
    tree = LexborHTMLParser(
        '<html><body><div class="social-share" id="related">x</div><p>y</p></body></html>'
    )
    selector = '[class*="share"], [class*="social"], [id*="related"], p'
    assert len(tree.css(selector)) == 4
    assert [node.tag for node in css(tree, selector)] == ["div", "p"]

"""The compiled loops of blocks.py (scraper/_blocks.c) give exactly what its Python loops give, or are not used."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import selectolax
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import boilerplate, compiled
from scraper.blocks import BLOCK_TAGS, STRIPPED_TAGS, Block, Link, _blocks_in_python, _tag_stats, blocks_of
from scraper.profiles import PROMINENT_SELECTOR
from scraper.text import clean_line

FIXTURES = Path(__file__).parent / "fixtures"
# The ScrapingHub pages in ../shared, when the checkout has it beside it (CI does).
_SHARED = Path("shared") / "benchmarks" / "article-extraction-benchmark" / "html"
BENCHMARK = next(
    (p / _SHARED for p in Path(__file__).parents if (p / _SHARED).is_dir()), Path("/nonexistent")
)
HAS_COMPILER = any(shutil.which(name) for name in ("cc", "gcc", "clang"))


def _walk() -> compiled.Walk:
    walk = compiled.compiled_blocks(BLOCK_TAGS, (Block, Link), _blocks_in_python)
    if walk is None:
        pytest.skip("the C part of blocks.py is not built here (no compiler at install)")
    return walk


def _extension() -> object:
    _walk()  # configures the module
    module = compiled._extension()
    if module is None:
        pytest.skip("the C part of blocks.py is not built here (no compiler at install)")
    return module


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler: pip installs scraper without its C part")
def test_an_install_with_a_compiler_builds_the_c_part_and_uses_it() -> None:
    assert compiled._extension() is not None, (
        "pip install -e . again: scraper/_blocks.c changed since its build"
    )
    assert compiled.compiled_blocks(BLOCK_TAGS, (Block, Link), _blocks_in_python) is not None


def _trees() -> list[tuple[str, LexborHTMLParser]]:
    pages = [(path.name, path.read_bytes()) for path in sorted(FIXTURES.rglob("*.htm*"))]
    pages += [
        (path.name, gzip.decompress(path.read_bytes())) for path in sorted(BENCHMARK.glob("*.html.gz"))[:40]
    ]
    trees = []
    for name, raw in pages:
        tree = LexborHTMLParser(raw.decode("utf-8", "replace"))
        tree.strip_tags(STRIPPED_TAGS)
        trees.append((name, tree))
    return trees


def test_every_fixture_page_and_its_subtrees_give_the_same_blocks_both_ways() -> None:
    walk = _walk()
    trees = _trees()
    assert len(trees) >= 30
    compared = 0
    for name, tree in trees:
        assert tree.body is not None
        for root in [tree.body, *tree.css("div, td, article, section, li, p, a")[:150]]:
            got = walk(root, 10**6)
            assert got == _blocks_in_python(root, 10**6), name
            assert all(type(block) is Block for block in got or [])
            compared += 1
    assert compared > 500


@pytest.mark.parametrize("limit", [0, 1, 40, 400])
def test_a_walk_over_its_node_limit_stops_at_the_same_node_both_ways(limit: int) -> None:
    walk = _walk()
    for _, tree in _trees()[:20]:
        assert tree.body is not None
        assert walk(tree.body, limit) == _blocks_in_python(tree.body, limit)


_TAG = st.sampled_from(
    ["div", "p", "span", "b", "a", "h1", "h3", "li", "ul", "td", "tr", "table", "section", "font"]
)
_TEXT = st.text(alphabet=" \t\n\xa0\u200babcÀệ\u0301ạ.:|0123", max_size=6)
_LEAF = st.one_of(
    _TEXT,
    st.sampled_from(["<br>", "<img src=x>", "<hr>", "<!-- c -->", '<a href=" /h ">', "<a href>", "</a>"]),
)


def _element(children: list[str], tag: str, href: str) -> str:
    attributes = f' href="{href}"' if tag == "a" and href else ""
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


_HTML = st.recursive(
    _LEAF,
    lambda inner: st.builds(
        _element, st.lists(inner, max_size=4), _TAG, st.sampled_from(["", "/x", " \xa0"])
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML, max_size=5).map("".join))
def test_generated_markup_gives_the_same_blocks_both_ways(html: str) -> None:
    walk = _walk()
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    for root in [tree.body, *tree.css("*")]:
        assert root is not None
        assert walk(root, 10**6) == _blocks_in_python(root, 10**6)


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u200b\u200c\u200d\u2060\ufeffaAệe\u0301\u0323Ω",
        max_size=12,
    )
)
def test_the_c_clean_line_is_text_clean_line(text: str) -> None:
    module = _extension()
    assert module.clean_line(text) == clean_line(text)  # type: ignore[attr-defined]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="<>=aZệ1 \n", max_size=40), st.integers(0, 6), st.integers(0, 3))
def test_the_c_tag_stats_are_the_python_ones(html: str, long_tag: int, most: int) -> None:
    module = _extension()
    assert module.tag_stats(html, long_tag, most) == _tag_stats(html, long_tag, most)  # type: ignore[attr-defined]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a<\x7f\x80\xffệ\u07ff\u0800\ud800\udfff\uffff\U0001f600", max_size=40))
def test_the_c_utf8_encoder_is_str_encode_ignoring_lone_surrogates(text: str) -> None:
    module = _extension()
    assert module.utf8(text) == text.encode("utf-8", "ignore")  # type: ignore[attr-defined]


def test_a_module_that_reads_the_structures_otherwise_is_not_trusted() -> None:
    module = _extension()
    tree = LexborHTMLParser(compiled.PROBE_PAGE)
    assert compiled._layout_agrees(module, tree)  # type: ignore[arg-type]

    def shifted(address: int) -> tuple[int, ...]:
        fields: tuple[int, ...] = module.node_fields(address)  # type: ignore[attr-defined]
        return fields[:2] + fields[3:] + fields[2:3]  # parent read where first_child is

    liar = SimpleNamespace(
        **{name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    )
    liar.node_fields = shifted
    assert not compiled._layout_agrees(liar, tree)  # type: ignore[arg-type]


def test_blocks_of_uses_the_c_walk_when_it_is_built() -> None:
    _walk()
    tree = LexborHTMLParser("<html><body><p>Một <a href=' /x '>hai</a></p><h1>Ba<br>bốn</h1></body></html>")
    assert tree.body is not None
    assert blocks_of(tree.body) == [
        Block("Một hai", "p", (Link("/x", "hai"),)),
        Block("Ba bốn", "h1"),
    ]


def _compiled_scoring() -> compiled.Scorer | None:
    return compiled.compiled_scoring(
        BLOCK_TAGS,
        boilerplate._WHOLE_TEXT,
        boilerplate._LINE_PARENTS,
        boilerplate._scores_nothing,
        boilerplate._names_weight,
        boilerplate._PYTHON_SCORER,
        boilerplate.SCORING_SETTINGS,
    )


def _scoring() -> compiled.Scorer:
    scoring = _compiled_scoring()
    if scoring is None:
        pytest.skip("the C part of boilerplate.py's scoring is not built here (no compiler at install)")
    return scoring


# The settings main_body scores with, and a loose one: every <p> and <li> of one character.
_SETTINGS = [*boilerplate.SCORING_SETTINGS, (1, "p, li", 1)]


def _same_best(root: LexborNode, setting: tuple[int, str, int]) -> bool:
    ours, theirs = _scoring().best(root, *setting), boilerplate._scored_in_python(root, *setting)
    if ours is None or theirs is None:
        return ours is theirs
    return ours[0].mem_id == theirs[0].mem_id and ours[1] == theirs[1]


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler: pip installs scraper without its C part")
def test_an_install_with_a_compiler_scores_paragraphs_in_c() -> None:
    assert _compiled_scoring() is not None, "the C scoring disagrees with the Python one on the probe page"


def test_every_fixture_page_and_its_subtrees_score_the_same_candidate_both_ways() -> None:
    compared = 0
    for name, tree in _trees():
        assert tree.body is not None
        for root in [tree.body, *tree.css("div, td, article, section")[:30]]:
            for setting in _SETTINGS:
                assert _same_best(root, setting), (name, root.tag, setting)
                compared += 1
    assert compared > 1000  # our fixtures alone: a clone without ../shared has no ScrapingHub pages


_CLASS = st.sampled_from(
    ["", ' class="content"', ' class="sidebar"', ' id="post-body"', ' class="a" id="menu"']
)
_SCORED_TAG = st.sampled_from(
    ["div", "p", "pre", "blockquote", "figure", "td", "span", "font", "section", "a"]
)
_WORDS = st.sampled_from(
    [
        "Một câu văn, có dấu phẩy, ",
        "chữ ",
        "Tổng lượt truy cập: 3.333",
        "Địa chỉ: xã A",
        "\xa0 ",
        "x" * 90,
        "",
    ]
)
_SCORED_LEAF = st.one_of(st.lists(_WORDS, max_size=4).map("".join), st.sampled_from(["<br>", "<img src=x>"]))


def _scored_element(children: list[str], tag: str, attributes: str) -> str:
    if tag in ("td",):
        return f"<table><tr><td{attributes}>{''.join(children)}</td></tr></table>"
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


_SCORED_HTML = st.recursive(
    _SCORED_LEAF,
    lambda inner: st.builds(_scored_element, st.lists(inner, max_size=4), _SCORED_TAG, _CLASS),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SCORED_HTML, max_size=5).map("".join))
def test_generated_markup_scores_the_same_candidate_both_ways(html: str) -> None:
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    for root in [tree.body, *tree.css("div, td, section")[:10]]:
        assert root is not None
        for setting in _SETTINGS:
            assert _same_best(root, setting), (html, root.tag, setting)
        expected = boilerplate._paragraph_text_in_python(root, boilerplate.MIN_PARAGRAPH)
        assert _scoring().paragraph_chars(root, boilerplate.MIN_PARAGRAPH) == expected


def _scoring_checked_against(python: compiled.Scorer) -> compiled.Scorer | None:
    """A fresh configuration of the compiled scoring, checked against `python` (the module's configuration is the
    extractor's: only the Python answer differs)."""
    return compiled.compiled_scoring.__wrapped__(
        BLOCK_TAGS,
        boilerplate._WHOLE_TEXT,
        boilerplate._LINE_PARENTS,
        boilerplate._scores_nothing,
        boilerplate._names_weight,
        python,
        boilerplate.SCORING_SETTINGS,
    )


def test_a_scoring_that_disagrees_with_the_python_one_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    _scoring()  # the module's configuration stays the same: only the Python answer is wrong

    def parent_of_the_best(
        root: LexborNode, shortest: int, tags: str, div_chars: int
    ) -> compiled.Scored | None:
        found = boilerplate._scored_in_python(root, shortest, tags, div_chars)
        if found is None or found[0].parent is None:
            return found
        return found[0].parent, found[1]

    monkeypatch.setattr(compiled, "_SCORING", [])
    assert (
        _scoring_checked_against(compiled.Scorer(parent_of_the_best, boilerplate._paragraph_text_in_python))
        is None
    )


def test_paragraph_text_that_disagrees_with_the_python_one_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scoring()

    def one_more(node: LexborNode, shortest: int) -> int:
        return boilerplate._paragraph_text_in_python(node, shortest) + (node.tag == "p")

    monkeypatch.setattr(compiled, "_SCORING", [])
    assert _scoring_checked_against(compiled.Scorer(boilerplate._scored_in_python, one_more)) is None


def test_every_fixture_element_has_the_same_paragraph_text_both_ways() -> None:
    scorer = _scoring()
    compared = 0
    for name, tree in _trees():
        assert tree.body is not None
        for node in [tree.body, *tree.css("div, td, article, section, p, span")[:60]]:
            for shortest in (1, boilerplate.MIN_PARAGRAPH):
                expected = boilerplate._paragraph_text_in_python(node, shortest)
                assert scorer.paragraph_chars(node, shortest) == expected, (name, node.tag)
                compared += 1
    assert compared > 1000  # our fixtures alone: a clone without ../shared has no ScrapingHub pages


def test_the_best_candidate_above_the_root_is_reached_by_its_parents() -> None:
    tree = LexborHTMLParser(
        "<html><body><div class='story'><p>Một câu văn dài hơn hai mươi lăm ký tự, có dấu phẩy.</p></div></body></html>"
    )
    paragraph = tree.css_first("p")
    assert paragraph is not None
    found = _scoring().best(paragraph, 25, "p", 80)
    assert found is not None
    story = tree.css_first("div.story")
    assert story is not None and found[0].mem_id == story.mem_id
    assert _same_best(paragraph, (25, "p", 80))


def _select() -> compiled.Select:
    select = compiled.compiled_select()
    if select is None:
        pytest.skip("the C part's selector matching is not built here (no compiler at install)")
    return select


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler: pip installs scraper without its C part")
def test_an_install_with_a_compiler_matches_simple_selectors_in_c() -> None:
    assert compiled.compiled_select() is not None, "the C matching disagrees with lexbor on the probe page"


# The lists the extractor asks most (boilerplate's chrome, leads, body hints and captions; titles' prominent
# lines; counters' rows and images), and lists it does not take.
_OUR_LISTS = [
    boilerplate._CHROME_SELECTOR,
    boilerplate.LEAD_SELECTOR,
    boilerplate._CAPTIONS,
    PROMINENT_SELECTOR,
    '[itemprop="articleBody"], article, main',
    "h1",
    "div, tr, ul, p",
    "img[alt], a[href]",
]


def _same_matches(select: compiled.Select, scope: LexborHTMLParser | LexborNode, selector: str) -> bool:
    found, first = select(scope, selector, False), select(scope, selector, True)
    expected = compiled.once(scope.css(selector))
    assert found is not None and first is not None, selector
    return [n.mem_id for n in found] == [n.mem_id for n in expected] and [n.mem_id for n in first] == [
        n.mem_id for n in expected[:1]
    ]


def test_every_fixture_page_and_its_subtrees_match_our_selector_lists_as_lexbor_does() -> None:
    select = _select()
    compared = 0
    for name, tree in _trees():
        assert tree.body is not None
        scopes: list[LexborHTMLParser | LexborNode] = [tree, tree.body, *tree.css("div, article, td")[:15]]
        for scope in scopes:
            for selector in _OUR_LISTS:
                assert _same_matches(select, scope, selector), (name, selector)
                compared += 1
    assert compared > 3000


@pytest.mark.parametrize(
    "selector",
    [
        ".content",
        "#main",
        "div > p",
        "p:first-child",
        'a[href^="/"]',
        "[data-x=1]",
        "tiêu-đề",
        "x-custom",
        '[lang="vi"]',
        '[content*="\x00"]',
        "div\x1cp",
        "[\x0bhref]",
    ],
    ids=[
        "class",
        "id",
        "child",
        "pseudo",
        "prefix",
        "other-attribute",
        "non-ascii",
        "custom-tag",
        "case-blind-attribute-not-listed",
        "nul-read-by-css-as-replacement-character",
        "white-space-to-python-not-to-css",
        "white-space-to-python-inside-brackets",
    ],
)
def test_a_list_it_does_not_take_is_left_to_lexbor(selector: str) -> None:
    tree = LexborHTMLParser(
        "<div class=content id=main><p><a href='/x' rel=a>x</a></p><x-custom></x-custom></div>"
    )
    assert _select()(tree, selector, False) is None


@pytest.mark.parametrize(
    ("html", "selector"),
    [
        ('<svg><a xlink:href="/x">s</a></svg>', "a[href]"),
        ('<svg><use xlink:href="#i" href="#j"/></svg>', '[href*="j"]'),
        ('<math><mi xlink:href="/x">m</mi></math>', "[href]"),
        ('<svg><a xlink:role="x">s</a></svg>', "[role]"),
        ('<svg><a rel="Author">s</a></svg>', '[rel="author"]'),
        ('<math><mi type="TEXT">m</mi></math>', "[type*=text]"),
        ('<svg><foreignObject><a rel="Author">s</a></foreignObject></svg>', '[rel="author"]'),
    ],
    ids=[
        "xlink-href-read-as-href",
        "first-of-two-hrefs",
        "xlink-href-on-mathml",
        "xlink-role-read-as-role",
        "rel-on-svg-compared-as-written",
        "type-on-mathml-compared-as-written",
        "rel-on-html-inside-svg-compared-case-blind",
    ],
)
def test_svg_and_mathml_elements_match_as_lexbor_matches_them(html: str, selector: str) -> None:
    tree = LexborHTMLParser(f"<!DOCTYPE html><html><body>{html}</body></html>")
    assert tree.body is not None
    for scope in [tree, tree.body]:
        assert _same_matches(_select(), scope, selector), (html, selector)


@pytest.mark.parametrize("whole_parser", [True, False], ids=["parser", "root-node"])
def test_a_fragment_is_matched_over_all_its_top_level_nodes(whole_parser: bool) -> None:
    # lexbor's css() on a fragment's root walks every top-level node of the fragment, not the first one's subtree.
    tree = LexborHTMLParser('<p role="a">x</p><div><p>y</p></div>', is_fragment=True)
    scope = tree if whole_parser else tree.root
    assert scope is not None
    for selector in ("p", "div p", "*", "[role], div"):
        found, first = _select()(scope, selector, False), _select()(scope, selector, True)
        expected, expected_first = compiled.once(scope.css(selector)), scope.css_first(selector)
        assert found is None or [n.mem_id for n in found] == [n.mem_id for n in expected], selector
        assert first is None or [n.mem_id for n in first] == [expected_first.mem_id], selector


_SELECT_TAG = st.sampled_from(["div", "p", "span", "a", "figure", "cite", "form", "nav", "li", "ul", "img"])
_SELECT_ATTRIBUTE = st.sampled_from(
    [
        "",
        ' class="share-box Title"',
        ' class="SHARE"',
        ' id="related-news"',
        ' role="search"',
        ' role="Search"',
        ' itemprop="articleBody"',
        ' style="font-weight: bold"',
        ' alt=""',
        ' href="/x"',
        " class",
        ' class=""',
    ]
)
_SELECT_HTML = st.recursive(
    st.sampled_from(["", "chữ", "<br>", "<img src=x alt=a>"]),
    lambda inner: st.builds(
        lambda children, tag, attributes: f"<{tag}{attributes}>{''.join(children)}</{tag}>",
        st.lists(inner, max_size=3),
        _SELECT_TAG,
        _SELECT_ATTRIBUTE,
    ),
    max_leaves=20,
)
_COMPOUND_TEXT = st.tuples(
    st.sampled_from(["", "div", "p", "a", "figure", "cite", "form", "*", "DIV"]),
    st.lists(
        st.sampled_from(
            [
                "[class]",
                '[class*="share"]',
                "[class*=Title]",
                '[id*="related"]',
                "[role=search]",
                '[itemprop="articleBody"]',
                '[style*="bold"]',
                "[alt]",
                "[href]",
                '[class="SHARE"]',
            ]
        ),
        max_size=2,
    ),
).map(lambda parts: parts[0] + "".join(parts[1]) or "span")
_SELECTOR_TEXT = st.lists(
    st.tuples(_COMPOUND_TEXT, st.one_of(st.none(), _COMPOUND_TEXT)).map(
        lambda pair: pair[0] if pair[1] is None else f"{pair[1]} {pair[0]}"
    ),
    min_size=1,
    max_size=4,
).map(", ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SELECT_HTML, max_size=4).map("".join), _SELECTOR_TEXT, st.booleans())
def test_generated_markup_and_lists_match_as_lexbor_does(html: str, selector: str, quirks: bool) -> None:
    doctype = "" if quirks else "<!DOCTYPE html>"
    tree = LexborHTMLParser(f"{doctype}<html><body>{html}</body></html>")
    assert tree.body is not None
    select = _select()
    scopes: list[LexborHTMLParser | LexborNode] = [tree, tree.body, *tree.css("div, figure")[:5]]
    for scope in scopes:
        assert _same_matches(select, scope, selector), (html, selector)


def test_a_node_made_otherwise_than_selectolax_makes_it_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _select()
    module = compiled._extension()
    assert module is not None

    class Liar:
        def __getattr__(self, name: str) -> object:
            return getattr(module, name)

        @staticmethod
        def node_object(address: int, parser: LexborHTMLParser) -> object:
            node = module.node_object(address, parser)  # type: ignore[union-attr]
            return node.parent or node

    monkeypatch.setattr(compiled, "_checked", lambda: Liar())
    assert compiled.compiled_select.__wrapped__() is None


def test_another_selectolax_version_is_not_trusted_with_its_vtable(monkeypatch: pytest.MonkeyPatch) -> None:
    _select()
    monkeypatch.setattr(selectolax, "__version__", "1.1.0")
    assert compiled.compiled_select.__wrapped__() is None

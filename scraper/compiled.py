"""blocks.py's hot loops compiled (scraper/_blocks.c), checked before use. The block walk reads lexbor's
structures directly, so it is trusted only when its reading of a probe page agrees with selectolax's, field for
field, and its blocks with the Python walk's.

Each getter answers None when the extension was not built (no C compiler at install), was built from another
version of _blocks.c, or disagrees; blocks.py then runs its Python loops, which give the same results.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import selectolax
from selectolax.lexbor import LexborHTMLParser, LexborNode

RawLink = tuple[str, str]  # href and link text, both as in the page
RawRun = tuple[str, str, list[RawLink] | None]  # text pieces joined, block tag, links
# The blocks under a node, or None past the node limit (blocks.Block is not imported here: blocks imports us).
Walk = Callable[[LexborNode, int], list[Any] | None]

MAX_TAG_ID = 4096  # _blocks.c's: lexbor's own tags have ids below it
Scored = tuple[LexborNode, float]
# boilerplate._scored_in_python: (root, shortest, tags, div_chars) -> the best-scored node and its score.
Scoring = Callable[[LexborNode, int, str, int], Scored | None]


@dataclass(frozen=True)
class Scorer:
    """Readability's scoring (boilerplate.py): the best-scored container under a node, and the characters of
    paragraph text under a node (paragraphs of a shortest length, links left out)."""

    best: Scoring
    paragraph_chars: Callable[[LexborNode, int], int]


# Every block tag in a context the parser keeps it in, links, breaks and attributes on the elements the layout
# check reads. Text and white space on both sides of every kind of boundary.
PROBE_PAGE = """<!DOCTYPE html><html><head><title>t</title></head><body>
<div id="d" class="c"><p id="q">Một <b>hai</b> ba<br>bốn<a href=" /x ">năm <i>sáu</i></a></p>
<h1>Tiêu đề<br>dòng hai</h1><h2>h2</h2><h3>h3</h3><h4>h4</h4><h5>h5</h5><h6>h6</h6>
<address>a</address><article>b</article><aside>c</aside><blockquote>d</blockquote><center>e</center>
<details><summary>s</summary>f</details><dl><dt>g</dt><dd>h</dd></dl><fieldset>i</fieldset>
<figure><img src="i.jpg"><figcaption>j</figcaption></figure><footer>k</footer><form>l</form><header>m</header>
<hr><main>n</main><nav><ul><li><a href="/y"><img src="y.png"><span>o</span></a></li></ul></nav>
<ol><li>p</li></ol><pre>q  r</pre><section>s<a>no href</a><a href="">empty</a></section>
<table><caption>u</caption><thead><tr><th>v</th></tr></thead><tbody><tr><td>w<span>x</span></td></tr></tbody>
<tfoot><tr><td>y</td></tr></tfoot></table><span> \u00a0 </span><a href="/z"><h5>z</h5></a>tail</div>
</body></html>"""


def _nodes(root: LexborNode) -> Iterator[LexborNode]:
    yield from root.traverse(include_text=True)


def _address(node: LexborNode | None) -> int:
    return 0 if node is None else node.mem_id


def _layout_agrees(module: ModuleType, tree: LexborHTMLParser) -> bool:
    """Whether the extension reads every node's links and every text's length as selectolax does."""
    assert tree.root is not None
    for node in _nodes(tree.root):
        fields = module.node_fields(node.mem_id)
        expected = (node.parent, node.first_child, node.next, node.prev, node.last_child)
        if fields[2:] != tuple(_address(other) for other in expected):
            return False
        if node.tag == "-text" and (
            fields[0] != 3 or module.text_length(node.mem_id) != len((node.text_content or "").encode())
        ):
            return False
    # The attribute pointers are followed only after they are seen to agree (<p id>: first = last = id; <div
    # id class>: first = id, last = class).
    paragraph, division = tree.css_first("p#q"), tree.css_first("div#d")
    assert paragraph is not None and division is not None
    first, last, id_attr, _ = module.element_attrs(paragraph.mem_id)
    if not (first and first == last == id_attr and module.attr_fields(first)[1] == paragraph.mem_id):
        return False
    first, last, id_attr, class_attr = module.element_attrs(division.mem_id)
    return bool(first and last) and first == id_attr and last == class_attr != first


def _configure(
    module: ModuleType, tree: LexborHTMLParser, block_tags: frozenset[str], types: tuple[type, type]
) -> None:
    """Hand the extension the parser's ids of the tags and the attribute the walk asks about, and the types it
    builds."""
    assert tree.root is not None
    ids: dict[str, int] = {}
    for node in _nodes(tree.root):
        ids.setdefault(node.tag or "", module.node_fields(node.mem_id)[1])
    link = tree.css_first('a[href="/y"]')
    assert link is not None
    href = module.attr_fields(module.element_attrs(link.mem_id)[0])[0]
    blocks = {ids[tag]: tag for tag in block_tags}
    headings = frozenset({"h1", "h2", "h3", "h4"})
    module.configure(
        blocks,
        headings,
        ids["-text"],
        ids["a"],
        ids["br"],
        ids["img"],
        ids["hr"],
        href,
        *types,
        unicodedata.normalize,
    )


@functools.cache
def _extension() -> ModuleType | None:
    """The compiled module, when it was built from the _blocks.c beside it (setup.py compiles its digest in)."""
    try:
        _blocks = importlib.import_module("scraper._blocks")
    except ImportError:
        return None
    source = Path(__file__).with_name("_blocks.c")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16] if source.exists() else None
    return _blocks if digest == getattr(_blocks, "SOURCE_DIGEST", "") else None


@functools.cache
def _checked() -> ModuleType | None:
    """The compiled module, when its reading of the probe page's structures agrees with selectolax's."""
    module = _extension()
    return module if module is not None and _layout_agrees(module, LexborHTMLParser(PROBE_PAGE)) else None


_CONFIGURED: list[tuple[frozenset[str], tuple[type, type]]] = []


@functools.cache
def compiled_blocks(block_tags: frozenset[str], types: tuple[type, type], python_walk: Walk) -> Walk | None:
    """The extension's block walk building `types` (Block, Link), when it agrees with python_walk on the probe
    page."""
    module = _checked()
    # The module holds one configuration: a second caller with other tags or types is not served.
    if module is None or len(_CONFIGURED) > 0:
        return None
    tree = LexborHTMLParser(PROBE_PAGE)
    _configure(module, tree, block_tags, types)
    _CONFIGURED.append((block_tags, types))

    def walk(root: LexborNode, max_nodes: int) -> list[Any] | None:
        found: list[Any] | None = module.blocks(root.mem_id, max_nodes)
        return found

    assert tree.body is not None
    return walk if walk(tree.body, 10**6) == python_walk(tree.body, 10**6) else None


@functools.cache
def compiled_names() -> Callable[[LexborNode], str] | None:
    """The extension's reading of the class and id values under a node, lower-cased, a line each; checked on the
    probe page against selectolax's attributes."""
    module = _checked()
    tree = LexborHTMLParser(PROBE_PAGE)
    if module is None or tree.root is None:
        return None
    # Each distinct name once, in the order met, split at ASCII white space as lexbor splits class values.
    expected = dict.fromkeys(
        name.lower()
        for node in tree.root.traverse()
        for attribute in ("class", "id")
        for name in re.split("[ \t\n\f\r]+", node.attributes.get(attribute) or "")
        if name
    )

    def read(node: LexborNode) -> str:
        names: str = module.names(node.mem_id)
        return names

    return read if read(tree.root) == "".join(f"{name}\n" for name in expected) else None


@functools.cache
def compiled_utf8() -> Callable[[str], bytes] | None:
    """The extension's str.encode("utf-8", "ignore"), when it is built."""
    module = _extension()
    return None if module is None else module.utf8


@functools.cache
def compiled_tag_stats() -> Callable[[str, int, int], tuple[int, bool]] | None:
    """The extension's blocks._tag_stats, when it is built."""
    module = _extension()
    return None if module is None else module.tag_stats


# Paragraphs of every kind boilerplate._paragraphs finds (<p>, <pre>, <blockquote>, <figure>, parents of line
# breaks, text <div>s long and short), links inside them, class names that weigh for and against, widget lines,
# white space and commas: the scoring is trusted when it agrees with the Python version here in every setting.
SCORING_PROBE = """<!DOCTYPE html><html><body><p>Một đoạn văn ngắn, có dấu phẩy, ở thân trang.</p>
<div class="article-content"><p>Đoạn một, với <a href="/a">một liên kết</a> và chữ thường, đủ dài để được tính.</p>
<p>   Đoạn hai <b>đậm</b>, <i>nghiêng</i>, dài hơn hai mươi lăm chữ một chút. </p>
<blockquote><p>Trích dẫn trong <a href="/b">khối</a> trích dẫn, đủ dài để tính điểm.</p></blockquote>
<pre>mã   nguồn, giữ nguyên khoảng trắng, dài hơn hai mươi lăm</pre>
<div>Một dòng<br>ngắt bởi br, trong một div có chữ của riêng nó, dài vừa đủ.</div>
<table><tr><td>Ô bảng<br>có dòng ngắt, chữ dài hơn hai mươi lăm ký tự.</td></tr></table>
<span>Chữ<br>trong span</span><font>Chữ<br>trong font, đủ dài để thành một đoạn văn nhé.</font>
<div>Một div không có khối con nào, chỉ có chữ, dài hơn tám mươi ký tự để được đọc như một đoạn văn bản.</div>
<div>Div ngắn, mười ký tự.</div><div><div>Div lồng nhau</div> có chữ ở ngoài.</div>
<figure><img src="x.jpg"><figcaption>Chú thích ảnh, với dấu phẩy, dài hơn.</figcaption></figure></div>
<div id="sidebar-related" class="Widget"><p><a href="/c">Tin liên quan dài hơn hai mươi lăm ký tự</a></p>
<p>Tổng lượt truy cập: 3.333</p><p>Cơ quan chủ quản: Ủy ban nhân dân xã, dài hơn.</p></div>
<section class=""><p>Đoạn trong section không tên lớp, dài hơn hai mươi lăm.</p></section>
<div class><p>Đoạn trong div có lớp rỗng, cũng dài hơn hai mươi lăm.</p></div>
</body></html>"""

_SCORING: list[bool] = []


@functools.cache
def compiled_scoring(
    block_tags: frozenset[str],
    whole_tags: frozenset[str],
    line_parents: frozenset[str],
    widget: Callable[[str], bool],
    weight: Callable[[str], float],
    python: Scorer,
    settings: tuple[tuple[int, str, int], ...],
) -> Scorer | None:
    """The extension's scoring with these tags and callables, when it agrees with the Python scorer on the probe
    page: the same best container and score in every setting the extractor uses ((shortest, tags, div_chars)),
    the same paragraph text under every element."""
    module = _checked()
    # The module holds one configuration: a second caller with other tags or callables is not served.
    if module is None or _SCORING:
        return None
    tree = LexborHTMLParser(SCORING_PROBE)
    ids = _tag_ids(module, tree)
    element_ids = {
        tag: ids(tag) for tag in block_tags | whole_tags | line_parents | {"a", "br", "div", "html", "p"}
    }
    module.configure_scoring(
        ids("-text"),
        *(element_ids[tag] for tag in ("a", "br", "div", "html", "p")),
        [element_ids[tag] for tag in whole_tags],
        [element_ids[tag] for tag in block_tags],
        [element_ids[tag] for tag in line_parents],
        widget,
        weight,
    )
    _SCORING.append(True)
    tag_lists: dict[str, tuple[int, ...]] = {}

    def best(root: LexborNode, shortest: int, tags: str, div_chars: int) -> Scored | None:
        if tags not in tag_lists:
            tag_lists[tags] = tuple(ids(tag.strip()) for tag in tags.split(","))
        found = module.scored(root.mem_id, shortest, div_chars, tag_lists[tags])
        if found is None:
            return None
        up, down, address, score = found
        node = _node_at(root, up, down)
        assert node.mem_id == address
        return node, score

    def paragraph_chars(node: LexborNode, shortest: int) -> int:
        found: int = module.paragraph_chars(node.mem_id, shortest)
        return found

    assert tree.body is not None
    agrees = all(
        _same_scoring(best(tree.body, *setting), python.best(tree.body, *setting)) for setting in settings
    ) and all(
        paragraph_chars(node, shortest) == python.paragraph_chars(node, shortest)
        for node in tree.body.traverse()
        for shortest in (1, 25)
    )
    return Scorer(best, paragraph_chars) if agrees else None


def _tag_ids(module: ModuleType, tree: LexborHTMLParser) -> Callable[[str], int]:
    """The parser's id of a tag ("-text" for text), read from a node of the tree or a new element."""
    assert tree.body is not None
    text = next(node for node in tree.body.traverse(include_text=True) if node.tag == "-text")

    def tag_id(tag: str) -> int:
        node = text if tag == "-text" else tree.create_node(tag)
        found: int = module.node_fields(node.mem_id)[1]
        return found

    return tag_id


def _node_at(root: LexborNode, up: int, down: tuple[int, ...]) -> LexborNode:
    """The node `up` parents above root, or below root by the child indices in `down`."""
    node: LexborNode | None = root
    for _ in range(up):
        node = node.parent if node is not None else None
    for index in down:
        node = node.first_child if node is not None else None
        for _ in range(index):
            node = node.next if node is not None else None
    assert node is not None
    return node


def _same_scoring(ours: Scored | None, theirs: Scored | None) -> bool:
    if ours is None or theirs is None:
        return ours is theirs
    return ours[0].mem_id == theirs[0].mem_id and ours[1] == theirs[1]


# Selector lists the extension matches itself (prefilter.py asks): parts of one compound (a tag, attribute tests)
# or two joined by a descendant combinator, no escapes. Class and id selectors (".x", "#x") are left to lexbor:
# it folds their case in quirks mode. Attribute values compare case-sensitively here, as lexbor compares these.
_COMPOUND = re.compile(r"(?P<tag>\*|[A-Za-z][A-Za-z0-9]*)?(?P<tests>(?:\[[^\[\]]*\])*)")
_TEST = re.compile(
    r"""\[(?P<name>[A-Za-z][A-Za-z0-9_-]*)"""
    r"""(?:(?P<op>\*?=)(?:"(?P<double>[^"\\\s]+)"|'(?P<single>[^'\\\s]+)'|(?P<bare>[A-Za-z_][A-Za-z0-9_-]*)))?\]"""
)
# CSS's white space (str.split's also holds \x0b and \x1c-\x1f, which CSS rejects); a NUL is read by CSS as U+FFFD.
_CSS_SPACE = re.compile(r"[ \t\n\r\f]+")
# The attributes read by name (class and id are read from the element's own pointers); none of them is one
# whose value HTML compares case-blind (type, rel, lang, ...).
SELECTED_ATTRIBUTES = ("style", "role", "itemprop", "alt", "href", "name", "property", "content", "datetime")
# Attributes whose values HTML compares ASCII case-blind in selectors (lexbor does too, on HTML elements only:
# an SVG or MathML element's are compared as written): matched folded.
FOLDED_ATTRIBUTES = ("type", "rel")
_FOLDED = 10  # OP_FOLDED in _blocks.c
_TESTS = {"": 0, "=": 1, "*=": 2}
_MAX_PARTS, _MAX_TESTS = 128, 4
_CLASS_NAME, _ID_NAME, _DOCUMENT_NAME = 2**64 - 1, 2**64 - 2, 2**64 - 16  # ATTR_CLASS, ATTR_ID, ATTR_DOCUMENT
SELECT_PROBE = """<html><body><div id="Main" class="content share-box"><nav><a href="/a">a</a></nav>
<p style="font-weight:bold" class="Title">x</p><figure><img src="i" alt=""><figcaption><cite>c</cite></figcaption>
</figure><cite>d</cite><form role="search"></form><form role="Search"></form><article itemprop="articleBody">
<h1 class="tieu-de">t</h1><span itemprop="ArticleBody" class="SHARE">s</span></article><main><ul><li>l</li></ul>
<script type="Application/LD+JSON">{}</script><script type="application/ld+json">{}</script><a rel="Author">r</a>
</main><table><tr><td title="x">c</td></tr></table><aside id="related-news">r</aside><svg><a xlink:href="/s">s</a>
<use href="#j" xlink:href="#i"/><a rel="Author" type="Text/Json">v</a></svg><math><mi rel="author">m</mi></math>
</div></body></html>"""
SELECT_PROBE_QUERIES = (
    "p, li, td",
    "nav, aside, footer, form[role=search], figure cite",
    '[class*="share"], [id*="related"], [class*=Title], [style*="bold"]',
    '[itemprop="articleBody"], article, main',
    "img[alt], a[href], h1",
    "div cite, * [class*=content], [id]",
    'script[type="application/ld+json"], [rel="author"], [type*=JSON]',
    '[rel="Author"], [type*=Json], [href*=i], svg [href]',
)
Select = Callable[[LexborHTMLParser | LexborNode, str, bool], list[LexborNode] | None]
VTABLE_VERSIONS = ("1.0.",)  # selectolax versions whose LexborNode vtable opens with new(node, parser)


@functools.cache
def compiled_select() -> Select | None:
    """The extension's matching of simple selector lists: (scope, selector, first only) -> the nodes, or None for
    a list it does not take. Trusted when it finds what lexbor finds on the probe page."""
    module = _checked()
    # The first slot of LexborNode's vtable is its `new` in the selectolax versions read (selectolax/lexbor.pxd):
    # another version could order its methods otherwise, and a wrong slot is called before any check can refuse.
    if module is None or not selectolax.__version__.startswith(VTABLE_VERSIONS):
        return None
    module.configure_nodes(LexborNode.__dict__["__pyx_vtable__"])
    tree = LexborHTMLParser(SELECT_PROBE)
    assert tree.root is not None
    if not all(_same_node(module.node_object(node.mem_id, tree), node) for node in tree.root.traverse()):
        return None
    names = _attribute_ids(module)
    # The other attributes' ids are each document's own: read once a page from a new element that carries them.
    own_names = tuple(name for name in SELECTED_ATTRIBUTES + FOLDED_ATTRIBUTES if name not in names)
    names |= {name: _DOCUMENT_NAME - index for index, name in enumerate(own_names)}
    tags = _tag_ids(module, tree)
    html_ns = module.node_namespace(tree.root.mem_id)
    specs: dict[str, tuple[Any, ...] | None] = {}

    @functools.lru_cache(maxsize=1)
    def document_ids(parser: LexborHTMLParser) -> tuple[int, ...]:
        element = parser.create_node("p")
        for name in own_names:
            element.attrs[name] = ""
        return _attributes_in_order(module, element)

    def select(scope: LexborHTMLParser | LexborNode, selector: str, first: bool) -> list[LexborNode] | None:
        if selector not in specs:
            specs[selector] = _spec(selector, tags, names)
        spec = specs[selector]
        if spec is None:
            return None
        root = scope.root if isinstance(scope, LexborHTMLParser) else scope
        if root is None:
            return []
        # A fragment's top-level node has a parent selectolax does not show (its <html> wrapper): lexbor's css()
        # on a fragment's root walks every top-level node, so such a scope is left to it.
        if root.parent is None and module.node_fields(root.mem_id)[2]:
            return None
        parser = scope if isinstance(scope, LexborHTMLParser) else scope.parser
        found: list[LexborNode] = module.select(
            root.mem_id, parser, spec, document_ids(parser), first, html_ns
        )
        return found

    return select if _select_agrees(select, tree) else None


def _same_node(made: object, node: LexborNode) -> bool:
    return (
        type(made) is LexborNode
        and made.mem_id == node.mem_id
        and made.tag == node.tag
        and _address(made.parent) == _address(node.parent)
    )


def _attribute_ids(module: ModuleType) -> dict[str, int]:
    """The parser's ids of SELECTED_ATTRIBUTES, when two documents naming them in other orders agree on them."""
    found: list[dict[str, int]] = []
    names_asked = SELECTED_ATTRIBUTES + FOLDED_ATTRIBUTES
    for order in (names_asked, names_asked[::-1]):
        element = LexborHTMLParser("<p " + " ".join(f'{name}="v"' for name in order) + ">").css_first("p")
        assert element is not None
        found.append(dict(zip(order, _attributes_in_order(module, element), strict=True)))
    names = {name: ident for name, ident in found[0].items() if found[1].get(name) == ident}
    return names | {"class": _CLASS_NAME, "id": _ID_NAME}


def _attributes_in_order(module: ModuleType, element: LexborNode) -> tuple[int, ...]:
    """The name ids of an element's attributes, in order."""
    ids = []
    attribute = module.element_attrs(element.mem_id)[0]
    while attribute:
        name, _, attribute = module.attr_fields(attribute)
        ids.append(name)
    return tuple(ids)


def _spec(selector: str, tags: Callable[[str], int], names: dict[str, int]) -> tuple[Any, ...] | None:
    """The extension's form of a selector list, or None when it is not one the extension takes."""
    if not selector.isascii() or "\\" in selector or "\x00" in selector:
        return None
    parts = []
    for text in selector.split(","):
        compounds = [_compound(token, tags, names) for token in _CSS_SPACE.split(text.strip(" \t\n\r\f"))]
        if not 1 <= len(compounds) <= 2 or None in compounds:
            return None
        parts.append((compounds[-1], compounds[0] if len(compounds) == 2 else None))
    return tuple(parts) if len(parts) <= _MAX_PARTS else None


def _compound(token: str, tags: Callable[[str], int], names: dict[str, int]) -> tuple[Any, ...] | None:
    match = _COMPOUND.fullmatch(token)
    if match is None or not token:
        return None
    tag = match["tag"]
    tag_id = 0 if tag in (None, "*") else tags(tag.lower())
    if tag_id >= MAX_TAG_ID:  # a name outside lexbor's table: its id is the document's own
        return None
    tests = []
    at = match.start("tests")
    for test in _TEST.finditer(token, at, match.end("tests")):
        if test.start() != at or test["name"].lower() not in names:
            return None
        value = test["double"] or test["single"] or test["bare"] or ""
        op = _TESTS[test["op"] or ""]
        if test["name"].lower() in FOLDED_ATTRIBUTES and op:
            op += _FOLDED
        tests.append((names[test["name"].lower()], op, value.encode()))
        at = test.end()
    if at != len(token) or len(tests) > _MAX_TESTS:
        return None
    return (tag_id, tuple(tests))


def _select_agrees(select: Select, tree: LexborHTMLParser) -> bool:
    """Whether the extension finds what lexbor finds on the probe page, for every probe query, whole and first."""
    assert tree.root is not None
    for query in SELECT_PROBE_QUERIES:
        scopes: list[LexborHTMLParser | LexborNode] = [tree, tree.root, *tree.css("div, article, figure")]
        for scope in scopes:
            ours, first = select(scope, query, False), select(scope, query, True)
            theirs, their_first = once(scope.css(query)), scope.css_first(query)
            if ours is None or first is None or [n.mem_id for n in ours] != [n.mem_id for n in theirs]:
                return False
            if [n.mem_id for n in first] != [n.mem_id for n in theirs[:1]] or _address(their_first) != (
                first[0].mem_id if first else 0
            ):
                return False
    return True


def once(nodes: list[LexborNode]) -> list[LexborNode]:
    """Lexbor's matches with each node once: it lists a node once for each part of the list it matches, in a row."""
    return [node for i, node in enumerate(nodes) if i == 0 or node.mem_id != nodes[i - 1].mem_id]

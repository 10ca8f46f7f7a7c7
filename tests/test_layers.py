"""Imports run one way: face -> run -> stages -> models; the extract stage imports nothing of crawl or archive,
and the archive imports nothing of crawl (issue 13). The map below is the package's layout, as data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scraper"

# Higher layers may import lower ones, never the reverse. Stages share one layer.
LAYERS = {"models": 0, "stage": 1, "run": 2, "face": 3}

# module -> (layer, stage); the stage names only matter in the stage layer.
MODULES: dict[str, tuple[str, str]] = {
    # face: what people and other programs touch
    "scraper": ("face", ""),  # __init__: the library function extract()
    "scraper.__main__": ("face", ""),
    "scraper.cli": ("face", ""),
    "scraper.reports": ("face", ""),
    "scraper.progress": ("face", ""),
    "scraper.htmlreport": ("face", ""),
    "scraper.outputs": ("face", ""),
    "scraper.sitesrv": ("face", ""),  # `scraper demo`'s server
    # run: what ties the stages together
    "scraper.pipeline": ("run", ""),
    "scraper.reextract": ("run", ""),
    "scraper.check": ("run", ""),  # one page through crawl and extract, no archive
    "scraper.config": ("run", ""),  # checks config.toml against what the stages accept
    "scraper.revisits": ("run", ""),  # crawl policy: when an archived article is fetched again
    # crawl: from the network to a Page
    "scraper.crawler": ("stage", "crawl"),
    "scraper.urls": ("stage", "crawl"),
    "scraper.discovery": ("stage", "crawl"),
    "scraper.encoding": ("stage", "crawl"),
    # extract: from a page's text to an Article
    "scraper.extractor": ("stage", "extract"),
    "scraper.blocks": ("stage", "extract"),
    "scraper.compiled": ("stage", "extract"),  # blocks.py's hot loops in C (_blocks.c), checked before use
    "scraper.prefilter": ("stage", "extract"),
    "scraper._blocks": ("stage", "extract"),  # compiled from _blocks.c
    "scraper.boilerplate": ("stage", "extract"),
    "scraper.bylines": ("stage", "extract"),
    "scraper.titles": ("stage", "extract"),
    "scraper.dates": ("stage", "extract"),
    "scraper.counters": ("stage", "extract"),
    "scraper.pagekind": ("stage", "extract"),
    "scraper.profiles": ("stage", "extract"),
    # archive: the SQLite file, in and out
    "scraper.archive": ("stage", "archive"),
    "scraper.store": ("stage", "archive"),  # the Archive object and its per-site view
    "scraper.frontier": ("stage", "archive"),
    "scraper.captures": ("stage", "archive"),
    "scraper.queries": ("stage", "archive"),
    "scraper.exports": ("stage", "archive"),
    # models: data and vocabularies every layer shares
    "scraper.models": ("models", ""),
    "scraper.errors": ("models", ""),
    "scraper.text": ("models", ""),
}

# Stage -> the stages it must not import.
SEALED = {"extract": {"crawl", "archive"}, "archive": {"crawl"}}

# What importing a module must not load, read at run time (the package's __init__ runs on every import, which
# the ast reading does not see): the archive and the extractor never the crawl's HTTP stack, the models nothing
# of the stages, the run loop not the rich-based display.
NOT_LOADED = {
    "scraper.models": ("selectolax", "sqlite_utils", "httpx", "scraper.extractor", "scraper.archive"),
    "scraper.extractor": (
        "httpx",
        "tenacity",
        "protego",
        "sqlite_utils",
        *(name for name, (_, stage) in MODULES.items() if stage in SEALED["extract"]),
    ),
    "scraper.store": (
        "httpx",
        "tenacity",
        "protego",
        *(name for name, (_, stage) in MODULES.items() if stage in SEALED["archive"]),
    ),
    "scraper.pipeline": ("scraper.progress",),
}


def module_name(path: Path) -> str:
    """scraper/store.py -> scraper.store; scraper/__init__.py -> scraper."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """The package a relative import in this file is relative to."""
    return ".".join(path.relative_to(PACKAGE.parent).parent.parts)


def is_module(name: str) -> bool:
    """Whether a dotted name is a module or package of ours (not a name defined inside one)."""
    relative = Path(*name.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def imported(node: ast.Import | ast.ImportFrom, path: Path) -> list[str]:
    """The modules of ours one import statement loads (`from . import x` names module x when there is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = package_of(path).split(".")
        anchor = ".".join(package[: len(package) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [name for name in names if is_module(name)] + ([base] if not all(map(is_module, names)) else [])


# Calls that import by name at run time: importlib.import_module, __import__, pkgutil.resolve_name.
DYNAMIC_IMPORTS = {"import_module", "__import__", "resolve_name"}


def dynamic_import(node: ast.Call, path: Path) -> str | None:
    """The module a run-time import call names; "<computed>" when its name is no literal; None for other calls."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in DYNAMIC_IMPORTS:
        return None
    first = node.args[0] if node.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return "<computed>"
    target = first.value.split(":")[0]
    if target.startswith("."):  # import_module(".crawler", "scraper")
        dots = len(target) - len(target.lstrip("."))
        package = package_of(path).split(".")
        target = ".".join([*package[: len(package) - dots + 1], target.lstrip(".")]).rstrip(".")
    return target


def imports_of(path: Path) -> list[tuple[str, int]]:
    """Every module of ours a file imports, anywhere in it (in functions too, by run-time calls too), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [(name, node.lineno) for name in imported(node, path)]
        elif isinstance(node, ast.Call) and (target := dynamic_import(node, path)):
            found.append((target, node.lineno))
    return [
        (name, line)
        for name, line in found
        if name in ("scraper", "<computed>") or name.startswith("scraper.")
    ]


def layer_of(name: str) -> tuple[str, str]:
    """The layer and stage of a module, from the map (a submodule takes its package's entry)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return MODULES[name]


def wrong_way(source: str, target: str) -> str | None:
    """Why an import from source to target runs the wrong way, or None when it is allowed."""
    if target == "<computed>":
        return "a run-time import of a computed name, which no reading of the code can place in a layer"
    (src_layer, src_stage), (dst_layer, dst_stage) = layer_of(source), layer_of(target)
    if LAYERS[dst_layer] > LAYERS[src_layer]:
        return f"{src_layer} imports {dst_layer}"
    if src_layer == dst_layer == "stage" and dst_stage in SEALED.get(src_stage, set()):
        return f"the {src_stage} stage imports the {dst_stage} stage"
    return None


def arrows() -> list[tuple[str, str, int]]:
    """Every import between two modules of the package: (importer, imported, line)."""
    return [
        (module_name(path), target, line)
        for path in sorted(PACKAGE.rglob("*.py"))
        for target, line in imports_of(path)
    ]


def test_every_module_has_a_place_in_the_map() -> None:
    modules = {module_name(path) for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.c")]}
    assert sorted(m for m in modules if m not in MODULES) == [], "give the new module a layer in MODULES"
    assert sorted(m for m in MODULES if m not in modules) == [], "a module in MODULES is gone"


def test_imports_run_one_way() -> None:
    offences = [
        f"{source} -> {target} (line {line}): {why}"
        for source, target, line in arrows()
        if (why := wrong_way(source, target))
    ]
    assert not offences, "imports the wrong way:\n" + "\n".join(offences)


@pytest.mark.parametrize("module", sorted(NOT_LOADED))
def test_importing_a_module_loads_nothing_it_must_not(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stderr
    assert sorted(set(NOT_LOADED[module]) & set(result.stdout.split())) == []


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("scraper.cli", "scraper.pipeline", True),
        ("scraper.pipeline", "scraper.store", True),
        ("scraper.store", "scraper.models", True),
        ("scraper.discovery", "scraper.profiles", True),
        ("scraper.pipeline", "scraper.progress", False),
        ("scraper.store", "scraper", False),
        ("scraper.models", "scraper.errors", True),
        ("scraper.errors", "scraper.models", True),
        ("scraper.text", "scraper.dates", False),
        ("scraper.extractor", "scraper.urls", False),
        ("scraper.dates", "scraper.captures", False),
        ("scraper.store", "scraper.crawler", False),
        ("scraper.crawler", "scraper.store", True),
    ],
    ids=lambda v: str(v).removeprefix("scraper."),
)
def test_the_rules_judge_an_arrow(source: str, target: str, allowed: bool) -> None:
    assert (wrong_way(source, target) is None) is allowed


@pytest.mark.parametrize(
    ("statement", "modules"),
    [
        ("from . import profiles", ["scraper.profiles"]),
        ("from . import __version__", ["scraper"]),
        ("from . import profiles, __version__", ["scraper.profiles", "scraper"]),
        ("from .crawler import Fetcher", ["scraper.crawler"]),
        ("from scraper.urls import host_of", ["scraper.urls"]),
        ("import scraper.urls", ["scraper.urls"]),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_reader_resolves_each_form_of_import(statement: str, modules: list[str]) -> None:
    node = ast.parse(statement).body[0]
    assert isinstance(node, ast.Import | ast.ImportFrom)
    assert imported(node, PACKAGE / "models.py") == modules


def test_the_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    path = tmp_path / "late.py"
    path.write_text("def f() -> None:\n    from scraper.crawler import Fetcher\n", encoding="utf-8")
    assert imports_of(path) == [("scraper.crawler", 2)]


@pytest.mark.parametrize(
    ("call", "module"),
    [
        ('importlib.import_module("scraper.crawler")', "scraper.crawler"),
        ('import_module(".crawler", "scraper")', "scraper.crawler"),
        ('__import__("scraper.crawler")', "scraper.crawler"),
        ('pkgutil.resolve_name("scraper.crawler:Fetcher")', "scraper.crawler"),
        ("importlib.import_module(name)", "<computed>"),
    ],
    ids=["import_module", "relative-import_module", "__import__", "resolve_name", "computed-name"],
)
def test_the_reader_sees_imports_made_by_a_call(call: str, module: str) -> None:
    path = (
        PACKAGE / "store.py"
    )  # read as if it were this module of the archive stage; nothing is written there
    tree = ast.parse(f"def f(name: str) -> None:\n    {call}\n")
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert [dynamic_import(node, path) for node in calls] == [module]
    assert wrong_way("scraper.store", module) is not None

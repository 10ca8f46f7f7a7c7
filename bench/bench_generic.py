"""The generic path on the public ScrapingHub article-extraction benchmark, side by side with trafilatura.

    python bench/bench_generic.py [BENCHMARK_DIR]

BENCHMARK_DIR defaults to ../shared/benchmarks/article-extraction-benchmark (181 pages, 14 languages; read
only). Both extractors get the same decoded HTML and the page's URL; each body goes to output/<name>.json in a
scratch copy of the folder, scored there by the benchmark's own evaluate.py. Speed: pages/s over the 181 pages,
one process, one core, decoding excluded. A page ours refuses (ExtractError) counts as an empty body.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scraper import extract  # noqa: E402
from scraper.encoding import decode_html  # noqa: E402
from scraper.errors import ExtractError  # noqa: E402

DEFAULT = ROOT.parent.parent / "shared" / "benchmarks" / "article-extraction-benchmark"
REPEAT = 3
refusals: Counter[str] = Counter()


def pages(folder: Path) -> dict[str, tuple[str, str]]:
    """id -> (decoded html, url) for every page of the ground truth."""
    truth = json.loads((folder / "ground-truth.json").read_text())
    found = {}
    for key, item in truth.items():
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        found[key] = (decode_html(raw)[0], item.get("url") or "")
    return found


def ours(html: str, url: str) -> str:
    try:
        return str(extract(html, url=url or None)["body"])
    except ExtractError as error:
        refusals[error.reason] += 1
        return ""


def theirs(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url or None) or ""


def run(fn: Callable[[str, str], str], corpus: dict[str, tuple[str, str]]) -> tuple[dict, float]:
    """The bodies of every page, and pages/s over REPEAT passes."""
    bodies = {key: {"articleBody": fn(html, url)} for key, (html, url) in corpus.items()}
    counted = dict(refusals)
    started = time.perf_counter()
    for _ in range(REPEAT):
        for html, url in corpus.values():
            fn(html, url)
    pages_per_s = REPEAT * len(corpus) / (time.perf_counter() - started)
    refusals.clear()
    refusals.update(counted)
    return bodies, pages_per_s


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    corpus = pages(folder)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in ("evaluate.py", "ground-truth.json"):
            shutil.copy(folder / name, work / name)
        (work / "output").mkdir()
        speeds = {}
        for name, fn in (("scraper", ours), ("trafilatura", theirs)):
            bodies, speeds[name] = run(fn, corpus)
            (work / "output" / f"{name}.json").write_text(json.dumps(bodies, ensure_ascii=False))
        scored = subprocess.run(
            [sys.executable, "evaluate.py", "--n-bootstrap", "200"],
            cwd=work,
            capture_output=True,
            text=True,
            check=True,
        )
    print(f"{len(corpus)} pages; trafilatura {trafilatura.__version__}")
    print(scored.stdout.rstrip())
    for name, value in speeds.items():
        print(f"{name:20s} {value:8.1f} pages/s")
    print(
        f"speed ratio: {speeds['scraper'] / speeds['trafilatura']:.1f}x; refused by scraper: {dict(refusals)}"
    )


if __name__ == "__main__":
    main()

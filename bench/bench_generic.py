"""The generic path on the public ScrapingHub article-extraction benchmark, side by side with trafilatura.

    python bench/bench_generic.py [BENCHMARK_DIR]

BENCHMARK_DIR defaults to ../shared/benchmarks/article-extraction-benchmark (181 pages, 14 languages; read
only). Both extractors get the same decoded HTML and the page's URL; each body goes to output/<name>.json in a
scratch copy of the folder, scored there by the benchmark's own evaluate.py. Speed: pages/s over the 181 pages,
one process, one core, CPU time (the machine may be busy), decoding excluded, the two taking turns pass by pass. A page ours refuses (ExtractError) counts as an empty body.
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

BENCHMARK = Path("shared") / "benchmarks" / "article-extraction-benchmark"
# ../shared beside the checkout (or beside the folder of git worktrees that holds it).
DEFAULT = next((p / BENCHMARK for p in ROOT.parents if (p / BENCHMARK).is_dir()), ROOT.parent / BENCHMARK)
REPEAT = 5
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


def bodies(fn: Callable[[str, str], str], corpus: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Every page's body, in the benchmark's output format."""
    return {key: {"articleBody": fn(html, url)} for key, (html, url) in corpus.items()}


def speeds(extractors: dict[str, Callable[[str, str], str]], corpus: dict[str, tuple[str, str]]) -> dict:
    """pages/s of each extractor over REPEAT passes over the corpus, the extractors taking turns pass by pass
    so that a machine busy with other work slows both alike."""
    spent = dict.fromkeys(extractors, 0.0)
    for _ in range(REPEAT):
        for name, fn in extractors.items():
            started = time.process_time()
            for html, url in corpus.values():
                fn(html, url)
            spent[name] += time.process_time() - started
    return {name: REPEAT * len(corpus) / seconds for name, seconds in spent.items()}


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    corpus = pages(folder)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in ("evaluate.py", "ground-truth.json"):
            shutil.copy(folder / name, work / name)
        (work / "output").mkdir()
        extractors = {"scraper": ours, "trafilatura": theirs}
        for name, fn in extractors.items():
            found = bodies(fn, corpus)
            (work / "output" / f"{name}.json").write_text(json.dumps(found, ensure_ascii=False))
        refused = dict(refusals)
        rates = speeds(extractors, corpus)
        scored = subprocess.run(
            [sys.executable, "evaluate.py", "--n-bootstrap", "200"],
            cwd=work,
            capture_output=True,
            text=True,
            check=True,
        )
    print(f"{len(corpus)} pages; trafilatura {trafilatura.__version__}")
    print(scored.stdout.rstrip())
    for name, value in rates.items():
        print(f"{name:20s} {value:8.1f} pages/s")
    print(f"speed ratio: {rates['scraper'] / rates['trafilatura']:.1f}x; refused by scraper: {refused}")


if __name__ == "__main__":
    main()

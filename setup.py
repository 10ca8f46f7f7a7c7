"""The optional C part of scraper/blocks.py (scraper/_blocks.c); everything else is declared in pyproject.toml.

Without a C compiler the build goes on without it, and blocks.py runs its Python loops, which give the same
results 0.5 ms a page slower (BENCHMARKS.md).
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

SOURCE = "scraper/_blocks.c"
# The source's hash, compiled in: scraper/compiled.py leaves a module built from an older _blocks.c unused (an
# editable checkout keeps its compiled file when a pull changes the source).
DIGEST = hashlib.sha256((Path(__file__).parent / SOURCE).read_bytes()).hexdigest()[:16]

setup(
    ext_modules=[
        Extension("scraper._blocks", [SOURCE], define_macros=[("SOURCE_DIGEST", f'"{DIGEST}"')], optional=True)
    ]
)

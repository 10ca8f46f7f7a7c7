"""`python -m scraper` runs the command-line interface."""

import sys
from pathlib import Path

if getattr(sys.modules.get("scraper"), "__file__", None) is None:
    # Run from the folder above a clone named scraper/, that folder shadows the installed package as a
    # namespace package without __version__: import the package this file belongs to instead.
    del sys.modules["scraper"]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.cli import cli  # noqa: E402 - after the shadowing is undone

cli()

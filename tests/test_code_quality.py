"""House rules kept by the same command that runs the tests: lint, format, types, no disabled TLS checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.errors import Reason

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "scraper", "tests"], ["ruff", "format", "--check", "scraper", "tests"], ["mypy"]],
    ids=["ruff-lint", "ruff-format", "mypy-strict"],
)
def test_tool_passes(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not installed: pip install -e '.[test]'")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tls_verification_is_never_turned_off() -> None:
    # reliability.md V7: a portal with a broken chain gets a ca_bundle, never verify=False.
    offenders = [
        p for p in (REPO / "scraper").rglob("*.py") if "verify=False" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_package_imports_without_the_network_or_test_tools() -> None:
    code = "import scraper, scraper.cli; print(scraper.__version__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0 and result.stdout.strip() == scraper_version()


def scraper_version() -> str:
    import scraper

    return scraper.__version__


def test_every_fetch_reason_is_listed_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [r.value for r in Reason if f"| `{r.value}" not in readme]
    assert missing == []

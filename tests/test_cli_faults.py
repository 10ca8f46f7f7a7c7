"""Every command, given bad paths, damaged archives and odd arguments, answers in one line with its exit code.

The commands are read from `cli.commands` and their options from click, so a new command or option is
covered without touching this file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scraper.cli import cli

REPO = Path(__file__).resolve().parents[1]
MISSING = "/no/such/dir/a.jsonl"
# Values for arguments, chosen so that only the fault under test stands between the command and its work.
ARGUMENT_SAMPLES = {"url": "http://a.gov.vn/x", "query": "Quảng Trị"}
CONFIG = """
[crawl]
db = "{db}"
delay = 0
retries = 0

[[sites]]
name = "nowhere"
start_urls = ["http://127.0.0.1:9/"]
"""


def commands() -> list[str]:
    return sorted(cli.commands)


def command(name: str) -> click.Command:
    return cli.commands[name]


def base_args(name: str, empty: str | None = None) -> list[str]:
    """The arguments and required options of a command, with harmless values; argument `empty` as ""."""
    args = []
    for param in command(name).params:
        if isinstance(param, click.Argument):
            args.append("" if param.name == empty else ARGUMENT_SAMPLES.get(param.name or "", MISSING))
        elif param.required:
            choices = getattr(param.type, "choices", None)
            args += [param.opts[0], str(choices[0]) if choices else "x"]
    return args


def options(name: str, predicate: Callable[[click.Option], bool]) -> list[str]:
    return [p.opts[0] for p in command(name).params if isinstance(p, click.Option) and predicate(p)]


def takes(name: str, option: str) -> bool:
    return option in options(name, lambda p: True)


def invoke(*args: str) -> tuple[int, str, str]:
    """Run in-process: an uncaught exception (a traceback for the user) fails the test with its traceback."""
    result = CliRunner().invoke(cli, list(args), prog_name="scraper")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"scraper {' '.join(args)} raised") from result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_one_line(code: int, err: str, codes: set[int]) -> None:
    assert code in codes, err
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("scraper: "), err


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding a config.toml whose site is a closed port on 127.0.0.1; the archive is absent."""
    (tmp_path / "config.toml").write_text(CONFIG.format(db=tmp_path / "archive.db"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture(scope="module")
def real_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("real") / "demo.db"
    assert CliRunner().invoke(cli, ["demo", "--db", str(db), "--quiet"]).exit_code == 0
    return db


def garbage(real: Path, path: Path) -> None:
    path.write_bytes(b"this is not an archive\n" * 500)


def truncated(real: Path, path: Path) -> None:
    path.write_bytes(real.read_bytes()[: 8 * 4096])


def zeroed_page(real: Path, path: Path) -> None:
    """The real archive with the root page of its articles table, mid-file, overwritten with zeros."""
    with sqlite3.connect(real) as conn:
        page = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'articles'").fetchone()[0]
    data = bytearray(real.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = bytes(4096)
    path.write_bytes(bytes(data))


DAMAGE = {"garbage-bytes": garbage, "truncated": truncated, "zeroed-page": zeroed_page}


@pytest.mark.parametrize("name", commands())
def test_every_path_option_pointing_into_a_missing_folder_is_one_line(name: str) -> None:
    paths = options(name, lambda p: isinstance(p.type, click.Path))
    for option in paths:
        code, _, err = invoke(name, *base_args(name), option, MISSING)
        assert_one_line(code, err, {1, 2})
    if not paths or MISSING in base_args(name):  # extract: its argument is the path
        code, _, err = invoke(name, *base_args(name))
        assert_one_line(code, err, {1, 2})


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
@pytest.mark.parametrize("name", [n for n in commands() if takes(n, "--db")])
def test_every_command_on_a_damaged_archive_is_one_line(
    name: str, damage: str, real_archive: Path, workdir: Path
) -> None:
    db = workdir / "damaged.db"
    DAMAGE[damage](real_archive, db)
    code, _, err = invoke(name, *base_args(name), "--db", str(db))
    assert_one_line(code, err, {2} if name == "demo" else {1})


@pytest.mark.parametrize("name", commands())
def test_every_empty_string_is_refused_in_one_line(name: str) -> None:
    valued = options(name, lambda p: not p.is_flag and not p.count)
    for option in valued:
        code, _, err = invoke(name, *base_args(name), option, "")
        assert_one_line(code, err, {1, 2})
    for argument in (p.name for p in command(name).params if isinstance(p, click.Argument)):
        code, _, err = invoke(name, *base_args(name, empty=argument))
        if code != 0:
            assert_one_line(code, err, {1, 2})


@pytest.mark.parametrize("name", [n for n in commands() if takes(n, "--db")])
def test_an_empty_db_is_refused_never_sqlites_temporary_database(name: str, workdir: Path) -> None:
    code, _, err = invoke(name, *base_args(name), "--db", "")
    assert code == 2 and err == "scraper: Invalid value for '--db': must not be empty; see scraper " + (
        f"{name} --help\n"
    )


def test_an_empty_db_in_the_config_is_refused(workdir: Path) -> None:
    (workdir / "config.toml").write_text(CONFIG.format(db=""), encoding="utf-8")
    code, _, err = invoke("stats")
    assert code == 2 and err == "scraper: config.toml: crawl.db: must name an archive file, got ''\n"


@pytest.mark.parametrize(
    "url", ["http://a.gov.vn:99999/x", "http://[::1/x"], ids=["port-out-of-range", "broken-ipv6"]
)
@pytest.mark.parametrize("name", ["history", "extract"])
def test_a_malformed_url_is_a_usage_error(name: str, url: str) -> None:
    code, _, err = invoke(name, url)
    assert_one_line(code, err, {2})
    assert "not a valid URL" in err


@pytest.mark.parametrize(
    "args",
    [["nosuchcommand"], ["export"], ["export", "--format", "pdf"], ["search"], ["crawl", "--limit", "3"]],
    ids=["unknown-command", "missing-option", "bad-choice", "missing-argument", "unknown-option"],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str]) -> None:
    code, _, err = invoke(*args)
    assert_one_line(code, err, {2})
    assert "--help" in err and ".;" not in err


def test_help_and_version_still_exit_0() -> None:
    assert invoke("--help")[0] == 0 and invoke("export", "--help")[0] == 0
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("scraper, version ")


def test_python_dash_m_from_the_folder_above_a_clone_named_scraper(tmp_path: Path) -> None:
    # The clone's root (no __init__.py) shadows the package as a namespace package; the package itself is
    # found by a finder after the path finder, as an editable install's is.
    (tmp_path / "scraper").mkdir()
    shutil.copy(REPO / "pyproject.toml", tmp_path / "scraper")
    code = f"""
import importlib.machinery, runpy, sys
class Installed:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "scraper" or name.startswith("scraper."):
            where = {str(REPO)!r} if name == "scraper" else {str(REPO / "scraper")!r}
            return importlib.machinery.PathFinder.find_spec(name, [where])
sys.path = [p for p in sys.path if p not in ("", {str(REPO)!r})]
sys.path.insert(0, {str(tmp_path)!r})
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()] + [Installed]
sys.argv = ["scraper", "--version"]
runpy.run_module("scraper", run_name="__main__", alter_sys=True)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("scraper, version ") and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", [n for n in commands() if takes(n, "--config")])
def test_a_config_named_on_the_command_line_must_exist(name: str) -> None:
    code, _, err = invoke(name, *base_args(name), "--config", "absent.toml")
    assert_one_line(code, err, {2})
    assert err == "scraper: absent.toml: file not found\n"


@pytest.mark.parametrize("db", [":memory:", "file:x.db?mode=memory"], ids=["memory", "uri"])
@pytest.mark.parametrize("name", [n for n in commands() if takes(n, "--db")])
def test_sqlites_in_memory_database_is_refused_as_an_archive(name: str, db: str, workdir: Path) -> None:
    code, _, err = invoke(name, *base_args(name), "--db", db)
    assert_one_line(code, err, {2})
    assert "in-memory" in err and not list(workdir.glob("*.lock"))


# The command runs in a child Python whose writer signals its own process midway, as cron's `timeout` or a
# closed terminal would: the default action would kill it with the temporary file left behind.
SIGNALLED = """
import os, signal, sys
import scraper.cli, scraper.htmlreport
def signalled(real):
    def write(*args, **kwargs):
        os.kill(os.getpid(), signal.{signal})
        return real(*args, **kwargs)
    return write
scraper.cli.write_jsonl = signalled(scraper.cli.write_jsonl)
scraper.htmlreport.render_report = signalled(scraper.htmlreport.render_report)
scraper.cli.cli({args!r}, prog_name="scraper")
"""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("command", [["export", "--format", "jsonl"], ["report"]], ids=["export", "report"])
def test_a_termination_signal_ends_an_output_in_one_line_with_no_file_left(
    command: list[str], signal_name: str, real_archive: Path, workdir: Path
) -> None:
    args = [*command, "--db", str(real_archive), "--output", str(workdir / "out.file")]
    result = subprocess.run(
        [sys.executable, "-c", SIGNALLED.format(signal=signal_name, args=args)],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert_one_line(result.returncode, result.stderr, {1})
    assert "interrupted" in result.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["config.toml"]


@pytest.mark.parametrize("name", [n for n in commands() if takes(n, "--config")])
def test_a_missing_config_named_on_the_command_line_is_exit_2_even_with_db(
    name: str, real_archive: Path
) -> None:
    extra = ["--db", str(real_archive)] if takes(name, "--db") else []
    code, _, err = invoke(name, *base_args(name), *extra, "--config", "absent.toml")
    assert (code, err) == (2, "scraper: absent.toml: file not found\n")


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--limit", "99999999999999999999999"],
        ["search", "x", "--site", ""],
        ["search", ""],
        ["search", "  "],
        ["search", "x", "--site", "nosuch"],
        ["export", "--format", "jsonl", "--site", "nosuch"],
        ["reextract", "--site", "nosuch"],
        ["export", "--format", "csv", "--site", ""],
        ["extract", "page.html", "--profile", "nosuch"],
        ["extract", ""],
    ],
    ids=[
        "huge-limit",
        "empty-site",
        "empty-query",
        "blank-query",
        "unknown-site-search",
        "unknown-site-export",
        "unknown-site-reextract",
        "empty-site-export",
        "unknown-profile",
        "empty-page-path",
    ],
)
def test_odd_values_are_usage_errors_in_one_line(args: list[str], real_archive: Path, workdir: Path) -> None:
    (workdir / "page.html").write_text("<html><body><h1>x</h1></body></html>", encoding="utf-8")
    extra = ["--db", str(real_archive)] if takes(args[0], "--db") else []
    code, _, err = invoke(*args, *extra)
    assert_one_line(code, err, {2})
    assert "Traceback" not in err and ": :" not in err


def test_bare_scraper_prints_its_help_not_one_flattened_line() -> None:
    code, out, err = invoke()
    assert code in {0, 2}
    help_text = out + err
    assert help_text.startswith("Usage: scraper [OPTIONS] COMMAND") and "\nCommands:\n" in help_text
    assert len(help_text.splitlines()) > 10


def test_a_closed_stdout_ends_quietly_with_exit_0(real_archive: Path, workdir: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, as `| head -0` leaves it
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "export", "--format", "jsonl", "--db", str(real_archive)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        cwd=workdir,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        timeout=60,
    )
    os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def test_export_help_says_since_is_the_fetch_date_for_warc() -> None:
    _, out, _ = invoke("export", "--help")
    since = " ".join(out.split()).split("--since", 1)[1]
    assert since.startswith(
        " [%Y-%m-%d] Published on or after YYYY-MM-DD (for --format warc: fetched on or after)"
    )


@pytest.mark.parametrize(
    "version, advice",
    [(99, "written by a newer scraper"), (0, "not a scraper archive")],
    ids=["newer", "foreign"],
)
@pytest.mark.parametrize("name", ["stats", "search", "export"])
def test_an_archive_of_another_schema_is_never_told_to_run_a_crawl(
    name: str, version: int, advice: str, workdir: Path
) -> None:
    db = workdir / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("CREATE TABLE t (x)")
    code, _, err = invoke(name, *base_args(name), "--db", str(db))
    assert_one_line(code, err, {1})
    assert advice in err and "run a crawl" not in err

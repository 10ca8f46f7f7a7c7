"""Files the commands write: never over the archive or its companions, and whole or not at all."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.errors import ConfigError
from scraper.outputs import atomic_output, check_output, fresh_archive
from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archive, written once by `scraper demo`."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    code, _, err = run("demo", "--db", str(db), "--quiet")
    assert code == 0, err
    return db


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    """A copy of the demo archive this test may damage."""
    copy = tmp_path / "archive.db"
    copy.write_bytes(demo_archive.read_bytes())
    return copy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def symlink_to_archive(archive: Path) -> str:
    link = archive.parent / "link.csv"
    link.symlink_to(archive)
    return str(link)


def hard_link_to_archive(archive: Path) -> str:
    link = archive.parent / "other-name.csv"
    os.link(archive, link)
    return str(link)


def relative_path(archive: Path) -> str:
    os.chdir(archive.parent / "sub")
    return "../sub/../archive.db"


SPELLINGS: dict[str, Callable[[Path], str]] = {
    "same-path": str,
    "symlink": symlink_to_archive,
    "hard-link": hard_link_to_archive,
    "relative": relative_path,
    "other-case": lambda a: str(a.with_name("ARCHIVE.DB")),
    "wal": lambda a: f"{a}-wal",
    "shm": lambda a: f"{a}-shm",
    "lock": lambda a: f"{a}.lock",
}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "warc"])
@pytest.mark.parametrize("spelling", SPELLINGS, ids=list(SPELLINGS))
def test_an_output_that_is_the_archive_is_refused_and_the_archive_left_intact(
    archive: Path, spelling: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (archive.parent / "sub").mkdir()
    monkeypatch.chdir(archive.parent)
    before, files = digest(archive), sorted(archive.parent.iterdir())
    output = SPELLINGS[spelling](archive)
    files = sorted(archive.parent.iterdir())
    code, out, err = run("export", "--format", fmt, "--db", str(archive), "--output", output)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "is the archive" in err
    assert digest(archive) == before and sorted(archive.parent.iterdir()) == files


def test_the_demo_archive_given_as_its_own_export_is_refused(demo_archive: Path) -> None:
    before = digest(demo_archive)
    code, _, err = run("export", "--format", "csv", "--db", str(demo_archive), "--output", str(demo_archive))
    assert code == 2 and err.startswith("scraper: --output: ") and digest(demo_archive) == before


def test_an_export_into_a_missing_folder_is_one_line_and_exit_2(archive: Path) -> None:
    code, _, err = run(
        "export", "--format", "jsonl", "--db", str(archive), "--output", "/no/such/dir/a.jsonl"
    )
    assert (
        code == 2
        and err == "scraper: --output: /no/such/dir/a.jsonl: the folder /no/such/dir does not exist\n"
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "warc"])
def test_an_export_that_fails_midway_leaves_the_old_file_and_no_temporary_file(
    archive: Path, tmp_path: Path, fmt: str
) -> None:
    with archive.open("r+b") as damaged:  # the archive ends after its first pages: reading rows fails
        damaged.truncate(8 * 4096)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"export.{fmt}"
    target.write_text("yesterday's export")
    code, _, err = run("export", "--format", fmt, "--db", str(archive), "--output", str(target))
    assert code == 1 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert target.read_text() == "yesterday's export" and list(out_dir.iterdir()) == [target]


def test_an_export_replaces_its_target_whole_with_the_usual_file_mode(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl"
    code, _, _ = run("export", "--format", "jsonl", "--db", str(archive), "--output", str(target))
    umask = os.umask(0)
    os.umask(umask)
    assert code == 0 and len(target.read_text(encoding="utf-8").splitlines()) == 6
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_error_inside_an_atomic_output_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_output(tmp_path / "a.csv") as out:
        out.write(b"half a file")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_demo_archive_leaves_nothing_and_a_finished_one_only_itself(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), fresh_archive(tmp_path / "demo.db") as building:
        Path(f"{building}.lock").write_text("1")
        Path(f"{building}-wal").write_text("")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    code, _, _ = run("demo", "--db", str(tmp_path / "demo.db"), "--quiet")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".lock"]
    assert code == 0 and leftovers == []


def test_the_demo_refuses_an_existing_file(archive: Path) -> None:
    before = digest(archive)
    code, _, err = run("demo", "--db", str(archive))
    assert code == 2 and "already exists" in err and digest(archive) == before


@pytest.mark.parametrize("output", ["", "  "], ids=["empty", "blank"])
def test_an_empty_output_name_is_refused(archive: Path, output: str) -> None:
    with pytest.raises(ConfigError, match="must not be empty"):
        check_output(output, archive)


@settings(max_examples=60, deadline=None)
@given(
    companion=st.sampled_from(["", "-wal", "-shm", "-journal", ".lock"]),
    casing=st.lists(st.booleans(), min_size=30, max_size=30),
    detours=st.lists(st.sampled_from(["sub/..", ".", "sub/./.."]), max_size=3),
)
def test_any_spelling_of_the_archive_or_a_companion_is_refused(
    tmp_path_factory: pytest.TempPathFactory, companion: str, casing: list[bool], detours: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("spell")
    (folder / "sub").mkdir()
    name = "".join(c.upper() if up else c for c, up in zip("archive.db" + companion, casing, strict=False))
    output = folder.joinpath(*detours, name)
    with pytest.raises(ConfigError, match="is the archive"):
        check_output(output, folder / "archive.db")


@settings(max_examples=40, deadline=None)
@given(name=st.from_regex(r"[a-z][a-z0-9_.-]{0,20}", fullmatch=True))
def test_any_other_name_in_the_folder_is_accepted(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    folder = tmp_path_factory.mktemp("other")
    forbidden = {f"archive.db{suffix}" for suffix in ("", "-wal", "-shm", "-journal", ".lock")}
    if name.casefold() in forbidden or name in (".", ".."):
        return
    assert check_output(folder / name, folder / "archive.db") == (folder / name).resolve()


def read_fifo(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader at the FIFO's other end, as `scraper export --output fifo & cat fifo` would have."""

    def drain() -> None:
        with fifo.open("rb") as end:
            into.append(end.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    return reader


@pytest.mark.parametrize(
    "command",
    [["export", "--format", "jsonl"], ["export", "--format", "warc"], ["report"]],
    ids=["jsonl", "warc", "report"],
)
def test_an_output_onto_a_fifo_feeds_it_and_leaves_it_a_fifo(
    archive: Path, tmp_path: Path, command: list[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = read_fifo(fifo, received)
    code, _, err = run(*command, "--db", str(archive), "--output", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and len(received) == 1 and len(received[0]) > 1000
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# Copies of /dev/null (1, 3) and /dev/full (1, 7) made inside tmp_path: the real ones are never the target.
DEVICES = {"null": (1, 3), "full": (1, 7)}


def device(tmp_path: Path, name: str) -> Path:
    """A character device node in tmp_path; the test is skipped where mknod is not allowed."""
    node = tmp_path / f"dev-{name}"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(*DEVICES[name]))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


def test_an_output_onto_a_null_device_writes_through_and_keeps_the_device(
    archive: Path, tmp_path: Path
) -> None:
    null = device(tmp_path, "null")
    code, _, err = run("export", "--format", "csv", "--db", str(archive), "--output", str(null))
    assert (code, err) == (0, "exported 6 articles\n")
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_output_onto_a_full_device_is_disk_full_exit_1(archive: Path, tmp_path: Path) -> None:
    full = device(tmp_path, "full")
    code, _, err = run("export", "--format", "jsonl", "--db", str(archive), "--output", str(full))
    assert code == 1 and err == f"scraper: {full}: disk full (No space left on device)\n"
    assert stat.S_ISCHR(full.stat().st_mode) and full.stat().st_rdev == os.makedev(1, 7)

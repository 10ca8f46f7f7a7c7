"""Files a command writes besides the archive: refused when they would land on the archive, whole or absent.

An output goes to a temporary file in its target folder and is renamed into place only when the command
succeeded: a failed export leaves nothing behind, and never a half-written file under the name asked for.
An existing target that is not a regular file (/dev/null, a FIFO, /dev/stdout, /proc/self/fd/N) is written
to directly: renaming a file over it would replace the device or pipe, not feed it.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any

from .errors import ConfigError

# The files SQLite and the crawl keep beside an archive: writing over any of them damages or unlocks it.
ARCHIVE_COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock")


def check_output(output: str | Path, archive: str | Path, option: str = "--output") -> Path:
    """The output's resolved path; ConfigError when it is empty, in no folder, or the archive or a companion.

    Compared after resolving symlinks and relative parts, ignoring case (a case-insensitive file system
    maps ARCHIVE.DB onto archive.db), and by inode when both exist (hard links).
    """
    target = _target(output, option)
    base = Path(archive).expanduser().resolve()
    for suffix in ARCHIVE_COMPANIONS:
        companion = base.with_name(base.name + suffix)
        if str(target).casefold() == str(companion).casefold() or _same_file(target, companion):
            raise ConfigError(
                option, "", f"{output} is the archive {archive} or one of its files; choose another path"
            )
    return target


def check_new_file(path: str | Path, option: str) -> Path:
    """The resolved path of a file a command creates; ConfigError when it exists or its folder does not."""
    target = _target(path, option)
    if target.exists():
        raise ConfigError(option, "", f"{path} already exists; give the name of a new file")
    return target


def _target(path: str | Path, option: str) -> Path:
    if not str(path).strip():
        raise ConfigError(option, "", "must not be empty")
    if is_special(Path(path).expanduser()):
        # Not resolved: /dev/stdout resolves to a pipe's pseudo-name under /proc, which no open() finds.
        return Path(path).expanduser()
    target = Path(path).expanduser().resolve()
    if not target.parent.is_dir():
        raise ConfigError(option, "", f"{path}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise ConfigError(option, "", f"{path} is a folder; give a file name")
    return target


def is_special(path: Path) -> bool:
    """Whether path exists (symlinks followed) as something other than a regular file or a folder."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def open_output(target: Path | None, text: bool) -> Iterator[IO[Any]]:
    """Stdout when target is None, else an atomic file at target; UTF-8 text (newlines as written) or bytes."""
    sys.stdout.flush()
    try:
        with atomic_output(target) if target else nullcontext(sys.stdout.buffer) as raw:
            if not text:
                yield raw
                return
            wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            yield wrapper
            wrapper.flush()
            wrapper.detach()  # the byte stream stays open: stdout, or the file atomic_output renames
    except OSError as exc:
        # A failed write() names no file (ENOSPC on /dev/full, say): the one-line error should name the output.
        if exc.filename is None and target is not None:
            exc.filename = str(target)
        raise


@contextmanager
def atomic_output(target: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at target, whole, only when the block ends without an error.

    A device, pipe or FIFO at target is written to directly, as a shell's `>` would.
    """
    if is_special(target):
        with target.open("wb") as stream:
            yield stream
        return
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed, then renamed or removed, below
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            yield handle
        os.chmod(handle.name, _mode_for(target))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def fresh_archive(target: Path) -> Iterator[Path]:
    """A temporary archive path beside target, renamed to target on success; its companions always removed.

    The caller must have closed the archive before the block ends; a WAL its last close did not fold into the
    file moves along with it, so no committed write is lost.
    """
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    building = Path(name)
    try:
        yield building
        os.chmod(building, _mode_for(target))
        wal = Path(f"{building}-wal")
        if wal.exists() and wal.stat().st_size:
            os.replace(wal, f"{target}-wal")
        os.replace(building, target)
    finally:
        for suffix in ARCHIVE_COMPANIONS:
            Path(f"{building}{suffix}").unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """The mode a plain open() gives: the existing file's, else 0o666 less the umask (mkstemp makes 0o600)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask

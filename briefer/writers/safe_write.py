"""Writing an export safely: a temporary file beside the target, fsync, then rename.

An existing file is replaced only once the new one is complete, so a crash or an error
half-way never leaves a half-written briefing; the temporary file is removed on failure.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from briefer.domain.errors import BrieferError


class ExportError(BrieferError):
    """An export could not be written; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def check_target(path: Path) -> None:
    """Raise ``ExportError`` now if ``path`` can obviously not be written."""
    if path.is_dir():
        raise ExportError(path, "is a folder; give a file name to export to")
    folder = path.parent
    if not folder.exists():
        raise ExportError(path, f"cannot write: the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(path, f"cannot write: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(path, f"cannot write: the folder {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(path, "cannot write: the file is read-only")


@contextlib.contextmanager
def atomic_target(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path``."""
    target = Path(path).expanduser().absolute()
    check_target(target)
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise ExportError(target, f"cannot write ({exc.strerror or exc})") from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        try:
            _fsync(temp)
            os.replace(temp, target)
        except OSError as exc:  # disk full, target locked by another program…
            raise ExportError(target, f"cannot write ({exc.strerror or exc})") from exc
        _fsync_folder(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable too (POSIX); not possible on Windows, where it is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

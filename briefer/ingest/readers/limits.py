"""Size limits checked before a file is opened, so a huge file fails fast instead of eating memory.

A communiqué is a few kilobytes to a few megabytes; anything far beyond that is not one,
and reading it whole (as every reader does) would exhaust memory on a small machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from briefer.ingest.readers.errors import ReadError

MB = 1024 * 1024

# Largest file accepted per suffix (bytes on disk).
MAX_FILE_BYTES: dict[str, int] = {
    ".txt": 20 * MB,
    ".md": 20 * MB,
    ".html": 20 * MB,
    ".htm": 20 * MB,
    ".docx": 50 * MB,
    ".pdf": 100 * MB,
}

# Largest total uncompressed size of a DOCX package, and largest ratio of any member.
MAX_DOCX_UNCOMPRESSED = 200 * MB
MAX_DOCX_RATIO = 200


def check_size(path: Path) -> None:
    """Refuse empty files and files over the limit for their format."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted?)") from None
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None
    if size == 0:
        raise ReadError("the file is empty")
    limit = MAX_FILE_BYTES.get(path.suffix.lower())
    if limit is not None and size > limit:
        raise ReadError(
            f"the file is too large ({size / MB:.1f} MB; the limit for "
            f"{path.suffix.lower()} files is {limit // MB} MB)"
        )


def read_bytes(path: Path) -> bytes:
    """Read a whole (size-checked) file, turning OS errors into a ``ReadError``."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted?)") from None
    except IsADirectoryError:
        raise ReadError("is a folder, not a file") from None
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None

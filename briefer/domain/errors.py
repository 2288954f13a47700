"""Errors a user can act on.

Every error that reaches the command line or the window is a ``BrieferError``: it
carries one clear line naming the file (or object) and the problem, so the shells
print it instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BrieferError(Exception):
    """A problem the user can understand and fix; ``str()`` is the message to show."""


class ImportFailed(BrieferError):
    """A file could not be imported; nothing of it was stored."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class LibraryError(BrieferError):
    """The library (database) cannot be opened, upgraded or written."""


class NotFound(BrieferError):
    """An id given by the user names nothing in the library."""


class Conflict(BrieferError):
    """Someone else changed the object since it was read (optimistic locking)."""


class Cancelled(BrieferError):
    """The user cancelled a running job."""

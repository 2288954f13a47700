"""The one error readers raise: the reason a file cannot be read, in words a user understands."""

from __future__ import annotations


class ReadError(Exception):
    """The file cannot be read; ``str()`` is the reason (the caller adds the file name)."""

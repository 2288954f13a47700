"""State shared by every command: which library, opened once, on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from briefer.services.library import open_ready_library
from briefer.store.library import Library


@dataclass
class CliContext:
    db: str | None = None
    open_window: Callable[[str | None], int] | None = None
    _library: Library | None = field(default=None, repr=False)

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = open_ready_library(self.db)
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

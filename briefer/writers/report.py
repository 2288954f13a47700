"""What a writer tells its caller: counts and everything it could not lay out as given."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefer.writers.text import describe_chars


class LayoutFailed(Exception):
    """A writer could not lay the document out; ``write_document`` names the target file."""


@dataclass
class WriteReport:
    path: Path
    format: str
    quotes: int = 0
    pages: int | None = None  # known for PDF only; Word paginates when it opens the file
    warnings: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # control characters removed
    dropped_in: list[str] = field(default_factory=list)  # where ("quote 3 (passage 12)")

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def note_dropped(self, where: str, removed: Counter[str]) -> None:
        self.dropped.update(removed)
        self.dropped_in.append(where)

    def finish(self) -> None:
        """Summarise dropped characters in one warning (5,000 quotes must not mean 5,000 lines)."""
        if not self.dropped:
            return
        places = ", ".join(self.dropped_in[:8]) + (
            f" and {len(self.dropped_in) - 8} more" if len(self.dropped_in) > 8 else ""
        )
        self.warn(
            f"dropped {describe_chars(self.dropped)} in {places}: control characters cannot "
            "be stored in the file; 'briefer verify' ignores exactly these"
        )

"""Linking documents to meetings (placeholder: the tagging issue fills this in)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from briefer.store.models import Document
from briefer.tagging.model import MeetingGuess


def attach_meeting(session: Session, document: Document, guess: MeetingGuess | None) -> None:
    """Link ``document`` to the meeting the guess describes, reusing an existing meeting.

    Called by the importer inside the document's transaction, after the document row is
    flushed. A manual correction stored for this content wins over the guess.
    """

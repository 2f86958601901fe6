"""Errors of the coursework exchange, with messages a student understands (Albanian / English).

They are :class:`~mesolab.record.errors.RecordError` subclasses, so the service answers them
as JSON ``{"error": code, "message": text}`` with their HTTP status.
"""

from __future__ import annotations

from ..record.errors import Conflict, Forbidden, NotFound, RecordError, ValidationFailed

__all__ = ["BadBundle", "Conflict", "Forbidden", "NotFound", "SubmissionsClosed", "TooLarge", "bilingual"]


def bilingual(sq: str, en: str) -> str:
    """One message in Albanian, then English (the API's messages are read by students)."""
    return f"{sq} / {en}"


class TooLarge(RecordError):
    """An upload over the configured limit."""

    status = 413
    code = "too-large"


class BadBundle(ValidationFailed):
    """An upload that is not a readable tar.gz, holds unsafe paths or a damaged notebook."""

    code = "bad-submission"


class SubmissionsClosed(Forbidden):
    """The assignment's hard close has passed (or it was withdrawn)."""

    code = "submissions-closed"

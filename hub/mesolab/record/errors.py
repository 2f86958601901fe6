"""Errors of the central record, each mapped to an HTTP status by the service."""

from __future__ import annotations

from ..errors import MesoLabError


class RecordError(MesoLabError):
    """Base of the record's errors; ``code`` is the short machine-readable name in API answers."""

    status = 400
    code = "bad-request"


class NotAuthenticated(RecordError):
    status = 401
    code = "not-authenticated"


class Forbidden(RecordError):
    status = 403
    code = "forbidden"


class NotFound(RecordError):
    status = 404
    code = "not-found"


class Conflict(RecordError):
    status = 409
    code = "conflict"


class ValidationFailed(RecordError):
    """Input that is well-formed but wrong (an unknown school, a date in the wrong order…)."""

    status = 422
    code = "invalid"


class ImportFailed(ValidationFailed):
    """A CSV file that cannot be imported; ``report`` lists the bad rows."""

    code = "import-failed"

    def __init__(self, message: str, report: dict | None = None):
        super().__init__(message)
        self.report = report or {}


class DatabaseError(RecordError):
    """The database is missing, unreachable, not migrated or not empty when it should be."""

    status = 503
    code = "database"

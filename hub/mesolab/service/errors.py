"""Errors as JSON ``{"error": code, "message": text}``: never a stack trace.

Handlers for MësoLab's errors, request validation, database integrity errors (a duplicate
username, a missing referenced row), HTTP errors from routing, and a catch-all 500 that
logs the traceback and answers with a generic message.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import MesoLabError
from ..record.errors import ImportFailed, NotAuthenticated

log = logging.getLogger("mesolab.service")

HTTP_CODES = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
}


def error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "request"


async def mesolab_error(request: Request, exc: MesoLabError):
    auth = request.app.state.authenticator
    if (
        isinstance(exc, NotAuthenticated)
        and request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and request.url.path.startswith(auth.config.api_prefix)
        and auth.connected
    ):
        # a browser without a login: send it through the hub's OAuth
        return RedirectResponse(f"{auth.config.base_url}login?next={quote(request.url.path)}", status_code=302)
    if isinstance(exc, ImportFailed):
        return error(exc.status, exc.code, exc.message, rows=exc.report.get("errors", []))
    return error(exc.status, getattr(exc, "code", "error"), exc.message)


async def validation_error(request: Request, exc: RequestValidationError):
    problems = []
    for e in exc.errors()[:10]:
        problems.append(f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}")
    return error(422, "invalid", "; ".join(problems) or "the request is not valid", details=problems)


async def integrity_error(request: Request, exc: IntegrityError):
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        message = "this would create a duplicate (the username, external id, code or name is already used)"
    elif "foreign key" in text:
        message = "this refers to something that does not exist (or is still referred to)"
    else:
        message = "the change breaks a rule of the record (e.g. a score above the maximum, dates in the wrong order)"
    return error(409, "conflict", message)


async def data_error(request: Request, exc: DataError):
    return error(422, "invalid", "a value is not acceptable to the database (too long, out of range or malformed)")


async def operational_error(request: Request, exc: OperationalError):
    log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
    return error(503, "database", "the database is not available right now; try again in a minute")


async def http_error(request: Request, exc: StarletteHTTPException):
    code = HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such address: {request.url.path} (the API lives under {request.app.state.config.api_prefix}/)"
    return error(exc.status_code, code, message)


async def unexpected_error(request: Request, exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error(
        500, "internal", "something went wrong on our side; it has been logged. Try again, or tell your administrator"
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(MesoLabError, mesolab_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(OperationalError, operational_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)

"""The FastAPI application of the ``mesolab`` service.

:func:`create_app` builds it for a configuration and a database engine: the REST API under
``<prefix>api/v1/`` (OpenAPI at ``<prefix>api/v1/openapi.json``), the OAuth routes at the
prefix, and JSON error handlers. At start-up (the ASGI lifespan) it checks that the
database is migrated and, given settings, syncs the schools table from the settings file.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from .. import __version__ as mesolab_version
from ..coursework.exchange import register_submission_hook
from ..grading import outbox
from ..grading import queue as grading_queue
from ..plans.autograde import evidence_from_graded_job
from ..record import db
from ..record.sync import ensure_schools
from ..settings import Settings
from . import (
    errors,
    routes_admin,
    routes_courses,
    routes_directory,
    routes_exchange,
    routes_grades,
    routes_grading,
    routes_plans,
)
from .auth import Authenticator, oauth_router
from .config import MesoLabService
from .pages import pages_router

log = logging.getLogger("mesolab.service")

# every stored submission is queued for grading, in the transaction that stores it
register_submission_hook(grading_queue.on_submission)
# every graded job adds autograded evidence to the student's learning plan, in the same transaction
grading_queue.register_graded_hook(evidence_from_graded_job)

DESCRIPTION = """The central record of MësoLab: schools, people, courses, enrolments, assignments,
grades and the audit log.

Authenticate with a hub API token (`Authorization: token <token>` or `Bearer <token>`) or,
in a browser, by logging in through the hub. What you see and may change follows from
your hub groups (your school and role). Lists take `limit` and `offset` and answer
`{items, total, limit, offset}`. Errors answer `{"error": code, "message": text}`.
"""


def start(engine: Engine, settings: Settings | None) -> None:
    """Start-up work: the database must be at the migration head; schools follow settings."""
    db.check_current(engine)
    if settings is not None:
        with db.transaction(db.session_factory(engine), actor="mesolab-service") as session:
            for change in ensure_schools(session, settings):
                log.info("%s", change)


def create_app(config: MesoLabService, engine: Engine, settings: Settings | None = None, authenticator=None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        start(engine, settings)
        # graded results reach the central record through the outbox, delivered in the background
        deliverer = asyncio.create_task(outbox.run_forever(app.state.sessions, config.deliver_every))
        try:
            yield
        finally:
            deliverer.cancel()

    api = config.api_prefix
    app = FastAPI(
        title="MësoLab central record",
        version=mesolab_version,
        description=DESCRIPTION,
        openapi_url=f"{api}/openapi.json",
        docs_url=f"{api}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.engine = engine
    app.state.settings = settings
    app.state.sessions = db.session_factory(engine)
    app.state.authenticator = authenticator or Authenticator(config)
    errors.install(app)
    for module in (
        routes_directory,
        routes_courses,
        routes_grades,
        routes_admin,
        routes_plans,
        routes_exchange,
        routes_grading,
    ):
        app.include_router(
            module.router,
            prefix=api,
            responses={
                401: {"model": routes_admin.ErrorOut, "description": "Not logged in"},
                403: {"model": routes_admin.ErrorOut, "description": "Not allowed"},
                404: {"model": routes_admin.ErrorOut, "description": "Not found (or not yours to see)"},
            },
        )
    app.include_router(oauth_router(), prefix=config.base_url.rstrip("/"))
    app.include_router(pages_router(), prefix=config.base_url.rstrip("/"))
    return app

"""FastAPI dependencies shared by the routes: database session, caller, pagination."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..record import db
from ..record.errors import Forbidden
from .auth import current_user
from .permissions import Principal, principal_from_user

MAX_LIMIT = 500


def get_session(request: Request, user: Annotated[dict, Depends(current_user)]) -> Iterator[Session]:
    """A session whose changes are audited as the caller's; routes commit explicitly."""
    with request.app.state.sessions() as session:
        session.info["actor"] = user.get("name") or "unknown"
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            db.for_writing(session)
        yield session


def get_principal(request: Request, user: Annotated[dict, Depends(current_user)]) -> Principal:
    config = request.app.state.config
    principal = principal_from_user(user, config.trusted_services, config.grader_services)
    if principal.role is None and "/grading/" not in request.url.path:
        # grading workers use the /grading worker endpoints and nothing else
        raise Forbidden(f"the hub service {principal.username!r} may only take grading jobs")
    return principal


@dataclass
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1–500).")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


SessionDep = Annotated[Session, Depends(get_session)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
PagingDep = Annotated[Paging, Depends(paging)]


def page(session: Session, model, conditions: list[ColumnElement[bool]], order, paging: Paging, convert=None) -> dict:
    """``{items, total, limit, offset}`` of ``model`` rows matching ``conditions``."""
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    rows = session.scalars(select(model).where(*conditions).order_by(*order).limit(paging.limit).offset(paging.offset))
    rows = rows.unique().all()
    return {
        "items": [convert(r) for r in rows] if convert else rows,
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
    }

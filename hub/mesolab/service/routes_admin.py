"""Administration endpoints: ``/audit`` (read the log) and ``/import/{kind}`` (CSV import)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from ..record.csvimport import run_import
from ..record.errors import ValidationFailed
from ..record.models import AuditEntry
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import audit_visible, import_scope
from .schemas import AuditOut, ErrorOut, ImportReportOut, Page, SchoolId, Username

router = APIRouter()
MAX_CSV_BYTES = 20 * 1024 * 1024
Entity = Literal[
    "school",
    "person",
    "course",
    "enrolment",
    "assignment",
    "grade",
    # learning plans (mesolab.plans.models)
    "competency-framework",
    "competency",
    "plan-template",
    "learning-plan",
    "plan-competency",
    "plan-goal",
    "plan-evidence",
    "plan-review",
    "competency-mapping",
]


@router.get(
    "/audit",
    response_model=Page[AuditOut],
    tags=["audit"],
    summary="Read the audit log (administrators; school admins see their school)",
)
def list_audit(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query()] = None,
    entity: Annotated[Entity | None, Query(description="Kind of record changed.")] = None,
    entity_id: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = None,
    actor: Annotated[Username | None, Query(description="Only changes made by this hub user or service.")] = None,
):
    conditions = [audit_visible(principal)]
    if school:
        conditions.append(AuditEntry.school_id == school)
    if entity:
        conditions.append(AuditEntry.entity == entity)
    if entity_id:
        conditions.append(AuditEntry.entity_id == entity_id)
    if actor:
        conditions.append(AuditEntry.actor == actor)
    return page(session, AuditEntry, conditions, [AuditEntry.id.desc()], paging)


CSV_BODY = {
    "requestBody": {
        "required": True,
        "description": "The CSV file, UTF-8 (with or without BOM), separated by ';' or ','. Columns: see docs/record.md.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/import/{kind}",
    response_model=ImportReportOut,
    tags=["import"],
    summary="Import people or enrolments from CSV (administrators); dry_run reports every bad row",
    openapi_extra=CSV_BODY,
    responses={
        422: {"model": ErrorOut, "description": "Bad rows (with 'rows': line, column, message); nothing imported"}
    },
)
async def import_csv(
    kind: Literal["people", "enrolments"],
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description="Only check the file and report; change nothing.")] = False,
    school: Annotated[
        SchoolId | None, Query(description="The school every row belongs to (fills empty cells).")
    ] = None,
):
    allowed = import_scope(principal)
    data = await request.body()
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailed(f"the file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB: split it")

    def work() -> dict:
        report = run_import(session, kind, data, dry_run=dry_run, school=school, allowed_schools=allowed)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        return report.as_dict()

    return await run_in_threadpool(work)

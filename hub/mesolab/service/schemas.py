"""Request and response models of the REST API (pydantic).

Every string has a length limit matching its column and no control characters, so bad
input is refused with a 422 that names the field instead of reaching the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..record.models import CODE_LEN, EVENT_ID_LEN, NAME_LEN, USERNAME_LEN

T = TypeVar("T")

# No control characters (PostgreSQL refuses NUL; none belong in names).
TEXT = r"^[^\x00-\x1f\x7f]*$"
Username = Annotated[str, Field(min_length=1, max_length=USERNAME_LEN, pattern=r"^[a-z0-9][a-z0-9._@-]*$")]
SchoolId = Annotated[str, Field(min_length=1, max_length=CODE_LEN, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Code = Annotated[str, Field(min_length=1, max_length=CODE_LEN, pattern=r"^[^\x00-\x1f\x7f\s]+$")]
Name = Annotated[str, Field(min_length=1, max_length=NAME_LEN, pattern=TEXT)]
Score = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
MaxScore = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
Role = Literal["national-admin", "school-admin", "teacher", "trainer", "student"]
EnrolmentRole = Literal["student", "teacher", "trainer"]
Year = Annotated[int, Field(ge=2000, le=2100)]
Term = Annotated[int, Field(ge=1, le=4)]
Day = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2200, 12, 31))]
Moment = Annotated[
    dt.datetime, Field(ge=dt.datetime(1900, 1, 1, tzinfo=dt.UTC), le=dt.datetime(2200, 1, 1, tzinfo=dt.UTC))
]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` matching, and the ``limit`` and ``offset`` used."""

    items: list[T]
    total: int
    limit: int
    offset: int


class ErrorOut(BaseModel):
    error: str = Field(description="Short machine-readable code, e.g. not-found, forbidden, invalid.")
    message: str = Field(description="What went wrong and what to do about it.")


class SchoolOut(Out):
    id: str
    name_sq: str
    name_en: str
    language: str
    timezone: str
    active: bool


class PersonOut(Out):
    id: int
    username: str
    external_id: str | None
    first_name: str
    last_name: str
    display_name: str
    school_id: str | None
    role: str
    active: bool


class MeOut(BaseModel):
    username: str
    kind: str
    role: str | None
    school: SchoolOut | None
    person: PersonOut | None


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    first_name: Name
    last_name: Name
    school_id: SchoolId | None = None
    role: Role
    external_id: Name | None = None


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: Name | None = None
    last_name: Name | None = None
    school_id: SchoolId | None = None
    role: Role | None = None
    external_id: Name | None = None
    active: bool | None = None


class CourseOut(Out):
    id: int
    school_id: str
    code: str
    name: str
    qualification_code: str
    year: int
    term: int


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    school_id: SchoolId
    code: Code
    name: Name
    qualification_code: Code
    year: Year
    term: Term = 1


class CourseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    qualification_code: Code | None = None
    year: Year | None = None
    term: Term | None = None


class EnrolmentOut(Out):
    id: int
    person_id: int
    username: str
    course_id: int
    course_code: str
    school_id: str
    role: str
    active_from: dt.date
    active_until: dt.date | None


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    course_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    role: EnrolmentRole
    active_from: Day
    active_until: Day | None = None


class EnrolmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active_from: Day | None = None
    active_until: Day | None = None


class AssignmentOut(Out):
    id: int
    course_id: int
    name: str
    due_at: dt.datetime | None
    max_score: float


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Name
    due_at: Moment | None = None
    max_score: MaxScore = 100.0


class AssignmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    due_at: Moment | None = None
    max_score: MaxScore | None = None


class GradeOut(Out):
    id: int
    student_id: int
    student: str
    assignment_id: int
    course_id: int
    score: float
    max_score: float
    source: str
    graded_at: dt.datetime
    graded_by: str
    version: int
    event_id: str | None


class GradeEventIn(BaseModel):
    """A grade event: ``event_id`` makes delivery idempotent, ``version`` orders changes."""

    model_config = ConfigDict(extra="forbid")
    event_id: Annotated[str, Field(min_length=1, max_length=EVENT_ID_LEN, pattern=r"^[^\x00-\x1f\x7f\s]+$")]
    student: Username
    assignment_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    score: Score
    max_score: MaxScore | None = None
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] = 1
    source: Annotated[str, Field(min_length=1, max_length=CODE_LEN, pattern=TEXT)] = "api"
    graded_at: Moment | None = None


class GradeEventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: Annotated[list[GradeEventIn], Field(min_length=1, max_length=5000)]


class GradeEventResult(BaseModel):
    event_id: str
    outcome: Literal["applied", "duplicate", "stale"] = Field(
        description="applied: the grade changed; duplicate: already received; stale: a newer version is kept."
    )
    grade: GradeOut | None = None


class GradeSet(BaseModel):
    """A teacher's manual grade: stored as a new version of the current grade."""

    model_config = ConfigDict(extra="forbid")
    student: Username
    assignment_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    score: Score
    max_score: MaxScore | None = None


class AuditOut(Out):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    school_id: str | None
    before: dict | None
    after: dict | None


class ImportRowError(BaseModel):
    line: int | None
    column: str | None
    message: str


class ImportReportOut(BaseModel):
    kind: str
    dry_run: bool
    ok: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowError]

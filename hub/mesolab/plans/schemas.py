"""Request and response models of the learning-plan API (pydantic), with the record's limits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..record.models import NAME_LEN
from ..service.schemas import TEXT, Code, Day, Name, Out, SchoolId, Username
from .models import MAX_ATTACHMENT_BYTES, REFERENCE_LEN, TEXT_LEN

PlanStatus = Literal["draft", "active", "in_review", "complete"]
ReviewStatus = Literal["idle", "waiting_for_review", "in_review", "reviewed"]
Level = Annotated[int, Field(ge=0, le=10)]
LongText = Annotated[str, Field(max_length=TEXT_LEN)]
Reference = Annotated[str, Field(max_length=REFERENCE_LEN, pattern=TEXT)]
GradeId = Annotated[str, Field(min_length=1, max_length=NAME_LEN, pattern=r"^[^\x00-\x1f\x7f]+$")]
# base64 of at most MAX_ATTACHMENT_BYTES
Base64 = Annotated[str, Field(max_length=(MAX_ATTACHMENT_BYTES * 4) // 3 + 8, pattern=r"^[A-Za-z0-9+/=\s]*$")]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- frameworks ---------------------------------------------------------------------------


class ScaleLevel(In):
    level: Level
    sq: Name
    en: Name


class CompetencyIn(In):
    code: Code
    title_sq: Name
    title_en: Name
    description_sq: LongText = ""
    description_en: LongText = ""
    position: Annotated[int, Field(ge=0, le=10_000)] = 0


class CompetencyUpdate(In):
    title_sq: Name | None = None
    title_en: Name | None = None
    description_sq: LongText | None = None
    description_en: LongText | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None


class CompetencyOut(Out):
    id: int
    framework_id: int
    code: str
    title_sq: str
    title_en: str
    description_sq: str
    description_en: str
    position: int


def _check_scale(scale: list[ScaleLevel] | None) -> None:
    if scale is not None:
        levels = [s.level for s in scale]
        if levels != list(range(len(levels))) or len(levels) < 2:
            raise ValueError("scale levels must be 0, 1, 2, … in order (at least two)")


class FrameworkCreate(In):
    qualification_code: Code
    name_sq: Name
    name_en: Name
    scale: list[ScaleLevel] | None = Field(None, max_length=11, description="Levels 0..n (default 0–4).")
    competencies: list[CompetencyIn] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _scale(self):
        _check_scale(self.scale)
        return self


class FrameworkUpdate(In):
    name_sq: Name | None = None
    name_en: Name | None = None
    scale: list[ScaleLevel] | None = Field(None, max_length=11)

    @model_validator(mode="after")
    def _scale(self):
        _check_scale(self.scale)
        return self


class FrameworkOut(Out):
    id: int
    qualification_code: str
    name_sq: str
    name_en: str
    scale: list[dict]
    competencies: list[CompetencyOut]


# --- templates ----------------------------------------------------------------------------


class TemplateCompetency(In):
    code: Code
    target: Level = 3


class TemplateGoal(In):
    title: Name
    competency: Code | None = None
    due_in_days: Annotated[int, Field(ge=0, le=3650)] | None = None


class TemplateCreate(In):
    school_id: SchoolId | None = Field(None, description="Empty: a national template (national admins).")
    qualification_code: Code
    name: Name
    description: LongText = ""
    competencies: list[TemplateCompetency] = Field(default_factory=list, max_length=200)
    goals: list[TemplateGoal] = Field(default_factory=list, max_length=200)


class TemplateUpdate(In):
    name: Name | None = None
    description: LongText | None = None
    competencies: list[TemplateCompetency] | None = Field(None, max_length=200)
    goals: list[TemplateGoal] | None = Field(None, max_length=200)


class TemplateOut(Out):
    id: int
    school_id: str | None
    framework_id: int
    qualification_code: str
    name: str
    description: str
    competencies: list[dict]
    goals: list[dict]


class AssignIn(In):
    course_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    qualification_code: Code | None = None
    school_id: SchoolId | None = Field(None, description="With a qualification: only this school's students.")

    @model_validator(mode="after")
    def _one(self):
        if (self.course_id is None) == (self.qualification_code is None):
            raise ValueError("give exactly one of course_id or qualification_code")
        return self


class AssignOut(BaseModel):
    template_id: int
    created: list[str]
    skipped: dict[str, str]


# --- plans --------------------------------------------------------------------------------


class EvidenceOut(Out):
    id: int
    plan_competency_id: int
    kind: str
    title: str
    reference: str
    text: str
    score: float | None
    max_score: float | None
    filename: str | None
    content_type: str | None
    size: int
    created_by: str
    created_at: dt.datetime


class ReviewOut(Out):
    id: int
    reviewer: str
    rating: int | None
    comment: str
    approved: bool
    created_at: dt.datetime


class PlanCompetencyOut(BaseModel):
    id: int
    competency_id: int
    code: str
    title_sq: str
    title_en: str
    description_sq: str
    description_en: str
    target: int
    rating: int | None
    suggested_rating: float | None
    review_status: ReviewStatus
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]


class GoalOut(Out):
    id: int
    plan_competency_id: int | None
    title: str
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None


class PlanSummary(BaseModel):
    id: int
    student: str
    student_name: str
    school_id: str
    course_id: int | None
    qualification_code: str
    template_id: int | None
    title: str
    status: PlanStatus
    waiting_for_review: int
    updated_at: dt.datetime


class PlanOut(PlanSummary):
    framework: dict
    competencies: list[PlanCompetencyOut]
    goals: list[GoalOut]


class PlanCreate(In):
    student: Username
    template_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    course_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    status: PlanStatus = "active"


class PlanUpdate(In):
    title: Name | None = None
    status: PlanStatus | None = None


class GoalCreate(In):
    title: Name
    due_on: Day | None = None
    plan_competency_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class GoalUpdate(In):
    title: Name | None = None
    due_on: Day | None = None
    done: bool | None = None


class EvidenceCreate(In):
    plan_competency_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    kind: Literal["attachment", "note"] = Field(
        description="attachment: a notebook or file of the student; note: a teacher's note."
    )
    title: Name
    reference: Reference = ""
    text: LongText = ""
    filename: Name | None = None
    content_type: Annotated[str, Field(max_length=100, pattern=r"^[\w.+/-]+$")] | None = None
    content_base64: Base64 | None = Field(None, description="The file, base64-encoded (at most 2 MiB).")


class ReviewCreate(In):
    rating: Level | None = None
    comment: LongText = ""
    approved: bool = False


# --- mappings and the class overview -------------------------------------------------------


class MappingCreate(In):
    assignment_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    grade_id: GradeId
    competency_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    weight: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = 1.0


class MappingOut(BaseModel):
    id: int
    assignment_id: int
    course_id: int
    grade_id: str
    competency_id: int
    competency_code: str
    weight: float


class OverviewCell(BaseModel):
    rating: int | None
    suggested_rating: float | None
    target: int
    review_status: ReviewStatus


class OverviewRow(BaseModel):
    student: str
    student_name: str
    plan_id: int | None
    cells: dict[str, OverviewCell]


class OverviewOut(BaseModel):
    course_id: int
    course_code: str
    max_level: int
    competencies: list[dict] = Field(description="{code, title_sq, title_en} in plan order.")
    students: list[OverviewRow]

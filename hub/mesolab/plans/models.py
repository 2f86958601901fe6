"""The tables of individual learning plans (on the central record's ``Base``).

* a :class:`Framework` is the competency framework of one VET qualification, with a
  proficiency ``scale`` (levels 0..n with Albanian and English labels) and its
  :class:`Competency` rows (code, title and description in both languages);
* a :class:`PlanTemplate` (of a school, or national when ``school_id`` is empty) picks
  competencies of a framework with a target level, and goals;
* a :class:`Plan` is one student's plan for one framework (status draft, active,
  in_review, complete), with a :class:`PlanCompetency` per competency (rating, suggested
  rating from autograded evidence, review status), :class:`Goal` rows, :class:`Evidence`
  (autograded result, attached notebook or file — content stored in the row up to
  :data:`MAX_ATTACHMENT_BYTES` — or a teacher's note) and teachers' :class:`Review` rows;
* a :class:`CompetencyMapping` links an nbgrader grade id of an assignment to a competency.

``mesolab.record.models`` imports this module at its end, so the tables are part of the
record's metadata, its backups (:data:`~mesolab.record.models.TABLES_IN_ORDER`) and its
audit log (:data:`~mesolab.record.audit.ENTITY`, with the school of each row).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..record.models import (
    CODE_LEN,
    NAME_LEN,
    TABLES_IN_ORDER,
    USERNAME_LEN,
    Assignment,
    Base,
    Course,
    Person,
    UTCDateTime,
    _in,
    utcnow,
)

PLAN_STATUSES = ("draft", "active", "in_review", "complete")
REVIEW_STATUSES = ("idle", "waiting_for_review", "in_review", "reviewed")
EVIDENCE_KINDS = ("autograded", "attachment", "note")
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
TEXT_LEN = 4000
REFERENCE_LEN = 400

DEFAULT_SCALE = [
    {"level": 0, "sq": "Ende jo", "en": "Not yet"},
    {"level": 1, "sq": "Fillestar", "en": "Beginner"},
    {"level": 2, "sq": "Në zhvillim", "en": "Developing"},
    {"level": 3, "sq": "I aftë", "en": "Competent"},
    {"level": 4, "sq": "I shkëlqyer", "en": "Excellent"},
]


class Audited:
    """Rows audited by :mod:`mesolab.record.audit` under ``__audit_entity__``, scoped to their school."""

    __audit_entity__ = "plan-row"

    def audit_school(self, session: Session) -> str | None:
        return _school_of(session, self)


class Stamped:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Framework(Stamped, Audited, Base):
    """The competency framework of one VET qualification (national)."""

    __audit_entity__ = "competency-framework"

    __tablename__ = "competency_frameworks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    qualification_code: Mapped[str] = mapped_column(String(CODE_LEN), unique=True)
    name_sq: Mapped[str] = mapped_column(String(NAME_LEN))
    name_en: Mapped[str] = mapped_column(String(NAME_LEN))
    scale: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_SCALE))

    competencies: Mapped[list[Competency]] = relationship(
        order_by="Competency.position, Competency.id", viewonly=True, lazy="selectin"
    )

    @property
    def max_level(self) -> int:
        return max((int(s["level"]) for s in self.scale or DEFAULT_SCALE), default=4)


class Competency(Stamped, Audited, Base):
    """One competency of a framework: a code, title and description in Albanian and English."""

    __audit_entity__ = "competency"

    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("competency_frameworks.id"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_LEN))
    title_sq: Mapped[str] = mapped_column(String(NAME_LEN))
    title_en: Mapped[str] = mapped_column(String(NAME_LEN))
    description_sq: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanTemplate(Stamped, Audited, Base):
    """A set of competencies (with target levels) and goals; ``school_id`` empty: national.

    ``competencies`` is a list of ``{"code", "target"}``; ``goals`` a list of
    ``{"title", "competency" (a code or null), "due_in_days" (or null)}``.
    """

    __audit_entity__ = "plan-template"

    __tablename__ = "plan_templates"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[str | None] = mapped_column(ForeignKey("schools.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("competency_frameworks.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    description: Mapped[str] = mapped_column(Text, default="")
    competencies: Mapped[list] = mapped_column(JSON, default=list)
    goals: Mapped[list] = mapped_column(JSON, default=list)

    framework: Mapped[Framework] = relationship(lazy="joined", viewonly=True)


class Plan(Stamped, Audited, Base):
    """One student's plan for one framework (at most one per student and framework)."""

    __audit_entity__ = "learning-plan"

    __tablename__ = "learning_plans"
    __table_args__ = (
        UniqueConstraint("student_id", "framework_id"),
        CheckConstraint(_in("status", PLAN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    school_id: Mapped[str] = mapped_column(ForeignKey("schools.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("competency_frameworks.id"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("plan_templates.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    status: Mapped[str] = mapped_column(String(20), default="active")

    student: Mapped[Person] = relationship(lazy="joined", viewonly=True)
    framework: Mapped[Framework] = relationship(lazy="joined", viewonly=True)
    course: Mapped[Course | None] = relationship(lazy="joined", viewonly=True)
    competencies: Mapped[list[PlanCompetency]] = relationship(
        order_by="PlanCompetency.position, PlanCompetency.id", viewonly=True, lazy="selectin"
    )
    goals: Mapped[list[Goal]] = relationship(
        order_by=lambda: [Goal.due_on.is_(None), Goal.due_on, Goal.id], viewonly=True, lazy="selectin"
    )


class PlanCompetency(Stamped, Audited, Base):
    """A competency in a plan: target, teacher's rating, suggested rating, review status."""

    __audit_entity__ = "plan-competency"

    __tablename__ = "plan_competencies"
    __table_args__ = (
        UniqueConstraint("plan_id", "competency_id"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[int] = mapped_column(Integer, default=3)
    rating: Mapped[int | None] = mapped_column(Integer)
    suggested_rating: Mapped[float | None] = mapped_column(Float)
    review_status: Mapped[str] = mapped_column(String(24), default="idle")

    competency: Mapped[Competency] = relationship(lazy="joined", viewonly=True)
    evidence: Mapped[list[Evidence]] = relationship(order_by="Evidence.id", viewonly=True, lazy="selectin")
    reviews: Mapped[list[Review]] = relationship(order_by="Review.id", viewonly=True, lazy="selectin")


class Goal(Stamped, Audited, Base):
    """A goal of a plan, optionally tied to one of its competencies, with a due date."""

    __audit_entity__ = "plan-goal"

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id"), index=True)
    plan_competency_id: Mapped[int | None] = mapped_column(ForeignKey("plan_competencies.id"))
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Evidence(Audited, Base):
    """Evidence for a competency of a plan: an autograded result, an attachment or a note.

    ``reference`` says where it comes from (``course/assignment#grade_id``, a notebook path);
    attachments may carry their ``content`` (at most :data:`MAX_ATTACHMENT_BYTES`).
    """

    __audit_entity__ = "plan-evidence"

    __tablename__ = "plan_evidence"
    __table_args__ = (
        CheckConstraint(_in("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint(f"size <= {MAX_ATTACHMENT_BYTES}", name="size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id"), index=True)
    plan_competency_id: Mapped[int] = mapped_column(ForeignKey("plan_competencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    reference: Mapped[str] = mapped_column(String(REFERENCE_LEN), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    filename: Mapped[str | None] = mapped_column(String(NAME_LEN))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Review(Audited, Base):
    """A teacher's review of a competency in a plan: rating, comment, approved or not."""

    __audit_entity__ = "plan-review"

    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_competency_id: Mapped[int] = mapped_column(ForeignKey("plan_competencies.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(USERNAME_LEN))
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompetencyMapping(Stamped, Audited, Base):
    """An autograded cell (nbgrader grade id) of an assignment counts as evidence for a competency."""

    __audit_entity__ = "competency-mapping"

    __tablename__ = "competency_mappings"
    __table_args__ = (
        UniqueConstraint("assignment_id", "grade_id", "competency_id"),
        CheckConstraint("weight > 0", name="weight"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    grade_id: Mapped[str] = mapped_column(String(NAME_LEN))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)
    competency: Mapped[Competency] = relationship(lazy="joined", viewonly=True)


PLAN_TABLES = [
    Framework.__table__,
    Competency.__table__,
    PlanTemplate.__table__,
    Plan.__table__,
    PlanCompetency.__table__,
    Goal.__table__,
    Evidence.__table__,
    Review.__table__,
    CompetencyMapping.__table__,
]
# Backups dump and restore the plan tables after the record's own (their parents).
TABLES_IN_ORDER.extend(t for t in PLAN_TABLES if t not in TABLES_IN_ORDER)


# --- the audit log: the school of each row ----------------------------------------------


def _school_of(session: Session, obj) -> str | None:
    """The school of a plan row (None for national frameworks, competencies and templates)."""
    with session.no_autoflush:
        if isinstance(obj, Plan | PlanTemplate):
            return obj.school_id
        if isinstance(obj, Framework | Competency):
            return None
        if isinstance(obj, CompetencyMapping):
            assignment = session.get(Assignment, obj.assignment_id)
            course = session.get(Course, assignment.course_id) if assignment else None
            return course.school_id if course else None
        plan_id = getattr(obj, "plan_id", None)
        if plan_id is None and getattr(obj, "plan_competency_id", None) is not None:
            pc = session.get(PlanCompetency, obj.plan_competency_id)
            plan_id = pc.plan_id if pc else None
        plan = session.get(Plan, plan_id) if plan_id is not None else None
        return plan.school_id if plan else None

"""Initial schema: schools, people, courses, enrolments, assignments, grades.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

from mesolab.record.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROLES = "role IN ('national-admin', 'school-admin', 'teacher', 'trainer', 'student')"


def _stamps():
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name_sq", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("external_id", sa.String(200), nullable=True, unique=True),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("school_id", sa.String(40), sa.ForeignKey("schools.id"), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.CheckConstraint(ROLES, name="role"),
        sa.CheckConstraint("role = 'national-admin' OR school_id IS NOT NULL", name="school_needed"),
    )
    op.create_index("ix_people_school_role", "people", ["school_id", "role"])
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("school_id", sa.String(40), sa.ForeignKey("schools.id"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("qualification_code", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("term", sa.Integer(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("school_id", "code"),
        sa.CheckConstraint("term BETWEEN 1 AND 4", name="term"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )
    op.create_index("ix_courses_school_id", "courses", ["school_id"])
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_until", sa.Date(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("person_id", "course_id", "role"),
        sa.CheckConstraint("role IN ('student', 'teacher', 'trainer')", name="role"),
        sa.CheckConstraint("active_until IS NULL OR active_until >= active_from", name="dates"),
    )
    op.create_index("ix_enrolments_person_id", "enrolments", ["person_id"])
    op.create_index("ix_enrolments_course_id", "enrolments", ["course_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("course_id", "name"),
        sa.CheckConstraint("max_score > 0", name="max_score"),
    )
    op.create_index("ix_assignments_course_id", "assignments", ["course_id"])
    op.create_table(
        "grades",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignments.id"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("graded_at", UTCDateTime(), nullable=False),
        sa.Column("graded_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("student_id", "assignment_id"),
        sa.CheckConstraint("score >= 0 AND score <= max_score", name="score"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_grades_student_id", "grades", ["student_id"])
    op.create_index("ix_grades_assignment_id", "grades", ["assignment_id"])


def downgrade() -> None:
    for table in ("grades", "assignments", "enrolments", "courses", "people", "schools"):
        op.drop_table(table)

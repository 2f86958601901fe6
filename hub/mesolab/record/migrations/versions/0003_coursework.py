"""Coursework exchange: late policies, releases, source versions, submission attempts, feedback.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03

The files themselves live in the exchange's storage (see :mod:`mesolab.coursework.storage`);
these tables hold what was stored, by whom, when (server time) and under which key.
"""

import sqlalchemy as sa
from alembic import op

from mesolab.record.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LATE_POLICIES = "late_policy IN ('accept', 'zero', 'penalty')"


def _stored():
    """The columns describing one stored object."""
    return [
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("checksum", sa.String(80), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
    ]


def _work(name: str):
    """course, assignment and version/attempt columns shared by the file tables."""
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignments.id"), nullable=False),
        sa.Column(name, sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "assignment_policies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignments.id"), nullable=False, unique=True),
        sa.Column("late_policy", sa.String(20), nullable=False),
        sa.Column("penalty_per_day", sa.Float(), nullable=False),
        sa.Column("hard_close_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(LATE_POLICIES, name="late_policy"),
        sa.CheckConstraint("penalty_per_day >= 0 AND penalty_per_day <= 100", name="penalty"),
    )
    op.create_table(
        "coursework_releases",
        *_work("version"),
        sa.Column("released_by", sa.String(100), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=False),
        *_stored(),
        sa.Column("notebooks", sa.JSON(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("assignment_id", "version"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_coursework_releases_course_id", "coursework_releases", ["course_id"])
    op.create_table(
        "coursework_sources",
        *_work("version"),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        *_stored(),
        sa.UniqueConstraint("assignment_id", "version"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_coursework_sources_course_id", "coursework_sources", ["course_id"])
    op.create_table(
        "coursework_submissions",
        *_work("attempt"),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        *_stored(),
        sa.Column("notebooks", sa.JSON(), nullable=False),
        sa.Column("release_version", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("seconds_late", sa.Integer(), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("late_policy", sa.String(20), nullable=False),
        sa.Column("penalty_percent", sa.Float(), nullable=False),
        sa.UniqueConstraint("assignment_id", "student_id", "attempt"),
        sa.CheckConstraint("attempt >= 1", name="attempt"),
        sa.CheckConstraint("penalty_percent >= 0 AND penalty_percent <= 100", name="penalty"),
    )
    op.create_index("ix_coursework_submissions_course_id", "coursework_submissions", ["course_id"])
    op.create_index("ix_coursework_submissions_student", "coursework_submissions", ["assignment_id", "student_id"])
    op.create_table(
        "coursework_feedback",
        *_work("version"),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("coursework_submissions.id"), nullable=False),
        sa.Column("released_by", sa.String(100), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=False),
        *_stored(),
        sa.UniqueConstraint("submission_id", "version"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_coursework_feedback_course_id", "coursework_feedback", ["course_id"])
    op.create_index("ix_coursework_feedback_student", "coursework_feedback", ["assignment_id", "student_id"])


def downgrade() -> None:
    for table in (
        "coursework_feedback",
        "coursework_submissions",
        "coursework_sources",
        "coursework_releases",
        "assignment_policies",
    ):
        op.drop_table(table)

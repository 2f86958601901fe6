"""Grading queue and grade outbox (see :mod:`mesolab.grading.models`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from mesolab.record.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grading_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("coursework_submissions.id"), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignments.id"), nullable=False),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("worker", sa.String(100), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("autograded_key", sa.String(400), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'graded', 'failed')", name="status"),
    )
    op.create_index("ix_grading_jobs_claim", "grading_jobs", ["status", "id"])
    op.create_index("ix_grading_jobs_assignment", "grading_jobs", ["assignment_id", "status"])
    op.create_index("ix_grading_jobs_submission_id", "grading_jobs", ["submission_id"])
    op.create_table(
        "grade_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("grading_jobs.id"), nullable=False, unique=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_grade_outbox_pending", "grade_outbox", ["delivered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_grade_outbox_pending", table_name="grade_outbox")
    op.drop_table("grade_outbox")
    op.drop_index("ix_grading_jobs_submission_id", table_name="grading_jobs")
    op.drop_index("ix_grading_jobs_assignment", table_name="grading_jobs")
    op.drop_index("ix_grading_jobs_claim", table_name="grading_jobs")
    op.drop_table("grading_jobs")

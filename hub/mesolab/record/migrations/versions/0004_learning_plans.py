"""Individual learning plans: competency frameworks, templates, plans, goals, evidence, reviews,
and the mapping of autograded cells to competencies (see :mod:`mesolab.plans.models`).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

import sqlalchemy as sa
from alembic import op

from mesolab.record.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024


def _stamps():
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "competency_frameworks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("qualification_code", sa.String(40), nullable=False, unique=True),
        sa.Column("name_sq", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("scale", sa.JSON(), nullable=False),
        *_stamps(),
    )
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("framework_id", sa.Integer(), sa.ForeignKey("competency_frameworks.id"), nullable=False, index=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("title_sq", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("description_sq", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("framework_id", "code"),
    )
    op.create_table(
        "plan_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("school_id", sa.String(40), sa.ForeignKey("schools.id"), nullable=True, index=True),
        sa.Column("framework_id", sa.Integer(), sa.ForeignKey("competency_frameworks.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("school_id", "name"),
    )
    op.create_table(
        "learning_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("school_id", sa.String(40), sa.ForeignKey("schools.id"), nullable=False, index=True),
        sa.Column("framework_id", sa.Integer(), sa.ForeignKey("competency_frameworks.id"), nullable=False),
        sa.Column("template_id", sa.Integer(), sa.ForeignKey("plan_templates.id"), nullable=True),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("student_id", "framework_id"),
        sa.CheckConstraint("status IN ('draft', 'active', 'in_review', 'complete')", name="status"),
    )
    op.create_table(
        "plan_competencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("learning_plans.id"), nullable=False, index=True),
        sa.Column("competency_id", sa.Integer(), sa.ForeignKey("competencies.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("suggested_rating", sa.Float(), nullable=True),
        sa.Column("review_status", sa.String(24), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("plan_id", "competency_id"),
        sa.CheckConstraint(
            "review_status IN ('idle', 'waiting_for_review', 'in_review', 'reviewed')", name="review_status"
        ),
    )
    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("learning_plans.id"), nullable=False, index=True),
        sa.Column("plan_competency_id", sa.Integer(), sa.ForeignKey("plan_competencies.id"), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        *_stamps(),
    )
    op.create_table(
        "plan_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("learning_plans.id"), nullable=False, index=True),
        sa.Column(
            "plan_competency_id", sa.Integer(), sa.ForeignKey("plan_competencies.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        *_stamps(),
        sa.CheckConstraint("kind IN ('autograded', 'attachment', 'note')", name="kind"),
        sa.CheckConstraint(f"size <= {MAX_ATTACHMENT_BYTES}", name="size"),
    )
    op.create_table(
        "plan_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_competency_id", sa.Integer(), sa.ForeignKey("plan_competencies.id"), nullable=False, index=True
        ),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "competency_mappings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignments.id"), nullable=False, index=True),
        sa.Column("grade_id", sa.String(200), nullable=False),
        sa.Column("competency_id", sa.Integer(), sa.ForeignKey("competencies.id"), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("assignment_id", "grade_id", "competency_id"),
        sa.CheckConstraint("weight > 0", name="weight"),
    )


def downgrade() -> None:
    for table in (
        "competency_mappings",
        "plan_reviews",
        "plan_evidence",
        "plan_goals",
        "plan_competencies",
        "learning_plans",
        "plan_templates",
        "competencies",
        "competency_frameworks",
    ):
        op.drop_table(table)

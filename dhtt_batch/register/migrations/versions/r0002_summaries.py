"""`register list` kept ready: a summary per exemplar group and criterion scope (summary.py).

The tables start empty with their state unset: the first command that opens the register for
the list, or writes to it, fills them (summary.py), with the issuer names of its campaign.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dhtt_summaries",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("year_count", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "scope", name="pk_dhtt_summaries"),
    )
    op.create_index("ix_dhtt_summaries_scope", "dhtt_summaries", ["scope", "year_count"])
    state = op.create_table(
        "dhtt_summary_state",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_dhtt_summary_state"),
    )
    op.bulk_insert(state, [{"name": "list", "value": ""}])


def downgrade() -> None:
    op.drop_table("dhtt_summary_state")
    op.drop_table("dhtt_summaries")

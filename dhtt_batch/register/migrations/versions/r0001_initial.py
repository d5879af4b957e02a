"""The register's first tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dhtt_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.String(120), nullable=False),
        sa.Column("period_id", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(300), nullable=False),
        sa.Column("generated_at", sa.String(40), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dhtt_periods"),
        sa.UniqueConstraint("campaign_id", name="uq_dhtt_periods_campaign_id"),
    )
    op.create_table(
        "dhtt_roster",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["dhtt_periods.id"],
            name="fk_dhtt_roster_period_id_dhtt_periods",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("period_id", "code", name="pk_dhtt_roster"),
    )
    op.create_table(
        "dhtt_exemplars",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity", sa.String(700), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name_key", sa.String(400), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(40), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dhtt_exemplars"),
        sa.UniqueConstraint("identity", name="uq_dhtt_exemplars_identity"),
    )
    op.create_index("ix_dhtt_exemplars_person", "dhtt_exemplars", ["person_id"])
    op.create_table(
        "dhtt_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("exemplar_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.String(60), nullable=False),
        sa.Column("criterion", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("kind_label", sa.String(60), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(40), nullable=False),
        sa.Column("unit_name", sa.String(300), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("decision_number", sa.String(100), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("spread", sa.String(200), nullable=True),
        sa.Column("proposal", sa.String(200), nullable=True),
        sa.Column("source_file", sa.String(500), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["dhtt_periods.id"],
            name="fk_dhtt_entries_period_id_dhtt_periods",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exemplar_id"],
            ["dhtt_exemplars.id"],
            name="fk_dhtt_entries_exemplar_id_dhtt_exemplars",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dhtt_entries"),
    )
    op.create_index("ix_dhtt_entries_period_id", "dhtt_entries", ["period_id"])
    op.create_index(
        "ix_dhtt_entries_exemplar", "dhtt_entries", ["exemplar_id", "year", "criterion"]
    )
    op.create_table(
        "dhtt_entry_data",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["dhtt_entries.id"],
            name="fk_dhtt_entry_data_entry_id_dhtt_entries",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name="pk_dhtt_entry_data"),
    )
    op.create_table(
        "dhtt_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["dhtt_exemplars.id"],
            name="fk_dhtt_decisions_first_id_dhtt_exemplars",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["dhtt_exemplars.id"],
            name="fk_dhtt_decisions_second_id_dhtt_exemplars",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dhtt_decisions"),
    )
    op.create_index("ix_dhtt_decisions_pair", "dhtt_decisions", ["first_id", "second_id"])


def downgrade() -> None:
    op.drop_table("dhtt_decisions")
    op.drop_table("dhtt_entry_data")
    op.drop_table("dhtt_entries")
    op.drop_table("dhtt_exemplars")
    op.drop_table("dhtt_roster")
    op.drop_table("dhtt_periods")

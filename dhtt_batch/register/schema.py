"""The register's tables (SQLAlchemy Core). Changing them needs a migration in migrations/.

- `dhtt_periods`: one consolidated workbook per period (campaign id such as VPUBND-2023),
  with the digest of the rows recorded, so adding it again changes nothing.
- `dhtt_roster`: each period's roster units and their submission status.
- `dhtt_exemplars`: one per identity (unit + normalised name + birth year for a person,
  normalised name for a collective); `person_id` joins exemplars linked by an officer.
- `dhtt_entries`: one per accepted row, with the columns the reviews ask about; narrow, so the
  reviews' scans of a province's 300,000 rows stay fast.
- `dhtt_entry_data`: every spec column of each row as JSON, so nothing read is lost.
- `dhtt_decisions`: every link / unlink, with who and when (append-only).
- `dhtt_summaries`: `register list` kept ready (summary.py): per exemplar group and scope
  ('' = all criteria, else a criterion key) where it was registered in at least two years, its
  number of years, its place in the list's order and its entry as JSON, refreshed by every
  write in the same transaction;
  `dhtt_summary_state` says which issuer names (and entry format) they were made with.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
VERSION_TABLE = "dhtt_alembic_version"

periods = Table(
    "dhtt_periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", String(120), nullable=False, unique=True),
    Column("period_id", String(60), nullable=False),
    Column("kind", String(20), nullable=False),  # annual, midterm, final
    Column("year", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("agency", String(300), nullable=False),
    Column("generated_at", String(40), nullable=False),  # as the merge wrote it (ISO 8601)
    Column("digest", String(64), nullable=False),
    Column("source", String(500), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(120), nullable=False),
)

roster = Table(
    "dhtt_roster",
    metadata,
    Column("period_id", ForeignKey("dhtt_periods.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("accepted", Integer, nullable=False),
)

exemplars = Table(
    "dhtt_exemplars",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("identity", String(700), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # collective, individual
    Column("name_key", String(400), nullable=False),
    Column("birth_year", Integer),
    Column("unit_code", String(40)),  # individuals only
    Column("person_id", Integer),  # the smallest id of its linked group; NULL: on its own
)

entries = Table(
    "dhtt_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "period_id",
        ForeignKey("dhtt_periods.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("exemplar_id", ForeignKey("dhtt_exemplars.id"), nullable=False),
    Column("year", Integer, nullable=False),  # the period's year, copied for fast grouping
    Column("sheet", String(60), nullable=False),
    Column("criterion", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("kind_label", String(60), nullable=False),
    Column("name", String(400), nullable=False),
    Column("birth_year", Integer),
    Column("unit_code", String(40), nullable=False),
    Column("unit_name", String(300), nullable=False),
    Column("title", Text),
    Column("decision_number", String(100)),
    Column("decision_date", Date),
    Column("spread", String(200)),
    Column("proposal", String(200)),
    Column("source_file", String(500)),
    Column("source_row", Integer),
)

entry_data = Table(
    "dhtt_entry_data",
    metadata,
    Column("entry_id", ForeignKey("dhtt_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSON, nullable=False),
)

decisions = Table(
    "dhtt_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("first_id", ForeignKey("dhtt_exemplars.id"), nullable=False),
    Column("second_id", ForeignKey("dhtt_exemplars.id"), nullable=False),
    Column("verdict", String(20), nullable=False),  # same, different
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

Index("ix_dhtt_decisions_pair", decisions.c.first_id, decisions.c.second_id)
# Covers `register list`'s count of years per exemplar (and finds an exemplar's rows).
Index("ix_dhtt_entries_exemplar", entries.c.exemplar_id, entries.c.year, entries.c.criterion)
Index("ix_dhtt_exemplars_person", exemplars.c.person_id)

summaries = Table(
    "dhtt_summaries",
    metadata,
    Column("group_id", Integer, primary_key=True),  # the group's smallest exemplar id
    Column("scope", String(20), primary_key=True),  # '' = all criteria, else a criterion key
    Column("year_count", Integer, nullable=False),
    Column("sort_key", Text, nullable=False),  # the list's order as text (summary.sort_text)
    Column("body", Text, nullable=False),  # json.dumps(Exemplar.as_json(), ensure_ascii=False)
)

summary_state = Table(
    "dhtt_summary_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(64), nullable=False),  # '' until the summaries are first made
)

Index("ix_dhtt_summaries_scope", summaries.c.scope, summaries.c.year_count)

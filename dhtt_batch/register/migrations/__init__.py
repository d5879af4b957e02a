"""Alembic migrations of the register, run by the program itself (register/db.py) on open.

A new release that changes register/schema.py adds a revision under versions/ (for a
developer: `alembic -c dhtt_batch/register/migrations/alembic.ini revision -m "…"`, then
edit it by hand) and sets HEAD below to its id; a test checks HEAD against the scripts and the
migrated tables against schema.py.
"""

HEAD = "0002"

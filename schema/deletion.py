"""Tombstones of deleted rows, so an incremental BI pull can drop them from its copy."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from schema.base import id_field, now_column

# The tables whose deletions leave a tombstone (entity_type is the table name). A trigger
# per table (migration 0015) writes it in the deleting transaction, cascades included;
# tests/deletions checks that the database has exactly these triggers.
TRACKED_TABLES: tuple[str, ...] = (
    "department",
    "person",
    "initiative",
    "initiative_link",
    "initiative_kpi",
    "kpi",
    "kpi_driver",
    "kpi_measurement",
    "progress_update",
    "change_request",
    "approval_waiver",
    "scenario",
)


class Deletion(SQLModel, table=True):
    """One deleted row: which table, which id, when (the deleting transaction's start).

    Written by the database only; removed after the retention period by the purge.
    """

    __tablename__ = "deletion"
    # One index: every read is a keyset page from `since`; a type filter reads the same
    # range (a second index on the type would cost each deleted row a third write).
    __table_args__ = (sa.Index("ix_deletion_deleted_at_id", "deleted_at", "id"),)

    id: int | None = id_field()
    entity_type: str = Field(max_length=40)
    entity_id: int = Field(sa_type=sa.BigInteger)
    deleted_at: datetime = now_column()

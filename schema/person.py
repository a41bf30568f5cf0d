"""People and the reporting line (manager_id)."""

import sqlalchemy as sa
from sqlmodel import Field

from schema.base import Timestamped, fk_field, id_field
from schema.text import EMAIL_MAX, NAME_MAX


class Person(Timestamped, table=True):
    __tablename__ = "person"
    __table_args__ = (
        sa.CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
        sa.CheckConstraint("position('@' in email) > 1", name="email_format"),
    )

    id: int | None = id_field()
    name: str = Field(max_length=NAME_MAX)
    email: str = Field(max_length=EMAIL_MAX, unique=True)
    title: str = Field(default="", max_length=NAME_MAX)
    department_id: int | None = fk_field("department.id", ondelete="RESTRICT", nullable=True)
    manager_id: int | None = fk_field("person.id", ondelete="RESTRICT", nullable=True)
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})

"""Departments: the functions of the company (marketing, it, hr, ...)."""

import sqlalchemy as sa
from sqlmodel import Field

from schema.base import Timestamped, id_field
from schema.text import CODE_MAX, NAME_MAX


class Department(Timestamped, table=True):
    __tablename__ = "department"
    __table_args__ = (sa.CheckConstraint("code ~ '^[a-z0-9_-]+$'", name="code_slug"),)

    id: int | None = id_field()
    code: str = Field(max_length=CODE_MAX, unique=True)
    name: str = Field(max_length=NAME_MAX)
    # use_alter: department.head_id and person.department_id reference each other.
    head_id: int | None = Field(
        default=None,
        sa_type=sa.BigInteger,
        sa_column_args=[
            sa.ForeignKey(
                "person.id",
                ondelete="SET NULL",
                use_alter=True,
                name="fk_department_head_id_person",
            )
        ],
        nullable=True,
        index=True,
    )

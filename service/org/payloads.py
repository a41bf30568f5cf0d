"""Wire shapes of people and the reporting line."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from schema.text import EMAIL_MAX, NAME_MAX, NoNul
from schema.text import Name as SearchText

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Stored lower case, so uniqueness does not depend on how someone typed it.
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=EMAIL_MAX, pattern=EMAIL_PATTERN
    ),
    NoNul,
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX), NoNul
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NAME_MAX), NoNul]


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email = Field(description="Unique; stored lower case.")
    title: Title = ""
    department_id: int | None = Field(default=None, description="Department the person works in.")
    manager_id: int | None = Field(default=None, description="Direct manager (reporting line).")
    is_active: bool = True


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email | None = None
    title: Title | None = None
    department_id: int | None = None
    manager_id: int | None = Field(default=None, description="Null: reports to no one.")
    is_active: bool | None = None

    @field_validator("name", "email", "title", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Omit a field to keep it; only the references can be cleared with null.
        if value is None:
            raise ValueError("cannot be null")
        return value


class PersonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    title: str
    department_id: int | None
    manager_id: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


class PersonFilters(BaseModel):
    """Filters of the people list (query parameters)."""

    department_id: int | None = Field(default=None, description="Only this department.")
    manager_id: int | None = Field(default=None, description="Only direct reports of this person.")
    is_active: bool | None = Field(default=None, description="Only active (or inactive) people.")
    q: SearchText | None = Field(
        default=None,
        min_length=1,
        description="Case-insensitive substring of the name or the email.",
    )
    updated_since: datetime | None = Field(default=None, description="Changed at or after.")


class PersonChain(BaseModel):
    """The managers above a person, the direct manager first."""

    items: list[PersonPublic]

"""Wire shapes of departments."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schema.text import Code, Name

CODE_PATTERN = r"^[a-z0-9_-]+$"


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(min_length=1, pattern=CODE_PATTERN, description="Unique slug, e.g. `hr`.")
    name: Name = Field(min_length=1)
    head_id: int | None = Field(default=None, description="Person heading the department.")


class DepartmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code | None = Field(default=None, min_length=1, pattern=CODE_PATTERN)
    name: Name | None = Field(default=None, min_length=1)
    head_id: int | None = None


class DepartmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    head_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

"""Wire shapes of departments."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

CODE_PATTERN = r"^[a-z0-9_-]+$"


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1, max_length=40, pattern=CODE_PATTERN, description="Unique slug, e.g. `hr`."
    )
    name: str = Field(min_length=1, max_length=200)
    head_id: int | None = Field(default=None, description="Person heading the department.")


class DepartmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=1, max_length=40, pattern=CODE_PATTERN)
    name: str | None = Field(default=None, min_length=1, max_length=200)
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

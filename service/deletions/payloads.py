"""Wire shapes of deletion tombstones."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DeletionPublic(BaseModel):
    """One deleted row: drop `entity_id` of `entity_type` from a copy."""

    model_config = ConfigDict(from_attributes=True)

    entity_type: str = Field(description="The table the row was in, e.g. `initiative`.")
    entity_id: int = Field(description="The deleted row's id (`id` in REST, `databaseId`).")
    deleted_at: datetime = Field(description="When it was deleted (its transaction's start).")

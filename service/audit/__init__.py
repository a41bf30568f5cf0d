"""The audit trail: every write appends an event in the same transaction.

`from service import audit` then `await audit.record(...)`.
"""

from service.audit.service import (
    changes,
    jsonable,
    record,
    record_changes,
    record_many,
    row_values,
)

__all__ = ["changes", "jsonable", "record", "record_changes", "record_many", "row_values"]

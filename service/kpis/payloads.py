"""Wire shapes of KPIs, their measurements and their drivers."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from schema import Kpi
from schema.enums import Cadence, Direction, Perspective
from schema.text import Code, LongText, Name

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
MAX_BULK = 10_000
MAX_DEPARTMENTS = 50

VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal(10) ** 14


def _stored_value(value: Decimal) -> Decimal:
    """Round to the 4 decimal places the column keeps; refuse what it cannot hold."""
    if abs(value) >= VALUE_LIMIT:
        raise ValueError("must be less than 10^14 in absolute value")
    return value.quantize(VALUE_PLACES, rounding=ROUND_HALF_EVEN)


# numeric(18, 4): 14 digits before the point, 4 after.
Value = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_stored_value)]
DepartmentIds = Annotated[
    list[int],
    Field(
        min_length=1,
        max_length=MAX_DEPARTMENTS,
        description="Accountable departments, owner first.",
    ),
]


class KpiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(min_length=1, pattern=CODE_PATTERN, description="Unique, e.g. `NPS`.")
    name: Name = Field(min_length=1)
    definition: LongText = ""
    unit: Code = ""
    direction: Direction
    perspective: Perspective
    baseline_value: Value | None = None
    baseline_date: date | None = None
    target_value: Value | None = None
    target_date: date | None = None
    cadence: Cadence = Cadence.monthly
    department_ids: DepartmentIds


_REQUIRED = ("code", "name", "definition", "unit", "direction", "perspective", "cadence")


class KpiUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code | None = Field(default=None, min_length=1, pattern=CODE_PATTERN)
    name: Name | None = Field(default=None, min_length=1)
    definition: LongText | None = None
    unit: Code | None = None
    direction: Direction | None = None
    perspective: Perspective | None = None
    baseline_value: Value | None = None
    baseline_date: date | None = None
    target_value: Value | None = None
    target_date: date | None = None
    cadence: Cadence | None = None
    department_ids: DepartmentIds | None = Field(
        default=None, description="Replaces the whole list of accountable departments."
    )

    @field_validator(*_REQUIRED, "department_ids")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Only runs for fields the request names: an explicit null is refused.
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


def counts_as_shared(department_ids: Sequence[int]) -> bool:
    """Whether two or more departments are accountable for a KPI."""
    return len(department_ids) >= 2


class LatestMeasurement(BaseModel):
    measured_on: date
    value: Decimal


class KpiPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    definition: str
    unit: str
    direction: Direction
    perspective: Perspective
    baseline_value: Decimal | None
    baseline_date: date | None
    target_value: Decimal | None
    target_date: date | None
    cadence: Cadence
    created_at: datetime
    updated_at: datetime
    version: int
    department_ids: list[int] = Field(description="Accountable departments, owner first.")
    is_shared: bool = Field(description="Two or more departments are accountable.")
    latest_measurement: LatestMeasurement | None

    @classmethod
    def of(
        cls, kpi: Kpi, department_ids: Sequence[int], latest: LatestMeasurement | None
    ) -> "KpiPublic":
        """The public shape of `kpi` with its departments and latest measurement."""
        columns = {name: getattr(kpi, name) for name in Kpi.model_fields}
        return cls.model_validate(
            columns
            | {
                "department_ids": list(department_ids),
                "is_shared": counts_as_shared(department_ids),
                "latest_measurement": latest,
            }
        )


class MeasurementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measured_on: date
    value: Value
    source: Name = ""
    recorded_by_id: int | None = Field(default=None, description="Person who recorded it.")


class MeasurementBulk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[MeasurementCreate] = Field(
        max_length=MAX_BULK, description=f"Up to {MAX_BULK} measurements, one per date."
    )


class MeasurementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kpi_id: int
    measured_on: date
    value: Decimal
    source: str
    recorded_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class BulkResult(BaseModel):
    created: int = Field(description="Dates that had no measurement yet.")
    updated: int = Field(description="Dates whose value, source or recorder changed.")
    unchanged: int = Field(description="Dates recorded again with identical data.")


class DriverCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    driver_kpi_id: int = Field(description="The KPI that drives this one.")


class KpiRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    perspective: Perspective


class KpiDrivers(BaseModel):
    drivers: list[KpiRef] = Field(description="KPIs that drive this one.")
    driven: list[KpiRef] = Field(description="KPIs this one drives.")


class KpiDriverPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    driver_kpi_id: int
    driven_kpi_id: int
    created_at: datetime

"""Wire shapes of the import report."""

from pydantic import BaseModel, Field

from service.errors import ValidationFailed
from service.i18n import N_, ngettext

ENTITIES = (
    "departments",
    "people",
    "kpis",
    "initiatives",
    "measurements",
    "checkins",
    "irritants",
)


class ImportProblem(BaseModel):
    """One mistake in the file: where it is and what to change."""

    sheet: str | None = Field(description="Sheet (or CSV file) name; null for the whole file.")
    row: int | None = Field(description="Spreadsheet row number (the header is row 1).")
    column: str | None = Field(description="Column name; null for a whole row or file.")
    message: str
    code: str = Field(description="Stable kind of problem, e.g. `unknown_reference`.")


class EntityCounts(BaseModel):
    """What an import did (or, in a dry run, would do) to one entity."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(BaseModel):
    """The outcome of an import: the problems found, or the rows written per entity."""

    ok: bool
    dry_run: bool
    problems: list[ImportProblem]
    counts: dict[str, EntityCounts]


def empty_counts() -> dict[str, EntityCounts]:
    """Zero counts for every entity, in sheet order."""
    return {entity: EntityCounts() for entity in ENTITIES}


class ImportRejected(ValidationFailed):
    """The file has problems: nothing was written. Carries the whole problem list."""

    code = "import_invalid"
    title = N_("The file cannot be imported")

    def __init__(self, problems: list[ImportProblem], *, dry_run: bool) -> None:
        count = len(problems)
        detail = ngettext(
            "The file has %(n)s problem; nothing was imported. Fix it and import again.",
            "The file has %(n)s problems; nothing was imported. Fix them and import again.",
            count,
        )
        super().__init__(
            detail % {"n": count},
            extra={"problems": [p.model_dump() for p in problems], "dry_run": dry_run},
        )
        self.problems = problems
        self.dry_run = dry_run


class ImportTooLarge(ImportRejected):
    """The file passes one of the import's limits: reading stopped there, nothing was written."""

    code = "import_too_large"
    title = N_("File over an import limit")

    def __init__(self, problem: ImportProblem, *, dry_run: bool, limit: str, value: int) -> None:
        super().__init__([problem], dry_run=dry_run)
        self.detail = problem.message
        self.extra["limit"] = {"name": limit, "value": value}


class FileTooLarge(ImportTooLarge):
    """The file is over a size limit: as uploaded, or once unpacked."""

    code = "file_too_large"
    status = 413
    title = N_("File too large")

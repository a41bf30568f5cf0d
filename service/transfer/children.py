"""The lists a row carries (a KPI's departments and drivers, an initiative's KPI links and
links to other initiatives): each list in the file replaces the stored one.

Two statements per list kind, whatever the number of rows: delete the stored rows the
file no longer lists, then insert (or update) the ones it lists. Both append audit events.
"""

from dataclasses import dataclass

from service.transfer.writes import audited, item_cte


@dataclass(frozen=True)
class Child:
    """A table of rows owned by a KPI or an initiative, and how the file describes them."""

    table: str
    owner: str
    owner_table: str
    item: tuple[tuple[str, str], ...]
    desired: str
    match: tuple[str, ...]
    values: tuple[str, ...] = ()
    by_kind: bool = False
    # Columns a new row needs that the file does not give: (column, SQL value).
    defaults: tuple[tuple[str, str], ...] = ()

    def _ctes(self) -> list[str]:
        return [
            item_cte(self.item),
            f"desired AS ({self.desired})",
            f"scope AS (SELECT id FROM {self.owner_table}"
            " WHERE code = ANY(CAST(:owners AS text[])))",
        ]

    def _same(self, left: str, right: str, columns: tuple[str, ...]) -> str:
        return " AND ".join(f"{left}.{c} = {right}.{c}" for c in (self.owner, *columns))

    def delete_sql(self) -> str:
        """Delete the owners' rows the file no longer lists."""
        kind = " AND t.kind = ANY(CAST(:kinds AS text[]))" if self.by_kind else ""
        written = (
            f"DELETE FROM {self.table} AS t USING scope s WHERE t.{self.owner} = s.id{kind}"
            f" AND NOT EXISTS (SELECT 1 FROM desired d WHERE {self._same('d', 't', self.match)})"
            " RETURNING t.*, false AS created"
        )
        return audited(self.table, self._ctes(), written, returning=f"w.{self.owner}", prior=None)

    def write_sql(self) -> str:
        """Insert the listed rows that are missing; update their values where they differ."""
        given = ", ".join((self.owner, *self.match, *self.values))
        extra = "".join(f", {name}" for name, _ in self.defaults)
        values = "".join(f", {value}" for _, value in self.defaults)
        written = (
            f"INSERT INTO {self.table} AS t ({given}{extra}) SELECT {given}{values} FROM desired"
        )
        prior = None
        if self.values:
            keys = ", ".join((self.owner, *self.match))
            sets = ", ".join(f"{v} = excluded.{v}" for v in self.values)
            old = ", ".join(f"t.{v}" for v in self.values)
            new = ", ".join(f"excluded.{v}" for v in self.values)
            written += (
                f" ON CONFLICT ({keys}) DO UPDATE SET {sets}, updated_at = now(),"
                f" version = t.version + 1 WHERE ({old}) IS DISTINCT FROM ({new})"
                " RETURNING t.*, (t.xmax = 0) AS created"
            )
            same = self._same("t", "d", self.match)
            prior = f"SELECT t.* FROM {self.table} t JOIN desired d ON {same}"
        else:
            written += " ON CONFLICT DO NOTHING RETURNING t.*, true AS created"
        return audited(self.table, self._ctes(), written, returning=f"w.{self.owner}", prior=prior)


KPI_DEPARTMENTS = Child(
    table="kpi_department",
    owner="kpi_id",
    owner_table="kpi",
    item=(("owner", "text"), ("department_code", "text"), ("position", "integer")),
    desired=(
        "SELECT k.id AS kpi_id, d.id AS department_id, item.position FROM item"
        " JOIN kpi k ON k.code = item.owner JOIN department d ON d.code = item.department_code"
    ),
    # A department moved to another position is deleted and inserted again: positions
    # are unique per KPI, so they cannot be swapped in place.
    match=("department_id", "position"),
)

KPI_DRIVERS = Child(
    table="kpi_driver",
    owner="driven_kpi_id",
    owner_table="kpi",
    item=(("owner", "text"), ("driver_code", "text")),
    desired=(
        "SELECT k.id AS driven_kpi_id, dr.id AS driver_kpi_id FROM item"
        " JOIN kpi k ON k.code = item.owner JOIN kpi dr ON dr.code = item.driver_code"
    ),
    match=("driver_kpi_id",),
)

INITIATIVE_KPIS = Child(
    table="initiative_kpi",
    owner="initiative_id",
    owner_table="initiative",
    item=(("owner", "text"), ("kpi_code", "text"), ("weight", "numeric")),
    desired=(
        "SELECT i.id AS initiative_id, k.id AS kpi_id, item.weight FROM item"
        " JOIN initiative i ON i.code = item.owner JOIN kpi k ON k.code = item.kpi_code"
    ),
    match=("kpi_id",),
    values=("weight",),
    defaults=(("rationale", "''"),),
)

# The same, when the file also says why each KPI moves (`kpi_rationales`).
INITIATIVE_KPIS_EXPLAINED = Child(
    table="initiative_kpi",
    owner="initiative_id",
    owner_table="initiative",
    item=(("owner", "text"), ("kpi_code", "text"), ("weight", "numeric"), ("rationale", "text")),
    desired=(
        "SELECT i.id AS initiative_id, k.id AS kpi_id, item.weight, item.rationale FROM item"
        " JOIN initiative i ON i.code = item.owner JOIN kpi k ON k.code = item.kpi_code"
    ),
    match=("kpi_id",),
    values=("weight", "rationale"),
)

INITIATIVE_LINKS = Child(
    table="initiative_link",
    owner="from_id",
    owner_table="initiative",
    item=(("owner", "text"), ("kind", "text"), ("to_code", "text")),
    desired=(
        "SELECT i.id AS from_id, item.kind, o.id AS to_id FROM item"
        " JOIN initiative i ON i.code = item.owner JOIN initiative o ON o.code = item.to_code"
    ),
    match=("kind", "to_id"),
    by_kind=True,
)

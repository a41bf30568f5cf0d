"""Portfolio analytics: balance, flags, alignment, reporting-line roll-ups and settings."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema import PortfolioSetting
from schema.enums import ACTIVE_STATUSES
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.crud import apply_changes
from service.errors import NotFound, ValidationFailed
from service.i18n import formats
from service.i18n import gettext as _
from service.pagination import decode_cursor, encode_cursor
from service.portfolio import flag_rows, queries
from service.portfolio import flags as flag_sql
from service.portfolio.flags import ORDERED_CODES
from service.portfolio.payloads import (
    AlignmentFigures,
    AlignmentPublic,
    BalancePublic,
    DepartmentBalance,
    FlagCode,
    FlagsPublic,
    LineInitiative,
    PersonPortfolioPublic,
    PersonRef,
    PortfolioSettingUpdate,
    Weight,
)

DEFAULT_STATUSES = [status.value for status in ACTIVE_STATUSES]


async def check_filters(
    session: AsyncSession, department: str | None, owner_line: int | None
) -> None:
    """Refuse (422 on the field) a department code or person that does not exist."""
    if department is None and owner_line is None:
        return
    params = {"department": department, "owner_line": owner_line}
    found = (await session.execute(text(queries.filter_refs()), params)).one()
    if department is not None and found.department_id is None:
        raise ValidationFailed(
            _("department: no department has the code '%(code)s'.") % {"code": department},
            code="unknown_reference",
            field="department",
        )
    if owner_line is not None and found.person_id is None:
        raise ValidationFailed(
            _("owner_line: person %(id)s does not exist.") % {"id": owner_line},
            code="unknown_reference",
            field="owner_line",
        )


async def compute_balance(
    session: AsyncSession,
    *,
    weight: Weight = "budget",
    statuses: Sequence[str] | None = None,
    department: str | None = None,
    owner_line: int | None = None,
) -> BalancePublic:
    """The client-facing share of the initiatives in `statuses`, overall and per department."""
    await check_filters(session, department, owner_line)
    return await _balance(session, weight, statuses, department, owner_line)


async def _balance(
    session: AsyncSession,
    weight: Weight,
    statuses: Sequence[str] | None,
    department: str | None,
    owner_line: int | None,
) -> BalancePublic:
    chosen = sorted(set(statuses)) if statuses else DEFAULT_STATUSES
    sql = queries.balance(
        weight, department=department is not None, owner_line=owner_line is not None
    )
    params = {"statuses": chosen, "department": department, "owner_line": owner_line}
    rows = (await session.execute(text(sql), params)).all()
    return balance_of(weight, chosen, rows)


def balance_of(weight: Weight, statuses: list[str], rows: Sequence[Any]) -> BalancePublic:
    """Shape the grouping-set rows (total first) as the balance payload."""
    total, per_department = rows[0], rows[1:]
    share: Decimal | None = total.client_share
    return BalancePublic(
        weight=weight,
        statuses=statuses,
        client_share=share,
        internal_share=None if share is None else 1 - share,
        total_weight=total.total_weight,
        initiative_count=total.initiative_count,
        band_min=total.band_min,
        band_max=total.band_max,
        within_band=total.within_band,
        departments=[
            DepartmentBalance(
                department_code=row.department_code,
                client_share=row.client_share,
                total_weight=row.total_weight,
                initiative_count=row.initiative_count,
                within_band=row.within_band,
            )
            for row in per_department
        ],
    )


async def list_flags(
    session: AsyncSession,
    *,
    codes: Sequence[FlagCode] | None = None,
    severities: Sequence[str] | None = None,
    department: str | None = None,
    owner_line: int | None = None,
    initiatives: Sequence[int] | None = None,
    today: date | None = None,
    limit: int = 200,
    cursor: str | None = None,
) -> FlagsPublic:
    """The live flags (one page, sorted by severity, code, entity) and the count per code.

    With `initiatives`, only the flags about those initiatives, computed for them alone.
    """
    await check_filters(session, department, owner_line)
    after = flag_rows.decode_cursor(cursor)
    scope = flag_rows.FlagScope(department, owner_line, initiatives)
    return await _flags(session, codes, severities, scope, today, limit, after)


async def flag_params(
    session: AsyncSession, scope: flag_rows.FlagScope, today: date | None
) -> dict[str, Any]:
    """The parameters every flag statement binds: the scope, today and the settings."""
    setting = await get_settings(session)
    return {
        "department": scope.department,
        "owner_line": scope.owner_line,
        "subjects": list(scope.initiatives or []),
        "today": today,
        "band_min": setting.band_min,
        "band_max": setting.band_max,
        "stale_after_days": setting.stale_after_days,
        "irritant_vote_threshold": setting.irritant_vote_threshold,
    }


async def _flags(
    session: AsyncSession,
    codes: Sequence[FlagCode] | None,
    severities: Sequence[str] | None,
    scope: flag_rows.FlagScope,
    today: date | None,
    limit: int,
    after: tuple[int, str, str],
) -> FlagsPublic:
    wanted = flag_rows.wanted_codes(codes, severities, scope)
    counts = dict.fromkeys((code.value for code in ORDERED_CODES), 0)
    if not wanted:
        return FlagsPublic(items=[], counts=counts, next_cursor=None)
    params = await flag_params(session, scope, today)
    if limit == 0:
        # Counts only: one aggregate per code, no flag row built.
        sql = flag_sql.counts_sql(wanted, **flag_rows.flag_sql_options(scope))
        counts |= (await session.execute(text(sql), params)).scalar_one()
        return FlagsPublic(items=[], counts=counts, next_cursor=None)
    sql = flag_sql.flags_sql(wanted, **flag_rows.flag_sql_options(scope))
    params |= {
        "after_rank": after[0],
        "after_code": after[1],
        "after_entity": after[2],
        "limit": limit + 1,
    }
    rows = (await session.execute(text(sql), params)).all()
    counts |= rows[0].counts
    page = [row for row in rows if row.code is not None]
    more = len(page) > limit
    page = page[:limit]
    items = [flag_rows.flag_public(row) for row in page]
    next_cursor = flag_rows.encode_cursor(page[-1]) if more and page else None
    return FlagsPublic(items=items, counts=counts, next_cursor=next_cursor)


async def compute_alignment(session: AsyncSession) -> AlignmentPublic:
    """Alignment score, department x KPI matrix, orphan KPIs, active initiatives without KPI."""
    row = (await session.execute(text(queries.alignment()))).one()
    return AlignmentPublic.model_validate(dict(row._mapping))


async def alignment_figures(session: AsyncSession) -> AlignmentFigures:
    """The alignment score with its counts and weights, without the matrix and the lists."""
    row = (await session.execute(text(queries.alignment_figures()))).one()
    return AlignmentFigures.model_validate(dict(row._mapping))


async def person_portfolio(
    session: AsyncSession,
    person_id: int,
    *,
    weight: Weight = "budget",
    statuses: Sequence[str] | None = None,
    today: date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PersonPortfolioPublic:
    """A person's reporting line: one page of its initiatives, its balance and flag counts."""
    after = decode_cursor(cursor) or 0
    line = {"owner_line": person_id}
    person = (await session.execute(text(queries.person_line()), line)).one_or_none()
    if person is None:
        raise NotFound(
            _("Person %(id)s does not exist.") % {"id": person_id}, code="person_not_found"
        )
    balance = await _balance(session, weight, statuses, None, person_id)
    flags = await _flags(
        session, None, None, flag_rows.FlagScope(owner_line=person_id), today, 0, (-1, "", "")
    )
    params = line | {"after": after, "limit": limit + 1}
    rows = (await session.execute(text(queries.line_initiatives()), params)).all()
    items = [LineInitiative.model_validate(dict(row._mapping)) for row in rows[:limit]]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit and items else None
    return PersonPortfolioPublic(
        person=PersonRef.model_validate(dict(person._mapping)),
        line_size=person.line_size,
        initiative_total=person.initiative_total,
        balance=balance,
        flag_counts=flags.counts,
        initiatives=items,
        next_cursor=next_cursor,
    )


async def get_settings(session: AsyncSession) -> PortfolioSetting:
    """The portfolio settings (the single row the migration creates)."""
    setting = await session.get(PortfolioSetting, 1)
    if setting is None:
        setting = PortfolioSetting(id=1)
        session.add(setting)
        await session.flush()
    return setting


def _check_band(band_min: Decimal, band_max: Decimal) -> None:
    """Refuse (422 on band_min) a floor above the ceiling."""
    if band_min > band_max:
        raise ValidationFailed(
            _("band_min: the band's floor (%(floor)s) is above its ceiling (%(ceiling)s).")
            % {"floor": formats.percent(band_min), "ceiling": formats.percent(band_max)},
            code="band_order",
            field="band_min",
        )


async def update_settings(
    session: AsyncSession,
    actor: Actor,
    data: PortfolioSettingUpdate,
    *,
    expected_version: int | None = None,
) -> PortfolioSetting:
    """Change the band and/or the staleness limit (CDO office), from `expected_version`."""
    policy.require(actor, Permission.manage_portfolio)
    await get_settings(session)
    setting = await crud.get_for_update(session, PortfolioSetting, 1, expected_version)
    changes = data.model_dump(exclude_unset=True)
    required = ("band_min", "band_max", "stale_after_days", "budget_tolerance")
    for field in (*required, "irritant_vote_threshold"):
        if field in changes and changes[field] is None:
            raise ValidationFailed(
                _("%(field)s: a value is required.") % {"field": field}, field=field
            )
    _check_band(
        changes.get("band_min", setting.band_min), changes.get("band_max", setting.band_max)
    )
    changed = apply_changes(setting, changes)
    await audit.record_changes(session, actor, "portfolio_setting", setting, changed)
    return setting

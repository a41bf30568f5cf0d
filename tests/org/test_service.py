"""Service: people and the reporting line."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import col

from schema import Department, Person
from service import migrate
from service.actor import SYSTEM
from service.errors import Conflict, NotFound, ValidationFailed
from service.org import service
from service.org.payloads import PersonCreate, PersonFilters, PersonUpdate
from service.problems import database_error
from tests.conftest import QueryCounter
from tests.dbutil import scratch_database
from tests.factories import make_department, make_initiative, make_person


async def _tree(session: AsyncSession, depth: int) -> list[Person]:
    """A reporting line of `depth` people: each one's manager is the next one."""
    top = await make_person(session, name=f"Level {depth}")
    line = [top]
    for level in range(depth - 1, 0, -1):
        line.insert(0, await make_person(session, name=f"Level {level}", manager_id=line[0].id))
    return line


# list_people


async def test_list_filters_by_department_manager_and_active(session: AsyncSession) -> None:
    department = await make_department(session)
    boss = await make_person(session, department_id=department.id)
    active = await make_person(session, department_id=department.id, manager_id=boss.id)
    inactive = await make_person(
        session, department_id=department.id, manager_id=boss.id, is_active=False
    )
    await make_person(session, manager_id=boss.id)  # another department

    async def ids(**filters: object) -> list[int | None]:
        rows = await service.list_people(session, filters=PersonFilters(**filters), limit=50)
        return [p.id for p in rows]

    assert await ids(department_id=department.id) == [boss.id, active.id, inactive.id]
    assert await ids(department_id=department.id, manager_id=boss.id) == [active.id, inactive.id]
    assert await ids(department_id=department.id, is_active=False) == [inactive.id]
    assert await ids(department_id=department.id, is_active=True) == [boss.id, active.id]


async def test_list_q_matches_name_or_email_case_insensitively(session: AsyncSession) -> None:
    department = await make_department(session)
    by_name = await make_person(
        session, department_id=department.id, name="Zoë Quartermain", email="zq@corp.test"
    )
    by_email = await make_person(
        session, department_id=department.id, name="Sam Lee", email="sam.quartermain@corp.test"
    )
    await make_person(session, department_id=department.id, name="Other", email="o@corp.test")
    filters = PersonFilters(department_id=department.id, q="QUARTERMAIN")
    rows = await service.list_people(session, filters=filters, limit=50)
    assert [p.id for p in rows] == [by_name.id, by_email.id]


async def test_list_q_treats_wildcards_literally(session: AsyncSession) -> None:
    department = await make_department(session)
    percent = await make_person(session, department_id=department.id, name="100% Focus")
    await make_person(session, department_id=department.id, name="100 Focus")
    filters = PersonFilters(department_id=department.id, q="0%")
    rows = await service.list_people(session, filters=filters, limit=50)
    assert [p.id for p in rows] == [percent.id]


async def test_list_updated_since(session: AsyncSession) -> None:
    department = await make_department(session)
    person = await make_person(session, department_id=department.id)
    before = PersonFilters(department_id=department.id, updated_since=person.updated_at)
    after = PersonFilters(
        department_id=department.id, updated_since=datetime.now(UTC) + timedelta(days=1)
    )
    assert [p.id for p in await service.list_people(session, filters=before, limit=50)] == [
        person.id
    ]
    assert list(await service.list_people(session, filters=after, limit=50)) == []


async def test_list_fetches_one_extra_row(session: AsyncSession) -> None:
    department = await make_department(session)
    made = [await make_person(session, department_id=department.id) for _ in range(3)]
    rows = await service.list_people(
        session, filters=PersonFilters(department_id=department.id), limit=2
    )
    assert [p.id for p in rows] == [p.id for p in made]


# list_reports


async def test_reports_are_the_direct_reports_only(session: AsyncSession) -> None:
    boss = await make_person(session)
    first = await make_person(session, manager_id=boss.id)
    second = await make_person(session, manager_id=boss.id)
    await make_person(session, manager_id=first.id)  # indirect
    rows = await service.list_reports(session, boss.id, limit=50)
    assert [p.id for p in rows] == [first.id, second.id]


async def test_reports_of_unknown_person_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound) as raised:
        await service.list_reports(session, 987654321, limit=50)
    assert raised.value.code == "person_not_found"


# manager_chain


async def test_chain_walks_up_nearest_first(session: AsyncSession) -> None:
    line = await _tree(session, 4)
    chain = await service.manager_chain(session, line[0].id)
    assert [p.name for p in chain] == ["Level 2", "Level 3", "Level 4"]
    assert [p.id for p in await service.manager_chain(session, line[2].id)] == [line[3].id]
    assert await service.manager_chain(session, line[3].id) == []


async def test_chain_is_one_query(session: AsyncSession, queries: QueryCounter) -> None:
    line = await _tree(session, 4)
    queries.reset()
    await service.manager_chain(session, line[0].id)
    assert queries.count == 1


async def test_chain_of_unknown_person_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound) as raised:
        await service.manager_chain(session, 987654321)
    assert raised.value.code == "person_not_found"


# create_person


async def test_create_lowercases_email(session: AsyncSession) -> None:
    department = await make_department(session)
    data = PersonCreate(
        name="Ada", email="  Ada.Lovelace@Example.COM ", department_id=department.id
    )
    person = await service.create_person(session, SYSTEM, data)
    assert (person.email, person.title, person.is_active, person.version) == (
        "ada.lovelace@example.com",
        "",
        True,
        1,
    )


async def test_create_refuses_duplicate_email_in_any_case(session: AsyncSession) -> None:
    await make_person(session, email="taken@example.com")
    with pytest.raises(Conflict) as raised:
        await service.create_person(
            session, SYSTEM, PersonCreate(name="Twin", email="TAKEN@example.com")
        )
    assert (raised.value.code, raised.value.field) == ("duplicate_email", "email")


@pytest.mark.parametrize("field", ["department_id", "manager_id"])
async def test_create_refuses_unknown_reference(session: AsyncSession, field: str) -> None:
    data = PersonCreate.model_validate({"name": "N", "email": "n@example.com", field: 987654321})
    with pytest.raises(ValidationFailed) as raised:
        await service.create_person(session, SYSTEM, data)
    assert (raised.value.code, raised.value.field) == ("unknown_reference", field)


# update_person


async def test_update_changes_only_given_fields(session: AsyncSession) -> None:
    person = await make_person(session, name="Old", title="Analyst")
    updated = await service.update_person(
        session, SYSTEM, person.id, PersonUpdate(title="Lead", email="New@Example.com")
    )
    assert (updated.name, updated.title, updated.email, updated.version) == (
        "Old",
        "Lead",
        "new@example.com",
        2,
    )


async def test_update_can_clear_the_manager(session: AsyncSession) -> None:
    boss = await make_person(session)
    person = await make_person(session, manager_id=boss.id)
    updated = await service.update_person(session, SYSTEM, person.id, PersonUpdate(manager_id=None))
    assert updated.manager_id is None


async def test_update_refuses_someone_elses_email(session: AsyncSession) -> None:
    await make_person(session, email="first@example.com")
    second = await make_person(session, email="second@example.com")
    with pytest.raises(Conflict) as raised:
        await service.update_person(
            session, SYSTEM, second.id, PersonUpdate(email="first@example.com")
        )
    assert (raised.value.code, raised.value.field) == ("duplicate_email", "email")


async def test_update_keeps_own_email(session: AsyncSession) -> None:
    person = await make_person(session, email="same@example.com")
    updated = await service.update_person(
        session, SYSTEM, person.id, PersonUpdate(email="SAME@example.com")
    )
    assert (updated.email, updated.version) == ("same@example.com", 1)


async def test_update_refuses_self_management(session: AsyncSession) -> None:
    person = await make_person(session, name="Solo")
    with pytest.raises(Conflict) as raised:
        await service.update_person(session, SYSTEM, person.id, PersonUpdate(manager_id=person.id))
    assert (raised.value.code, raised.value.field) == ("cycle", "manager_id")
    assert raised.value.detail == "Solo cannot be their own manager."


async def test_update_refuses_a_manager_below(session: AsyncSession) -> None:
    carol = await make_person(session, name="Carol")
    bob = await make_person(session, name="Bob", manager_id=carol.id)
    alice = await make_person(session, name="Alice", manager_id=bob.id)
    with pytest.raises(Conflict) as raised:
        await service.update_person(session, SYSTEM, carol.id, PersonUpdate(manager_id=alice.id))
    assert (raised.value.code, raised.value.field) == ("cycle", "manager_id")
    assert raised.value.detail == (
        "Carol cannot report to Alice: Alice already reports to Carol (Alice → Bob → Carol)."
    )
    assert raised.value.extra == {"chain": [alice.id, bob.id, carol.id]}


async def test_update_allows_moving_under_another_branch(session: AsyncSession) -> None:
    top = await make_person(session)
    left = await make_person(session, manager_id=top.id)
    right = await make_person(session, manager_id=top.id)
    updated = await service.update_person(
        session, SYSTEM, right.id, PersonUpdate(manager_id=left.id)
    )
    assert updated.manager_id == left.id


async def test_update_unknown_manager_is_unknown_reference(session: AsyncSession) -> None:
    person = await make_person(session)
    with pytest.raises(ValidationFailed) as raised:
        await service.update_person(session, SYSTEM, person.id, PersonUpdate(manager_id=987654321))
    assert (raised.value.code, raised.value.field) == ("unknown_reference", "manager_id")


async def test_update_unknown_person_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await service.update_person(session, SYSTEM, 987654321, PersonUpdate(title="x"))


async def test_database_refuses_a_cycle_the_service_did_not_see(session: AsyncSession) -> None:
    top = await make_person(session, name="Top")
    low = await make_person(session, name="Low", manager_id=top.id)
    with pytest.raises(IntegrityError) as raised:
        await session.execute(
            update(Person).where(col(Person.id) == top.id).values(manager_id=low.id)
        )
    translated = database_error(raised.value)
    assert isinstance(translated, Conflict)
    assert translated.code == "cycle"


# delete_person


async def test_delete_removes_the_person(session: AsyncSession) -> None:
    person = await make_person(session)
    await service.delete_person(session, SYSTEM, person.id)
    assert await session.get(Person, person.id) is None


async def test_delete_refuses_a_manager(session: AsyncSession) -> None:
    boss = await make_person(session, name="Boss")
    await make_person(session, manager_id=boss.id)
    await make_person(session, manager_id=boss.id)
    with pytest.raises(Conflict) as raised:
        await service.delete_person(session, SYSTEM, boss.id)
    assert raised.value.code == "in_use"
    assert raised.value.detail == (
        "Boss still manages 2 people and owns 0 initiatives; reassign them first."
    )


async def test_delete_refuses_an_initiative_owner(session: AsyncSession) -> None:
    owner = await make_person(session, name="Owner")
    await make_initiative(session, owner_id=owner.id, department_id=owner.department_id)
    with pytest.raises(Conflict) as raised:
        await service.delete_person(session, SYSTEM, owner.id)
    assert raised.value.code == "in_use"
    assert raised.value.extra == {"reports": 0, "initiatives": 1}


# Concurrency: two real transactions that commit, in a scratch database dropped afterwards
# (the update writes audit events, which the trail never lets anyone delete).


@pytest.fixture(scope="module")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "orgrace") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def committed(committed_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(committed_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def pair(committed: AsyncEngine) -> tuple[int, int]:
    """Two committed people without a manager."""
    tag = uuid.uuid4().hex[:12]
    async with async_sessionmaker(committed, expire_on_commit=False)() as setup:
        department = Department(code=f"race-{tag}", name=f"Race {tag}")
        setup.add(department)
        await setup.flush()
        people = [
            Person(name=f"{who} {tag}", email=f"{who}-{tag}@race.test", department_id=department.id)
            for who in ("X", "Y")
        ]
        setup.add_all(people)
        await setup.commit()
    assert people[0].id is not None and people[1].id is not None
    return people[0].id, people[1].id


async def _race(
    engine: AsyncEngine,
    change: Callable[[AsyncSession, int, int], Awaitable[object]],
    x: int,
    y: int,
) -> list[BaseException | None]:
    """Run X.manager=Y and Y.manager=X in two transactions at once; each then commits."""
    factory = async_sessionmaker(engine, expire_on_commit=False)
    both_open = asyncio.Barrier(2)

    async def one(person_id: int, manager_id: int) -> None:
        async with factory() as session:
            await session.get(Person, person_id)  # both transactions are open before writing
            await both_open.wait()
            await change(session, person_id, manager_id)
            await session.commit()

    return list(await asyncio.gather(one(x, y), one(y, x), return_exceptions=True))


async def _managers(engine: AsyncEngine, x: int, y: int) -> list[int | None]:
    async with async_sessionmaker(engine)() as session:
        stmt = (
            select(col(Person.manager_id))
            .where(col(Person.id).in_([x, y]))
            .order_by(col(Person.id))
        )
        return list((await session.scalars(stmt)).all())


async def test_concurrent_changes_cannot_close_a_loop(
    committed: AsyncEngine, pair: tuple[int, int]
) -> None:
    x, y = pair

    async def change(session: AsyncSession, person_id: int, manager_id: int) -> None:
        await service.update_person(session, SYSTEM, person_id, PersonUpdate(manager_id=manager_id))

    outcomes = await _race(committed, change, x, y)
    failures = [r for r in outcomes if isinstance(r, BaseException)]
    assert outcomes.count(None) == 1
    assert len(failures) == 1
    assert isinstance(failures[0], Conflict)
    assert (failures[0].code, failures[0].field) == ("cycle", "manager_id")
    expected = [y, None] if outcomes[0] is None else [None, x]
    assert await _managers(committed, x, y) == expected


async def test_database_alone_refuses_concurrent_loop(
    committed: AsyncEngine, pair: tuple[int, int]
) -> None:
    x, y = pair

    async def change(session: AsyncSession, person_id: int, manager_id: int) -> None:
        # Raw SQL, past the service: only the trigger and its advisory lock stand guard.
        await session.execute(
            text("UPDATE person SET manager_id = :m WHERE id = :p"),
            {"m": manager_id, "p": person_id},
        )

    outcomes = await _race(committed, change, x, y)
    failures = [r for r in outcomes if isinstance(r, BaseException)]
    assert outcomes.count(None) == 1
    assert len(failures) == 1
    assert isinstance(failures[0], DBAPIError)
    translated = database_error(failures[0])
    assert isinstance(translated, Conflict)
    assert translated.code == "cycle"
    managers = await _managers(committed, x, y)
    assert managers.count(None) == 1

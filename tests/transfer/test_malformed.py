"""Malformed files: each gets the exact report expected, and nothing is written."""

from sqlalchemy.ext.asyncio import AsyncSession

from service.transfer.limits import ImportLimits
from tests.factories import make_department, make_person
from tests.transfer.helpers import FILES, problem, problems_of, zipped

UTF8_HINT = 'Save it as "CSV UTF-8" and import it again.'


async def test_wrong_encoding(session: AsyncSession) -> None:
    data = "email,name\nzoe@example.com,Zoé Blanc\n".encode("latin-1")
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people",
            None,
            None,
            f"The file is not UTF-8 text: byte 0xE9 on line 2 cannot be read. {UTF8_HINT}",
            "wrong_encoding",
        )
    ]


async def test_utf16(session: AsyncSession) -> None:
    data = "email,name\nzoe@example.com,Zoé Blanc\n".encode("utf-16")
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people", None, None, f"The file is UTF-16 text: s{UTF8_HINT[1:]}", "wrong_encoding"
        )
    ]


async def test_missing_and_unknown_columns(session: AsyncSession) -> None:
    data = "email,full_name,title\nzoe@example.com,Zoé Blanc,Recruiter\n"
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people",
            1,
            "name",
            "Missing column 'name': it is required.",
            "missing_column",
        ),
        problem(
            "people",
            1,
            "full_name",
            "Unknown column 'full_name': the columns of people are email, name, title,"
            " department_code, manager_email, is_active.",
            "unknown_column",
        ),
    ]


async def test_missing_key_column_skips_the_rows(session: AsyncSession) -> None:
    data = "name,title\nZoé Blanc,Recruiter\n"
    assert await problems_of(session, data, "people.csv") == [
        problem("people", 1, "email", "Missing column 'email': it is required.", "missing_column")
    ]


async def test_bad_enums(session: AsyncSession) -> None:
    await make_department(session, code="hr")
    await make_person(session, email="amina@example.com")
    data = (
        "code,title,department_code,owner_email,orientation,status,origin\n"
        "INI-1,Portal,hr,amina@example.com,external,ongoing,user need\n"
    )
    assert await problems_of(session, data, "initiatives.csv") == [
        problem(
            "initiatives",
            2,
            "status",
            "'ongoing' is not one of proposed, approved, in_progress, on_hold, done, stopped.",
            "invalid_choice",
        ),
        problem(
            "initiatives",
            2,
            "orientation",
            "'external' is not one of client_facing, internal, hybrid.",
            "invalid_choice",
        ),
    ]


async def test_comma_decimal_in_a_comma_separated_file(session: AsyncSession) -> None:
    data = 'kpi_code,measured_on,value\nNPS,2026-01-31,"12,5"\nNPS,2026-02-28,12,5\n'
    files = {"kpis.csv": FILES["kpis.csv"], "measurements.csv": data}
    files["departments.csv"] = "code,name\nhr,HR\nit,IT\n"
    assert await problems_of(session, zipped(files), "portfolio.zip") == [
        problem(
            "measurements",
            2,
            "value",
            "'12,5' has a comma: write numbers with a dot as the decimal separator and no"
            " thousands separator (e.g. 1234.5). A decimal comma is read only in"
            " semicolon-separated CSV files.",
            "decimal_comma",
        ),
        problem(
            "measurements",
            3,
            None,
            "This row has 4 values but the header has 3 columns: put a value holding the"
            " delimiter in quotes.",
            "too_many_values",
        ),
    ]


async def test_thousands_separator_in_a_semicolon_file(session: AsyncSession) -> None:
    data = "kpi_code;measured_on;value\nNPS;2026-01-31;1.234,5\n"
    files = {**FILES, "measurements.csv": data}
    [found] = await problems_of(session, zipped(files), "portfolio.zip")
    assert (found["sheet"], found["row"], found["column"], found["code"]) == (
        "measurements",
        2,
        "value",
        "decimal_comma",
    )


async def test_unknown_manager_and_department(session: AsyncSession) -> None:
    data = (
        "email,name,department_code,manager_email\n"
        "zoe@example.com,Zoé Blanc,people-ops,boss@example.com\n"
    )
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people",
            2,
            "department_code",
            "No department with code 'people-ops' in the file or the database.",
            "unknown_reference",
        ),
        problem(
            "people",
            2,
            "manager_email",
            "No person with email 'boss@example.com' in the file or the database.",
            "unknown_reference",
        ),
    ]


async def test_cycle_created_by_the_file_with_the_database(session: AsyncSession) -> None:
    boss = await make_person(session, email="boss@example.com")
    await make_person(session, email="aide@example.com", manager_id=boss.id)
    data = "email,name,manager_email\nboss@example.com,The Boss,aide@example.com\n"
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people",
            2,
            "manager_email",
            "This manager makes a reporting cycle: boss@example.com → aide@example.com →"
            " boss@example.com.",
            "manager_cycle",
        )
    ]


async def test_cycle_within_the_file_and_own_manager(session: AsyncSession) -> None:
    data = (
        "email,name,manager_email\n"
        "a@example.com,A,b@example.com\n"
        "b@example.com,B,c@example.com\n"
        "c@example.com,C,a@example.com\n"
        "d@example.com,D,d@example.com\n"
        "e@example.com,E,a@example.com\n"
    )
    assert await problems_of(session, data, "people.csv") == [
        problem(
            "people",
            2,
            "manager_email",
            "This manager makes a reporting cycle: a@example.com → b@example.com →"
            " c@example.com → a@example.com.",
            "manager_cycle",
        ),
        problem(
            "people", 5, "manager_email", "A person cannot be their own manager.", "self_reference"
        ),
    ]


async def test_duplicate_code(session: AsyncSession) -> None:
    data = "code,name\nhr,Human Resources\nit,IT\nhr,People\n"
    assert await problems_of(session, data, "departments.csv") == [
        problem(
            "departments",
            4,
            "code",
            "Duplicate department code 'hr': it is also on row 2.",
            "duplicate_key",
        )
    ]


async def test_duplicate_measurement(session: AsyncSession) -> None:
    data = "kpi_code,measured_on,value\nNPS,2026-01-31,1\nNPS,2026-01-31,2\n"
    files = {**FILES, "measurements.csv": data}
    assert await problems_of(session, zipped(files), "portfolio.zip") == [
        problem(
            "measurements",
            3,
            "measured_on",
            "Duplicate measurement of 'NPS' on 2026-01-31: it is also on row 2.",
            "duplicate_key",
        )
    ]


async def test_empty_file(session: AsyncSession) -> None:
    assert await problems_of(session, b"", "people.csv") == [
        problem(None, None, None, "The file is empty.", "empty_file")
    ]


async def test_header_without_rows(session: AsyncSession) -> None:
    assert await problems_of(session, "email,name\n\n", "people.csv") == [
        problem(None, None, None, "The file holds no rows to import.", "no_rows")
    ]


async def test_xlsx_that_is_really_a_csv(session: AsyncSession) -> None:
    assert await problems_of(session, "code,name\nhr,HR\n", "portfolio.xlsx") == [
        problem(
            None,
            None,
            None,
            "The file is named .xlsx but is not an Excel workbook: its content is plain text"
            " (a CSV?). Save it as a workbook, or rename it to .csv.",
            "not_a_workbook",
        )
    ]


async def test_file_over_the_size_limit(session: AsyncSession) -> None:
    data = "code,name\nhr,Human Resources\n"
    limits = ImportLimits(max_bytes=20)
    assert await problems_of(session, data, "departments.csv", limits=limits) == [
        problem(
            None,
            None,
            None,
            "The file is 29 bytes; the import limit is 20 bytes (IMPORT_MAX_BYTES).",
            "file_too_large",
        )
    ]


async def test_unnamed_csv(session: AsyncSession) -> None:
    data = "title,colour\nx,y\n"
    assert await problems_of(session, data, "export.csv") == [
        problem(
            None,
            None,
            None,
            "Cannot tell which sheet 'export.csv' holds: name the file after it"
            " (departments.csv, people.csv, kpis.csv, initiatives.csv, measurements.csv or"
            " checkins.csv).",
            "unknown_sheet",
        )
    ]


async def test_every_cell_is_checked(session: AsyncSession) -> None:
    data = (
        "initiative_code,reported_on,percent_complete,health,confidence,spent_to_date,summary\n"
        "INI-9,31/01/2026,120,purple,7.5,-3,\n"
    )
    assert await problems_of(session, data, "checkins.csv") == [
        problem(
            "checkins",
            2,
            "initiative_code",
            "No initiative with code 'INI-9' in the file or the database.",
            "unknown_reference",
        ),
        problem(
            "checkins",
            2,
            "reported_on",
            "'31/01/2026' is not a date: write YYYY-MM-DD (e.g. 2026-03-31).",
            "invalid_date",
        ),
        problem(
            "checkins",
            2,
            "percent_complete",
            "120 is out of range: it must be between 0 and 100.",
            "out_of_range",
        ),
        problem(
            "checkins", 2, "health", "'purple' is not one of green, amber, red.", "invalid_choice"
        ),
        problem("checkins", 2, "confidence", "'7.5' is not a whole number.", "invalid_integer"),
        problem(
            "checkins",
            2,
            "spent_to_date",
            "-3 is out of range: it must be at least 0.",
            "out_of_range",
        ),
        problem("checkins", 2, "summary", "A value is required.", "required"),
    ]


async def test_lifecycle_rules(session: AsyncSession) -> None:
    await make_department(session, code="hr")
    await make_person(session, email="amina@example.com")
    data = (
        "code,title,department_code,owner_email,orientation,client_share,status,"
        "lessons_learned,start_date,target_date\n"
        "INI-1,Portal,hr,amina@example.com,internal,0.4,stopped,,2026-06-01,2026-01-01\n"
        "INI-2,Shop,hr,amina@example.com,hybrid,1.5,approved,,,\n"
    )
    assert await problems_of(session, data, "initiatives.csv") == [
        problem(
            "initiatives",
            2,
            "client_share",
            "client_share is 0 for an internal initiative; only a hybrid initiative takes a"
            " share between 0 and 1.",
            "client_share_not_settable",
        ),
        problem(
            "initiatives",
            2,
            "lessons_learned",
            "A stopped initiative needs lessons learned: say what the attempt taught.",
            "lessons_learned_required",
        ),
        problem(
            "initiatives",
            2,
            "target_date",
            "target_date 2026-01-01 is before start_date 2026-06-01.",
            "target_before_start",
        ),
        problem(
            "initiatives",
            3,
            "client_share",
            "1.5 is out of range: it must be between 0 and 1.",
            "out_of_range",
        ),
    ]


async def test_nul_character_in_a_text_cell(session: AsyncSession) -> None:
    await make_department(session, code="hr")
    data = "email,name,department_code\nzoe@example.com,Zoé\x00Blanc,hr\n"
    assert await problems_of(session, data, "people.csv") == [
        problem("people", 2, "name", "Text must not contain NUL characters.", "nul_character")
    ]

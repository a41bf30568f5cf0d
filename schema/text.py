"""The longest text each kind of column holds, and the string types that enforce it.

One place for every limit: the table columns are `varchar(n)` of these lengths, and the
request payloads (REST, GraphQL inputs, page forms) and the import check them with the
same numbers, so a value the API accepts always fits the table and the reverse.
"""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

# Codes of departments, KPIs and initiatives; a KPI's unit.
CODE_MAX = 40
# Names of departments, people, KPIs and tokens; a person's job title; a measurement source.
NAME_MAX = 200
# An initiative's title.
TITLE_MAX = 300
# An email address (RFC 5321: 64 + 1 + 255).
EMAIL_MAX = 320
# A password as typed (only its hash is stored).
PASSWORD_MAX = 200
# Check-in notes (summary, blockers, next steps) and why an initiative serves a KPI.
NOTE_MAX = 4_000
# Longer prose: an initiative's description, user need, target users, hypothesis and
# lessons learned; a KPI's definition.
LONG_TEXT_MAX = 10_000

NUL_MESSAGE = "must not contain NUL characters"


def refuse_nul(value: str) -> str:
    """`value` unchanged; refused when it holds a NUL character (PostgreSQL cannot store it)."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", NUL_MESSAGE)
    return value


NoNul = AfterValidator(refuse_nul)

# Text a person typed: no NUL character; give it a max_length where it is used.
Text = Annotated[str, NoNul]
Code = Annotated[str, StringConstraints(max_length=CODE_MAX), NoNul]
Name = Annotated[str, StringConstraints(max_length=NAME_MAX), NoNul]
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX), NoNul]
Email = Annotated[str, StringConstraints(max_length=EMAIL_MAX), NoNul]
Password = Annotated[str, StringConstraints(max_length=PASSWORD_MAX), NoNul]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX), NoNul]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX), NoNul]


def refuse_blank(value: str) -> str:
    """`value` unchanged; refused when it is empty or only spaces."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value


NotBlank = AfterValidator(refuse_blank)
NonBlankName = Annotated[Name, NotBlank]
NonBlankTitle = Annotated[Title, NotBlank]
NonBlankNote = Annotated[Note, NotBlank]

"""Every stored value the pages show through `| label` has its words in both languages."""

from enum import StrEnum

import pytest

from schema.decision import ApprovalCheck, ChangeRequestStatus
from schema.enums import (
    Cadence,
    Direction,
    Health,
    InitiativeStatus,
    IrritantStatus,
    LinkKind,
    Orientation,
    Origin,
    Perspective,
    Role,
    Severity,
)
from service import i18n
from service.pages.render import LABELS, label
from service.portfolio.payloads import FlagCode

SHOWN: tuple[type[StrEnum], ...] = (
    InitiativeStatus,
    Orientation,
    Origin,
    LinkKind,
    Direction,
    Perspective,
    Cadence,
    Health,
    Severity,
    IrritantStatus,
    Role,
    ChangeRequestStatus,
    ApprovalCheck,
    FlagCode,
)
MEMBERS = [member for enum in SHOWN for member in enum]


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.value}")
def test_every_shown_value_is_labelled_in_french(member: StrEnum) -> None:
    assert member.value in LABELS
    with i18n.use("fr"):
        french = label(member)
    assert french and french != label(member)


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (InitiativeStatus.in_progress, "In progress", "En cours"),
        (InitiativeStatus.stopped, "Stopped", "Arrêtée"),
        (Orientation.client_facing, "Client-facing", "Orienté client"),
        (Health.amber, "Amber", "Orange"),
        (Severity.high, "High", "Haute"),
        (Role.cdo_office, "CDO office", "Bureau du CDO"),
        (FlagCode.STALE_UPDATE, "Stale check-in", "Point d'avancement en retard"),
        (ChangeRequestStatus.withdrawn, "Withdrawn", "Retirée"),
    ],
)
def test_labels_in_each_language(value: StrEnum, english: str, french: str) -> None:
    assert label(value) == english
    assert label(value.value) == english
    with i18n.use("fr"):
        assert label(value) == french

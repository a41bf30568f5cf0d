"""KPI tests act as the CDO office (authentication is tested where it lives)."""

from typing import Any

import pytest

from service.actor import SYSTEM
from service.deps import current_actor


@pytest.fixture(autouse=True)
def signed_in(app: Any) -> None:
    """Requests act as the CDO office."""
    app.dependency_overrides[current_actor] = lambda: SYSTEM

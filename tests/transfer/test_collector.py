"""Full garbage collections are held off while imports run, and only then."""

import gc
from collections.abc import Iterator

import pytest

from service.transfer import collector


@pytest.fixture
def thresholds() -> Iterator[tuple[int, ...]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_held_from_the_first_import_to_the_last(thresholds: tuple[int, ...]) -> None:
    held = (thresholds[0], thresholds[1], collector.NEVER)
    with collector.full_collections_held():
        assert gc.get_threshold() == held
        with collector.full_collections_held():
            assert gc.get_threshold() == held
        assert gc.get_threshold() == held  # the first import is still running
    assert gc.get_threshold() == thresholds


def test_restored_when_an_import_fails(thresholds: tuple[int, ...]) -> None:
    with pytest.raises(ValueError), collector.full_collections_held():
        raise ValueError("unreadable")
    assert gc.get_threshold() == thresholds


def test_young_collections_go_on(thresholds: tuple[int, ...]) -> None:
    with collector.full_collections_held():
        assert gc.isenabled() is True
        assert gc.get_threshold()[:2] == thresholds[:2]

"""A real Synapse for the whole session; people and bots per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.matrix.helpers import BotUnderTest, Person, unique
from tests.matrix.synapse import Account, Synapse


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def register(synapse: Synapse) -> Callable[[str], Account]:
    def make(prefix: str) -> Account:
        return synapse.register(unique(prefix))

    return make


@pytest.fixture
async def people(
    synapse: Synapse, register: Callable[[str], Account], tmp_path: Path
) -> AsyncIterator[Callable[[str], Person]]:
    """`await person("anna")` in a test would be nicer; this returns a starter."""
    started: list[Person] = []

    def make(prefix: str) -> Person:
        person = Person(synapse, register(prefix), tmp_path / "people" / prefix)
        started.append(person)
        return person

    yield make
    for person in started:
        await person.close()


@pytest.fixture
async def bot(
    synapse: Synapse, register: Callable[[str], Account], tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    """partnerbot's own account, with its database and store in this test's temp dir."""
    under_test = BotUnderTest(synapse, register("partnerbot"), tmp_path / "bot")
    try:
        yield under_test
    finally:
        await under_test.stop()

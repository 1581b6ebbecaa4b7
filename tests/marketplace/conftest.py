import pytest

from accounts import roles
from tests import factories


@pytest.fixture
def owner(db):
    return factories.UserFactory(roles=[roles.ENTREPRENEUR], display_name="Fatou")


@pytest.fixture
def manager(db):
    return factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])


@pytest.fixture
def stranger(db):
    return factories.UserFactory(roles=[roles.ENTREPRENEUR])


@pytest.fixture
def business(owner):
    return factories.business(owner, status="draft", registration_number="ICE-000123456")

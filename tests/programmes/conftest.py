import pytest

from accounts import roles
from tests import factories


@pytest.fixture
def events_index(home):
    from cms.models import EventIndexPage

    return factories.add_page(home, EventIndexPage, title="Événements", slug="evenements")


@pytest.fixture
def manager(db):
    return factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])


@pytest.fixture
def programme(db):
    return factories.programme()


@pytest.fixture
def event(events_index, programme):
    return factories.event_page(
        events_index, capacity=2, programme=programme, counts_as="informed", slug="session"
    )

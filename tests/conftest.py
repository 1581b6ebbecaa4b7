import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache is real (Redis in CI): start and end every test without leftovers.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return factories.build_home()


@pytest.fixture
def user(db):
    return factories.UserFactory(roles=["Entrepreneurs"])


@pytest.fixture
def other_user(db):
    return factories.UserFactory(roles=["Entrepreneurs"])


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import queries
from tests import factories

pytestmark = pytest.mark.django_db


def _figures():
    with CaptureQueriesContext(connection) as context:
        figures = queries.programme_figures()
    return figures, len(context)


def test_programme_figures_in_a_constant_number_of_queries(owner):
    owner.gender = "woman"
    owner.save()
    factories.business(owner, stage="idea", sector="crafts")
    factories.business(owner, stage="operating", region="tanger-tetouan-al-hoceima", city="Tanger")
    factories.business(owner, status="draft")
    figures, few = _figures()
    assert figures["businesses_by_stage"] == {"idea": 1, "operating": 1}
    assert figures["businesses_by_region"] == {
        "rabat-sale-kenitra": 1,
        "tanger-tetouan-al-hoceima": 1,
    }
    assert figures["owners_by_gender"] == {"woman": 1}  # one person, counted once
    man = factories.UserFactory(gender="man")
    silent = factories.UserFactory(gender="")
    for person in (man, silent):
        for _ in range(5):
            factories.business(person, sector="it")
    figures, many = _figures()
    assert many == few
    assert figures["businesses_by_sector"]["it"] == 10
    assert figures["owners_by_gender"] == {"man": 1, "woman": 1}

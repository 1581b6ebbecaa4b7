"""Reads that rank and explain: requests for a mentor, reasons in the reader's language, and
directory queries whose count does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mentoring import queries, services
from mentoring.matching import Reason
from mentoring.reasons import describe
from tests import factories
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.django_db


def test_a_mentor_sees_the_most_promising_requests_first():
    mentor = make_mentor(languages=["fr"], topics=["accounting"], sectors=["food"])
    weak_owner, strong_owner = factories.UserFactory(), factories.UserFactory()
    weak = factories.business(weak_owner, sector="it", needs=["premises"], region="oriental")
    strong = factories.business(strong_owner, sector="food", needs=["accounting"])
    services.mentorship_request(actor=weak_owner, mentor=mentor, business=weak)
    services.mentorship_request(actor=strong_owner, mentor=mentor, business=strong)
    services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)  # no business
    ranked = queries.requests_ranked(mentor)
    assert [m.business for m, _match in ranked] == [strong, weak, None]
    assert ranked[0][1].score > ranked[1][1].score


def test_reasons_read_in_the_users_language():
    reasons = [
        Reason("languages", ("fr", "wo")),
        Reason("expertise", ("accounting", "marketing")),
        Reason("region", ("tanger-tetouan-al-hoceima",)),
    ]
    with translation.override("en"):
        english = describe(reasons)
    with translation.override("fr"):
        french = describe(reasons)
    with translation.override("ar"):
        arabic = describe(reasons)
    assert english == (
        "speaks French and Wolof; knows accounting and marketing; also in Tanger-Tétouan-Al Hoceïma"
    )
    assert french.startswith("parle français et wolof; connaît comptabilité et marketing")
    assert arabic.startswith("يتحدث") and "؛ " in arabic and "Tanger" not in arabic


def test_directory_queries_do_not_grow_with_the_mentors(client):
    make_mentor()
    client.get("/fr/mentors/")  # caches of the site and locales fill on the first page
    with CaptureQueriesContext(connection) as few:
        client.get("/fr/mentors/")
    for _ in range(15):
        make_mentor()
    with CaptureQueriesContext(connection) as many:
        client.get("/fr/mentors/")
    assert len(many) == len(few)

import time

import pytest
from django.core.management import call_command

from cms.models import EventPage
from programmes import indicators, services
from programmes.models import Attendance, EventRegistration, Indicator, Programme


@pytest.mark.django_db
def test_the_demo_programme_has_figures_and_a_second_run_creates_nothing():
    from programmes import demo

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    programme = Programme.objects.get(slug=demo.SLUG)
    assert programme.institutions.count() == 3
    targets = {t.indicator: t.target_value for t in programme.targets.all()}
    assert targets["informed"] == 800 and targets["fund_committed_eur"] == 100000
    assert programme.opportunities.count() == 2
    assert EventPage.objects.filter(programme=programme).count() >= 5
    people = Attendance.objects.filter(event__programme=programme)
    assert people.filter(user__isnull=True).exists() and people.filter(user__isnull=False).exists()
    assert set(people.values_list("gender", flat=True)) >= {"woman", "man"}
    assert set(people.values_list("region", flat=True)) >= {"rabat-sale", "tanger-tetouan"}
    assert 30 <= people.count() <= 100
    counts = (EventRegistration.objects.count(), Attendance.objects.count())
    # The dashboard tells a story: people at every step, grants partly paid out.
    figures = indicators.programme_figures(programme)
    achieved = {row.indicator: row.achieved.value for row in figures["rows"]}
    assert all(achieved[code] > 0 for code in Indicator.values), achieved
    assert achieved["applied"] > achieved["certified"] > achieved["business_created"]
    fund = services.fund_totals(programme)
    assert 0 < fund["disbursed"] < fund["committed"] <= fund["fund"] == 100000

    started = time.monotonic()
    for _label, step in demo.steps():
        assert step() == 0
    assert time.monotonic() - started < 5
    assert (EventRegistration.objects.count(), Attendance.objects.count()) == counts

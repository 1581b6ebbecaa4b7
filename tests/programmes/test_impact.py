"""The impact dashboard: figures from what happened, small cells hidden everywhere (screen,
CSV, XLSX), exports in the logframe's layout, and a query count that does not grow."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts import roles
from programmes import indicators, services
from programmes.charts import nice_ceiling, progress_chart
from programmes.disclosure import suppress
from programmes.models import Attendance, Journey, StepRecord, Target
from tests import factories


@pytest.fixture
def funder(db):
    return factories.UserFactory(roles=[roles.FUNDER])


def people(
    programme, count, *, gender="woman", region="rabat-sale", step="applied", on=date(2026, 4, 10)
):
    """`count` journeys that reached `step`, made in bulk (the query-count test needs 1,000)."""
    users = [factories.UserFactory.build(gender=gender) for _ in range(count)]
    from accounts.models import User

    users = User.objects.bulk_create(users)
    journeys = Journey.objects.bulk_create(
        Journey(programme=programme, person=user, region=region, step=step) for user in users
    )
    StepRecord.objects.bulk_create(
        StepRecord(journey=journey, step=name, reached_on=on)
        for journey in journeys
        for name in ("informed", "applied", "selected", "trained")[
            : ("informed", "applied", "selected", "trained").index(step) + 1
        ]
    )
    return journeys


def test_small_cells_are_hidden_with_the_next_smallest_when_one_alone_would_show():
    cells = suppress({"a": 3, "b": 0, "c": 12, "d": 40})
    assert [str(cells[k]) for k in "abcd"] == ["< 5", "0", "< 5", "40"]
    assert cells["c"].value == 12 and cells["c"].export_value == "< 5"
    cells = suppress({"a": 3, "b": 4, "c": 12})
    assert [cells[k].hidden for k in "abc"] == [True, True, False]
    money = suppress({"x": 2, "y": 9}, amounts={"x": Decimal("5000"), "y": Decimal("60000")})
    assert money["x"].hidden and money["y"].hidden  # one hidden alone would be total − the other


def test_a_chart_has_round_axes_and_says_when_it_is_empty():
    assert [nice_ceiling(v) for v in (0, 7, 12, 260, 800, 1000)] == [1, 10, 20, 500, 1000, 1000]
    assert progress_chart([]).empty
    chart = progress_chart([("Q1", 0), ("Q2", 50), ("Q3", 120)], target=400)
    assert not chart.empty and chart.target_y is not None and len(chart.points.split()) == 3
    assert [label for _y, label in chart.y_ticks] == ["0", "250", "500"]


def test_the_figures_come_from_attendance_journeys_and_grants(manager, programme, events_index):
    Target.objects.create(programme=programme, indicator="informed", target_value=800)
    Target.objects.create(programme=programme, indicator="fund_committed_eur", target_value=100000)
    session = factories.event_page(
        events_index, starts_in_days=-30, programme=programme, counts_as="informed", slug="info-1"
    )
    again = factories.event_page(
        events_index, starts_in_days=-20, programme=programme, counts_as="informed", slug="info-2"
    )
    for event in (session, again):  # the same six people at both sessions count once
        for number in range(6):
            Attendance.objects.create(
                event=event,
                person_key=f"p:06000000{number}",
                name=f"P{number}",
                gender="man",
                region="tanger-tetouan",
            )
    people(programme, 7, step="selected")
    programme.fund_eur = Decimal("100000")
    programme.save()
    business = factories.business(factories.UserFactory(), legal_form="cooperative", sector="food")
    services.grant_award(
        actor=manager,
        programme=programme,
        business=business,
        amount_eur="8000",
        exchange_rate="10.9",
        decided_on=date(2026, 5, 1),
        purpose="Four",
        tranches=[{"amount_eur": "8000", "condition": "Devis", "due_on": date(2026, 6, 1)}],
    )
    figures = indicators.programme_figures(programme, today=date(2026, 11, 1))
    achieved = {row.indicator: row.achieved for row in figures["rows"]}
    assert achieved["informed"] == 6 + 7  # six came twice; seven have a journey
    assert achieved["applied"] == 7 and achieved["selected"] == 7 and achieved["trained"] == 0
    assert achieved["funded"] == 1 and achieved["fund_committed_eur"] == Decimal("8000")
    informed = next(row for row in figures["rows"] if row.indicator == "informed")
    assert informed.target == 800 and informed.progress == 2  # 13 of 800
    assert figures["periods"] == ["T1 2026", "T2 2026", "T3 2026", "T4 2026"]  # in French
    gender = figures["breakdowns"]["gender"]
    funded_row = [
        cells for row, cells in figures["breakdowns"]["sector"]["rows"] if row.indicator == "funded"
    ][0]
    assert all(cell.hidden or cell.value == 0 for cell in funded_row)  # one business: hidden
    applied_cells = [cells for row, cells in gender["rows"] if row.indicator == "applied"][0]
    assert 7 in [cell.value for cell in applied_cells if not cell.hidden]


def test_the_dashboard_exports_and_printable_page_hide_small_cells(
    manager, funder, programme, client
):
    Target.objects.create(programme=programme, indicator="applied", target_value=400, baseline=10)
    people(programme, 9, gender="woman")
    people(programme, 2, gender="man", region="tanger-tetouan")
    client.force_login(funder)
    page = client.get(f"/admin/impact/{programme.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        html.count('<svg class="progress-chart"') == len(indicators.I.values)
        and 'data-table="series-applied"' in html
    )
    assert "&lt; 5" in html
    csv_file = client.get(f"/admin/impact/{programme.pk}/export.csv?table=logframe")
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 7 and len(rows) == 1 + len(indicators.I.values)
    applied = rows[1 + indicators.I.values.index("applied")]
    assert applied[4] == "11"
    assert applied[2] == "10" and applied[3] == "400"
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/impact/{programme.pk}/export.xlsx?table=logframe").content)
    )
    assert len(workbook.sheetnames) == 3
    logframe = list(workbook.worksheets[0].values)
    assert any(row[3] == 400 and row[4] == 11 for row in logframe[1:])
    breakdowns = list(workbook.worksheets[2].values)
    assert any(row[3] == "< 5" for row in breakdowns[1:])  # the two men
    assert not any(row[3] == 2 for row in breakdowns[1:])
    records = list(
        load_workbook(
            io.BytesIO(
                client.get(f"/admin/impact/{programme.pk}/export.xlsx?table=records").content
            )
        )
        .worksheets[0]
        .values
    )
    assert len(records) == 12
    flat = " ".join(str(cell) for row in records for cell in row)
    assert "@example.org" not in flat and all(row[0].startswith("J-") for row in records[1:])
    printable = client.get(f"/admin/impact/{programme.pk}/print/")
    assert (
        printable.status_code == 200
        and '<details class="impact-chart-table" open>' in printable.content.decode()
    )
    assert client.get(f"/admin/impact/{programme.pk}/export.csv?table=secrets").status_code == 404


def test_who_may_see_the_dashboard(programme, client):
    for user in (
        factories.UserFactory(roles=[roles.ENTREPRENEUR]),
        factories.UserFactory(roles=[roles.INSTITUTION_STAFF]),
    ):
        client.force_login(user)
        for url in (
            f"/admin/impact/{programme.pk}/",
            f"/admin/impact/{programme.pk}/export.csv",
            f"/admin/impact/{programme.pk}/print/",
        ):
            assert client.get(url).status_code in (302, 403)
    client.logout()
    assert client.get(f"/admin/impact/{programme.pk}/").status_code == 302


def test_the_number_of_queries_does_not_grow_with_the_people(
    manager, programme, client, events_index
):
    client.force_login(manager)
    event = factories.event_page(
        events_index, starts_in_days=-3, programme=programme, counts_as="informed"
    )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/admin/impact/{programme.pk}/").status_code == 200
        return len(captured)

    people(programme, 10)
    Attendance.objects.bulk_create(
        Attendance(event=event, person_key=f"p:{n}", name="x") for n in range(10)
    )
    small = queries()
    people(programme, 990, step="trained")
    Attendance.objects.bulk_create(
        Attendance(event=event, person_key=f"p:{n}", name="x") for n in range(10, 1000)
    )
    assert queries() == small


def test_informed_counts_attendance_and_journeys_once_per_person(manager, programme, events_index):
    session = factories.event_page(
        events_index, starts_in_days=-30, programme=programme, counts_as="informed", slug="info"
    )
    journeys = people(programme, 3, step="informed")  # informed on paper
    came = journeys[0].person
    Attendance.objects.create(event=session, person_key=f"u:{came.pk}", user=came, name="x")
    Attendance.objects.create(event=session, person_key="p:+212600000001", name="y")
    figures = indicators.programme_figures(programme, today=date(2026, 11, 1))
    informed = next(row for row in figures["rows"] if row.indicator == "informed")
    assert informed.achieved == 4  # three journeys (one also came) and one person without account

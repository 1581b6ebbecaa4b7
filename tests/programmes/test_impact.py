"""The impact dashboard: figures from what happened, protected everywhere they are published
(screen, printable page, CSV, XLSX) so that a reader working from them (the attacker of
tests/programmes/attacker.py) cannot work out a small figure, exports in the logframe's
layout, the records export for cleared staff only, and a query count that does not grow."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts import roles
from programmes import indicators, services
from programmes.charts import nice_ceiling, progress_chart
from programmes.models import Attendance, Indicator, Journey, StepRecord, Target
from tests import factories
from tests.programmes import attacker


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


def test_a_chart_has_round_axes_and_says_when_it_is_empty():
    assert [nice_ceiling(v) for v in (0, 7, 12, 260, 800, 1000)] == [1, 10, 20, 500, 1000, 1000]
    assert progress_chart([]).empty
    chart = progress_chart([("Q1", 0), ("Q2", 50), ("Q3", 120)], target=400)
    assert not chart.empty and chart.target_y is not None
    assert [len(points.split()) for points, _area in chart.segments] == [3]
    assert [label for _y, label in chart.y_ticks] == ["0", "250", "500"]


def test_a_chart_never_draws_a_hidden_point_nor_lets_it_set_the_axis():
    chart = progress_chart([("Q1", 0), ("Q2", None), ("Q3", 60), ("Q4", None)])
    assert [len(points.split()) for points, _area in chart.segments] == [1, 1]
    assert chart.last is None  # the latest figure is hidden: no dot, no label
    assert [label for _y, label in chart.y_ticks][-1] == "100"  # from 60, whatever is hidden
    hidden = progress_chart([("Q1", None), ("Q2", None)], target=10)
    assert hidden.all_hidden and hidden.segments == [] and hidden.last is None


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
    achieved = {row.indicator: row.achieved.value for row in figures["rows"]}
    assert achieved["informed"] == 6 + 7  # six came twice; seven have a journey
    assert achieved["applied"] == 7 and achieved["selected"] == 7 and achieved["trained"] == 0
    assert achieved["funded"] == 1 and achieved["fund_committed_eur"] == Decimal("8000")
    informed = next(row for row in figures["rows"] if row.indicator == "informed")
    assert informed.target == 800 and informed.progress.value == 2  # 13 of 800
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
    table = attacker.table_of(rows)
    assert len(table[0]) == 7 and len(table) == 1 + len(indicators.I.values)
    assert rows[len(table)] == [] and len(rows[len(table) + 1 :]) == 2  # the marks explained
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
    client.force_login(manager)  # funders never get the records
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
    assert informed.achieved.value == 4  # three journeys (one also came), one without account


# --- Disclosure control, as a reader of the published figures sees it ----------------------


def grant(manager, programme, business, amount="8000", on=date(2026, 5, 1)):
    return services.grant_award(
        actor=manager,
        programme=programme,
        business=business,
        amount_eur=amount,
        exchange_rate="10.9",
        decided_on=on,
        purpose="Équipement",
        tranches=[{"amount_eur": amount, "condition": "Devis", "due_on": on}],
    )


def one_applicant(programme, manager):
    people(programme, 1, gender="woman")


def four_businesses_funded_in_four_sectors(programme, manager):
    for sector in ("food", "crafts", "textile", "it"):
        grant(manager, programme, factories.business(factories.UserFactory(), sector=sector))


def applicants_by_region_eleven_eleven_and_three(programme, manager):
    people(programme, 11, region="rabat-sale")
    people(programme, 11, region="tanger-tetouan", gender="man")
    people(programme, 3, region="other")


def two_businesses_funded(programme, manager):
    grant(manager, programme, factories.business(factories.UserFactory()), "9000")
    grant(manager, programme, factories.business(factories.UserFactory()), "15000")


def a_steady_programme(programme, manager):
    """Enough people for most cells to show, with small groups here and there."""
    for month, count in ((2, 9), (4, 14), (7, 3), (10, 8)):
        people(programme, count, on=date(2026, month, 5))
    people(programme, 6, gender="man", region="tanger-tetouan", step="trained")
    people(programme, 2, gender="other", step="selected", on=date(2026, 8, 1))
    for index, sector in enumerate(("food",) * 5 + ("crafts",)):
        business = factories.business(factories.UserFactory(), sector=sector)
        grant(manager, programme, business, str(6000 + 1000 * index), date(2026, 3 + index, 2))


ISSUE_EXAMPLES = {
    # "0, 0, < 5" with a total of 1 beside them: the hidden cell was 1.
    "a total of one beside zeros": one_applicant,
    # Four "< 5" sector cells and a total of 4: each was exactly 1.
    "four small cells and their total": four_businesses_funded_in_four_sectors,
    # "< 5, 11, < 5" with a total of 25: a cell of 11 was labelled "< 5".
    "a neighbour of eleven labelled < 5": applicants_by_region_eleven_eleven_and_three,
    # "Funds committed (EUR)" showed "< 5", which reads as less than five euros.
    "euros marked as a count": two_businesses_funded,
    "a steady programme": a_steady_programme,
}


@pytest.mark.parametrize("scenario", ISSUE_EXAMPLES.values(), ids=ISSUE_EXAMPLES.keys())
def test_no_hidden_figure_of_the_logframe_can_be_worked_out_and_no_mark_is_false(
    scenario, manager, funder, programme, client
):
    programme.fund_eur = Decimal("100000")
    programme.save()
    Target.objects.create(programme=programme, indicator="applied", target_value=400)
    Target.objects.create(programme=programme, indicator="funded", target_value=20)
    scenario(programme, manager)
    client.force_login(funder)
    publication, progress, truth = attacker.attack_the_logframe(client, programme)
    assert attacker.Attack(publication).failures(truth) == []
    for code, shown in progress.items():  # a progress gives its total away: hidden with it
        if publication.hidden((code, "total")):
            assert shown in (None, "", "—"), code


def test_a_small_total_is_hidden_wherever_it_appears(funder, programme, client):
    Target.objects.create(programme=programme, indicator="applied", target_value=400)
    people(programme, 3)
    client.force_login(funder)
    label = str(Indicator("applied").label)
    for url in (f"/admin/impact/{programme.pk}/", f"/admin/impact/{programme.pk}/print/"):
        html = client.get(url).content.decode()
        tables = attacker.html_tables(html)
        row = next(row for row in tables["indicators"] if row[0] == label)
        assert row[3:5] == ["< 5", "—"]  # achieved, and the progress that would give it away
        series = [cell for _quarter, cell in tables["series-applied"][1:]]
        assert series[-1] == "< 5" and "3" not in series
        chart = re.search(r'<svg[^>]*data-chart="chart-svg-applied".*?</svg>', html, re.S)[0]
        assert "<circle" not in chart  # the latest figure is not drawn
        assert "—" in "".join(html.split("impact-notes")[1:2])  # the marks are explained
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    f"/admin/impact/{programme.pk}/export.csv?table=logframe"
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1 + attacker.CODES.index("applied")][4:6] == ["< 5", "—"]
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/impact/{programme.pk}/export.xlsx?table=logframe").content)
    )
    by_quarter = attacker.table_of(list(workbook.worksheets[1].values))
    assert 3 not in by_quarter[1 + attacker.CODES.index("applied")]


def test_the_start_up_fund_hides_what_a_few_grants_would_give_away(
    manager, funder, programme, client
):
    programme.fund_eur = Decimal("100000")
    programme.save()
    first = grant(manager, programme, factories.business(factories.UserFactory()), "9000")
    grant(manager, programme, factories.business(factories.UserFactory()), "7000")
    tranche = first.tranches.get()
    services.tranche_condition_met(actor=manager, tranche=tranche, on=date(2026, 5, 2))
    services.disbursement_record(
        actor=manager, tranche=tranche, amount_eur="9000", paid_on=date(2026, 5, 3), reference="V1"
    )
    client.force_login(funder)
    compact = re.sub(r"\s", "", client.get(f"/admin/impact/{programme.pk}/").content.decode())
    # Committed (16,000), paid out (9,000: one business) and what remains (84,000).
    assert "16000" not in compact and "9000" not in compact and "84000" not in compact
    assert "100000€" in compact  # the fund itself is the programme's, not anyone's


def impact_viewer_without_clearance():
    user = factories.UserFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="view_impact", content_type__app_label="programmes"),
    )
    return user


RECORDS_READERS = {
    "programme manager": (lambda: factories.UserFactory(roles=[roles.PROGRAMME_MANAGER]), 200),
    "administrator": (
        lambda: factories.UserFactory(is_superuser=True, is_staff=True),
        200,
    ),
    "funder": (lambda: factories.UserFactory(roles=[roles.FUNDER]), 403),
    "impact reader without the clearance": (impact_viewer_without_clearance, 403),
    "editor": (lambda: factories.UserFactory(roles=[roles.EDITOR]), 403),
    "anonymous": (lambda: None, 302),
}


@pytest.mark.parametrize(("reader", "status"), RECORDS_READERS.values(), ids=RECORDS_READERS.keys())
def test_only_staff_cleared_for_sensitive_data_get_the_records(reader, status, programme, client):
    people(programme, 6)
    user = reader()
    if user is not None:
        client.force_login(user)
    for file_format in ("csv", "xlsx"):
        response = client.get(f"/admin/impact/{programme.pk}/export.{file_format}?table=records")
        assert response.status_code == status
    dashboard = client.get(f"/admin/impact/{programme.pk}/")
    if dashboard.status_code == 200:  # the links are offered exactly to those who may follow
        assert ("table=records" in dashboard.content.decode()) == (status == 200)


def test_a_value_outside_the_choices_counts_as_not_stated(funder, programme, events_index, client):
    session = factories.event_page(
        events_index, starts_in_days=-3, programme=programme, counts_as="informed"
    )
    for number in range(6):  # stored by an import, not through a form
        Attendance.objects.create(
            event=session, person_key=f"p:0600{number}", name="x", region="atlantis"
        )
    figures = indicators.programme_figures(programme)
    region = figures["breakdowns"]["region"]
    informed = next(cells for row, cells in region["rows"] if row.indicator == "informed")
    assert informed[-1].value == 6 and str(informed[-1]) == "6"  # the last column: not stated
    client.force_login(funder)
    assert client.get(f"/admin/impact/{programme.pk}/").status_code == 200

"""What leaves the platform about a programme, measured on the files themselves: the
anonymised records are generalised until every combination of quasi-identifiers is shared by
at least five journeys (k-anonymity) and say how, and the logframe lets no small figure be
worked out — for the demo programme and for a generated cohort of 2,000 people."""

import csv
import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import User
from programmes import demo, synthetic
from programmes.models import Programme
from tests.programmes import attacker

# Cohort, region, gender, step reached, the eight steps' dates, legal form, sector.
QUASI_IDENTIFIERS = slice(1, 15)


def smallest_class(rows):
    """k: how many journeys share the rarest combination of quasi-identifiers."""
    return min(Counter(tuple(row[QUASI_IDENTIFIERS]) for row in rows).values())


def download_records(client, programme):
    """(rows, what was done) from the CSV, after checking that the XLSX says the same."""
    response = client.get(f"/admin/impact/{programme.pk}/export.csv?table=records")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = attacker.table_of(lines)
    about = lines[len(table) + 1 :]
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/impact/{programme.pk}/export.xlsx?table=records").content)
    )
    records, generalisation = (list(sheet.values) for sheet in workbook.worksheets)
    assert [[str(cell) for cell in row] for row in generalisation] == about
    assert [row[QUASI_IDENTIFIERS] for row in table] == [
        [cell or "" for cell in row[QUASI_IDENTIFIERS]] for row in records
    ]
    return table, about


def check_records(client, programme, journeys):
    table, about = download_records(client, programme)
    header, rows = table[0], table[1:]
    k = smallest_class(rows)
    assert k >= 5
    assert next(value for key, value in about if "(k)" in key) == str(k)
    assert journeys - len(rows) <= 0.02 * journeys  # the budget of journeys left out
    assert all(row[0].startswith("J-") for row in rows)
    flat = " ".join(" ".join(row) for row in table)
    assert "@" not in flat and "generated.example" not in flat
    return header, rows, about


@pytest.mark.django_db
def test_the_demo_programme_publishes_nothing_that_identifies_anyone(client):
    call_command("seed_demo", stdout=io.StringIO())
    programme = Programme.objects.get(slug=demo.SLUG)
    client.force_login(User.objects.get(email="manager@tremplin.example"))
    check_records(client, programme, programme.journeys.count())
    publication, _progress, truth = attacker.attack_the_logframe(client, programme)
    assert attacker.Attack(publication).failures(truth) == []


@pytest.mark.django_db
def test_a_generated_cohort_of_2000_publishes_nothing_that_identifies_anyone(client, manager):
    programme = synthetic.generate_programme(2000, seed=1, today=date(2026, 11, 30))
    client.force_login(manager)
    _header, _rows, about = check_records(client, programme, 2000)
    # Generalised, not emptied: with 2,000 people, some quasi-identifiers keep some detail.
    with translation.override("fr"):
        withheld = _("withheld")
    assert sum(value != withheld for _name, value in about[1:7]) >= 2
    publication, _progress, truth = attacker.attack_the_logframe(client, programme)
    assert attacker.Attack(publication).failures(truth) == []


def test_pseudonyms_link_files_generalised_alike_only(manager, programme, client):
    from tests.programmes.test_impact import people

    people(programme, 12)
    client.force_login(manager)
    first, _about = download_records(client, programme)
    again, _about = download_records(client, programme)
    assert [row[0] for row in first] == [row[0] for row in again]
    people(programme, 3, gender="man", region="tanger-tetouan")  # now too rare to be kept
    later, _about = download_records(client, programme)
    assert not {row[0] for row in first[1:]} & {row[0] for row in later[1:]}

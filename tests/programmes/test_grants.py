"""Start-up grants: never beyond the fund (also under concurrent awards on PostgreSQL),
tranches that add up, payments only once a condition is met and never beyond a tranche."""

import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts import roles
from programmes import services
from programmes.models import Disbursement, Grant, Tranche
from tests import factories

DAY = date(2026, 6, 1)


def tranches(*amounts):
    return [
        {"amount_eur": amount, "condition": f"Étape {number}", "due_on": DAY}
        for number, amount in enumerate(amounts, start=1)
    ]


def award(manager, programme, business, amount, parts=None):
    return services.grant_award(
        actor=manager,
        programme=programme,
        business=business,
        amount_eur=amount,
        exchange_rate="10.8512",
        decided_on=DAY,
        purpose="Four et matériel",
        tranches=tranches(*(parts or [amount])),
    )


@pytest.fixture
def funded_programme(programme):
    programme.fund_eur = Decimal("100000")
    programme.save()
    return programme


@pytest.fixture
def business(db):
    return factories.business(factories.UserFactory())


def test_a_grant_is_recorded_in_eur_and_mad_with_its_tranches(manager, funded_programme, business):
    grant = award(manager, funded_programme, business, "5000", ["3000", "2000"])
    assert grant.amount_mad == Decimal("54256.00")  # 5,000 × 10.8512
    assert [t.amount_eur for t in grant.tranches.all()] == [Decimal("3000"), Decimal("2000")]
    assert grant.tranches.first().amount_mad == Decimal("32553.60")
    totals = services.fund_totals(funded_programme)
    assert totals["committed"] == Decimal("5000") and totals["remaining"] == Decimal("95000")


def test_the_fund_cannot_be_overdrawn_and_a_refusal_changes_nothing(
    manager, funded_programme, business
):
    award(manager, funded_programme, business, "90000")
    with pytest.raises(ValidationError) as error:
        award(manager, funded_programme, business, "10000.01")
    assert error.value.code == "fund_exceeded"
    assert Grant.objects.count() == 1 and Tranche.objects.count() == 1
    award(manager, funded_programme, business, "10000")  # exactly what remains
    assert services.fund_totals(funded_programme)["remaining"] == 0


@pytest.mark.parametrize(
    ("amount", "parts", "code"),
    [
        ("5000", ["3000", "1000"], "tranches_sum"),
        ("-5", ["-5"], "amount"),
        ("abc", ["1"], "amount"),
    ],
)
def test_bad_amounts_are_refused(manager, funded_programme, business, amount, parts, code):
    with pytest.raises(ValidationError):
        award(manager, funded_programme, business, amount, parts)
    assert Grant.objects.count() == 0


def test_payments_wait_for_the_condition_and_never_exceed_the_tranche(
    manager, funded_programme, business
):
    grant = award(manager, funded_programme, business, "5000", ["3000", "2000"])
    first = grant.tranches.get(number=1)
    with pytest.raises(ValidationError) as early:
        services.disbursement_record(
            actor=manager, tranche=first, amount_eur="3000", paid_on=DAY, reference="VIR-1"
        )
    assert early.value.code == "condition"
    services.tranche_condition_met(actor=manager, tranche=first, on=DAY)
    payment = services.disbursement_record(
        actor=manager, tranche=first, amount_eur="2500", paid_on=DAY, reference="VIR-1"
    )
    assert payment.amount_mad == Decimal("27128.00")
    with pytest.raises(ValidationError) as too_much:
        services.disbursement_record(
            actor=manager, tranche=first, amount_eur="500.01", paid_on=DAY, reference="VIR-2"
        )
    assert too_much.value.code == "tranche_exceeded"
    assert services.fund_totals(funded_programme)["disbursed"] == Decimal("2500")
    with pytest.raises(ValidationError) as paid:
        services.grant_cancel(actor=manager, grant=grant, reason="Erreur")
    assert paid.value.code == "paid"


def test_a_cancelled_grant_gives_its_money_back(manager, funded_programme, business):
    grant = award(manager, funded_programme, business, "100000")
    services.grant_cancel(actor=manager, grant=grant, reason="L'entreprise a renoncé")
    assert services.fund_totals(funded_programme)["remaining"] == Decimal("100000")
    award(manager, funded_programme, business, "100000")


def test_only_grant_managers_award_and_pay(funded_programme, business, client):
    for user in (
        business.memberships.first().user,
        factories.UserFactory(roles=[roles.INSTITUTION_STAFF]),
    ):
        with pytest.raises(PermissionDenied):
            award(user, funded_programme, business, "10")
        client.force_login(user)
        assert client.get(f"/admin/grants/programme/{funded_programme.pk}/").status_code in (
            302,
            403,
        )
    assert Grant.objects.count() == 0


def test_the_admin_pages_award_and_pay_and_refuse_another_grants_tranche(
    manager, funded_programme, business, client
):
    client.force_login(manager)
    url = f"/admin/grants/programme/{funded_programme.pk}/new/"
    data = {
        "business": business.pk,
        "amount_eur": "4000",
        "exchange_rate": "10.9",
        "decided_on": "2026-06-01",
        "purpose": "Machine à coudre",
        "tranche-TOTAL_FORMS": "3",
        "tranche-INITIAL_FORMS": "0",
        "tranche-MIN_NUM_FORMS": "1",
        "tranche-MAX_NUM_FORMS": "6",
        "tranche-0-amount_eur": "4000",
        "tranche-0-condition": "Facture",
        "tranche-0-due_on": "2026-07-01",
    }
    over = client.post(url, {**data, "amount_eur": "200000", "tranche-0-amount_eur": "200000"})
    assert over.status_code == 200 and Grant.objects.count() == 0
    response = client.post(url, data)
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/admin/grants/{grant.pk}/"
    )
    other = award(manager, funded_programme, business, "1000")
    foreign = other.tranches.get()
    page = client.post(f"/admin/grants/{grant.pk}/", {"action": "condition", "tranche": foreign.pk})
    assert page.status_code == 404
    foreign.refresh_from_db()
    assert foreign.condition_met_on is None
    tranche = grant.tranches.get()
    client.post(f"/admin/grants/{grant.pk}/", {"action": "condition", "tranche": tranche.pk})
    client.post(
        f"/admin/grants/{grant.pk}/",
        {
            "action": "pay",
            "tranche": tranche.pk,
            "amount_eur": "4000",
            "paid_on": "2026-07-02",
            "reference": "VIR-9",
        },
    )
    assert Disbursement.objects.get().amount_mad == Decimal("43600.00")
    detail = client.get(f"/admin/grants/{grant.pk}/").content.decode()
    # The payment, on its tranche (its reference isolated, as everything staff type).
    assert re.search(r"4\D000,00 € \([^)]*, <bdi>VIR-9</bdi>\)", detail)
    index = client.get(f"/admin/grants/programme/{funded_programme.pk}/")
    totals = re.findall(r"<dd>([^<]*) €</dd>", index.content.decode())
    assert [re.sub(r"\D", "", total) for total in totals] == [
        "10000000",  # the fund
        "500000",  # committed: both grants
        "400000",  # paid
        "9500000",  # remaining
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_awards_never_exceed_the_fund():
    if connection.vendor != "postgresql":
        pytest.skip("runs against PostgreSQL (set DATABASE_URL)")
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    programme = factories.programme(fund_eur=Decimal("100000"))
    business = factories.business(factories.UserFactory())
    award(manager, programme, business, "30000")
    outcomes = []
    barrier = threading.Barrier(8)

    def attempt():
        from django.db import connections

        barrier.wait()
        try:
            award(manager, programme, business, "20000")
            outcomes.append("awarded")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("awarded") == 3 and outcomes.count("fund_exceeded") == 5
    assert services.fund_totals(programme)["committed"] == Decimal("90000")

"""The index follows the data after the transaction commits: never before, never on rollback."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import roles
from marketplace import services as marketplace
from marketplace.models import Business, Offer
from mentoring import services as mentoring
from search import service
from search.models import Entry
from tests import factories
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.django_db


def indexed(type_):
    return set(Entry.objects.filter(type=type_).values_list("key", flat=True))


def found(text, **options):
    return [hit["title"] for hit in service.search(text, **options).hits]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block as a committed transaction: its on-commit callbacks run at the end."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_publishing_indexes_and_hiding_removes(commit):
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    with commit():
        business = factories.business(owner, status="draft", name="Miel du Rif")
        marketplace.offer_save(actor=owner, business=business, title="Pot de miel")
    assert indexed("business") == set() and indexed("offer") == set()  # a draft is private
    with commit():
        marketplace.business_transition(actor=owner, business=business, action="submit")
        marketplace.business_transition(actor=manager, business=business, action="publish")
    assert indexed("business") == {str(business.pk)}
    assert set(found("miel")) == {"Miel du Rif", "Pot de miel"}
    with commit():
        marketplace.business_transition(actor=owner, business=business, action="hide")
    assert indexed("business") == set() and indexed("offer") == set()


def test_nothing_reaches_the_index_before_commit_or_after_a_rollback(commit):
    owner = factories.UserFactory()
    with commit() as callbacks:
        business = factories.business(owner, name="Tissage Atlas")
        assert indexed("business") == set()  # not yet: the transaction is open
    assert callbacks and indexed("business") == {str(business.pk)}
    with commit():
        try:
            with transaction.atomic():
                Business.objects.filter(pk=business.pk).update(name="Nom annulé")
                marketplace_business = Business.objects.get(pk=business.pk)
                marketplace_business.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert found("annule") == []
    assert found("tissage") == ["Tissage Atlas"]


def test_bulk_updates_reindex(commit):
    owner = factories.UserFactory()
    with commit():
        first = factories.business(owner, name="Épicerie Baraka")
        second = factories.business(owner, name="Épicerie Salam")
    with commit():
        Business.objects.filter(pk__in=[first.pk, second.pk]).update(status="suspended")
    assert indexed("business") == set()
    with commit():
        Business.objects.filter(pk=first.pk).update(status="published")
    assert found("epicerie") == ["Épicerie Baraka"]


def test_editing_and_deleting(commit):
    owner = factories.UserFactory()
    with commit():
        business = factories.business(owner, name="Atelier Bois")
        offer = marketplace.offer_save(actor=owner, business=business, title="Table basse")
    with commit():
        marketplace.offer_save(actor=owner, business=business, offer=offer, title="Table ronde")
    assert found("table") == ["Table ronde"]
    with commit():
        Offer.objects.filter(pk=offer.pk).delete()
    assert found("table") == []
    with commit():
        Business.objects.get(pk=business.pk).delete()
    assert indexed("business") == set()


def test_mentors_appear_when_published_and_pausing_changes_their_status(commit):
    with commit():
        mentor = make_mentor(is_published=False, bio="Marketing digital")
    assert indexed("mentor") == set()
    with commit():
        mentor.is_published = True
        mentor.save()
    page = service.search("marketing", types=("mentor",), facets=("status",))
    assert page.total == 1 and page.facets["status"][0]["value"] == "available"
    with commit():
        mentoring.mentor_pause(actor=mentor.user, mentor=mentor)
    page = service.search("marketing", types=("mentor",), filters={"status": ["available"]})
    assert page.total == 0


def test_an_opportunity_leaves_the_results_when_it_closes(commit):
    institution = factories.institution(name="Fondation Atlas")
    with commit():
        opportunity = factories.opportunity(institution, title="Bourse de démarrage")
    assert found("bourse") == ["Bourse de démarrage"]
    # Its closing time passes: no write happens, the search leaves it out by itself.
    Entry.objects.filter(type="opportunity").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert found("bourse") == []
    assert opportunity.pk


def test_sensitive_fields_never_reach_a_document(commit):
    owner = factories.UserFactory(
        nationality="SN", residence_status="asylum-seeker", email="fatou.private@example.org"
    )
    with commit():
        factories.business(
            owner,
            name="Couture Fatou",
            registration_number="ICE-SECRET-42",
            phone="+212600000001",
            phone_visibility="members",
        )
        mentor = make_mentor(bio="Conseil")
    stored = json.dumps(list(Entry.objects.values_list("document", flat=True)), ensure_ascii=False)
    for secret in (
        "ICE-SECRET-42",
        "asylum",
        "fatou.private@example.org",
        "+212600000001",
        mentor.user.email,
        "SN",
    ):
        assert secret not in stored, secret

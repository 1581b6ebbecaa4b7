"""The impact dashboard in a real browser, on the demo programme: a funder sees every chart
with its table, and the printable page."""

import re

from programmes.models import Indicator


def test_a_funder_reads_every_chart_and_its_table(page, site_url):
    page.goto(f"{site_url}/en/accounts/login/")
    page.get_by_label(re.compile("^E-mail address")).fill("funder@tremplin.example")
    page.get_by_label(re.compile("^Password")).fill("tremplin-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site_url}/admin/impact/")
    page.wait_for_selector("[data-table=indicators]")
    assert page.locator("[data-table=indicators] tbody tr").count() == len(Indicator.values)
    for code in Indicator.values:
        chart = page.locator(f"#chart-{code}")
        assert chart.locator("svg polyline, svg text").count() > 0, code
        assert chart.locator(f"table[data-table=series-{code}] tbody tr").count() > 0, code
    # The demo programme has people in every breakdown, some of them hidden as "< 5".
    assert page.locator("[data-table^=breakdown-]").count() == 4
    assert page.locator("td.impact-hidden").count() > 0
    # The admin speaks the funder's preferred language (French): find the link by its address.
    page.locator("a[href$='/print/']").click()
    page.wait_for_selector("h1")
    assert page.locator("svg.progress-chart").count() == len(Indicator.values)

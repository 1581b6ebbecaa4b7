from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_one_round_of_the_scheduler_runs_every_periodic_command(settings):
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out, stderr=out)
    text = out.getvalue()
    assert "request(s) expired." in text and "reminder(s) sent." in text
    assert "failed" not in text

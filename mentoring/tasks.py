from django_tasks import task

from accounts.emails import absolute_url, send_to_user


@task()
def notify_request_closed(*, mentorship_id):
    """Tell the entrepreneur their request expired or was withdrawn, and why."""
    from mentoring.models import Mentorship

    mentorship = (
        Mentorship.objects.select_related("entrepreneur", "mentor__user")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        return
    send_to_user(
        mentorship.entrepreneur,
        "mentoring/email/request_closed",
        {"mentorship": mentorship, "url": absolute_url("/")},
    )

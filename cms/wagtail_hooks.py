from wagtail import hooks

# What people write through the contact form (their situation, their papers, a phone number)
# is personal data: only staff cleared for it read the submissions. Editors still edit the
# form page itself; the messages reach the programme by e-mail too.
SENSITIVE_DATA = "accounts.view_sensitive_data"


@hooks.register("filter_form_submissions_for_user")
def submissions_for_cleared_staff_only(user, editable_forms):
    if user.has_perm(SENSITIVE_DATA):
        return editable_forms
    return editable_forms.none()

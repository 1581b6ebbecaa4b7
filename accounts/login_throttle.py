def login_username(request, credentials):
    """The login name django-axes counts failures against.

    Our login forms (ours and Wagtail's) post the e-mail as "username"; it is lower-cased so that
    "Awa@x.org" and "awa@x.org" share one counter, as they share one account.
    """
    source = credentials if credentials else request.POST
    value = source.get("username") or ""
    return value.strip().lower() or None

from django_tasks import task


@task()
def reindex(*, type_, ids):
    """Index what of these objects is public now; remove the rest."""
    from search import service

    service.reindex(type_, ids)

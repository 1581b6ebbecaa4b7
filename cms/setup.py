"""What every Tremplin database needs for editors to work: locales, page and collection
permissions for the editorial roles, and the moderation workflow.

Run after each `migrate` (and so in every test database). The roles' model permissions are set
exactly as accounts.roles lists them (one added in the admin's Groups screen is taken away on the
next deploy: change roles.py instead); page and collection permissions, locales and the workflow
are only added where missing, so what staff changed there afterwards is left alone.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts import roles

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MANAGER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
MANAGER_COLLECTION_PERMISSIONS = [
    *EDITOR_COLLECTION_PERMISSIONS,
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
]
WORKFLOW_NAME = "Programme review"
TASK_NAME = "Programme manager approval"


def ensure_locales():
    from wagtail.models import Locale

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def _grant(group, page_codenames, collection_permissions):
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return
    for codename in page_codenames:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=permission
        )
    for app_label, codename in collection_permissions:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )


def ensure_moderation_workflow():
    """Editors submit; a programme manager approves (publishing) or asks for changes."""
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

    managers = Group.objects.get(name=roles.PROGRAMME_MANAGER)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.set([managers])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = Page.get_first_root_node()
    # Wagtail's migrations attach their generic "Moderators approval" workflow to the root;
    # ours replaces it once, and a choice staff make later is kept.
    link = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if link is None:
        WorkflowPage.objects.create(page=root, workflow=workflow)
    elif link.workflow.name == "Moderators approval":
        link.workflow = workflow
        link.save(update_fields=["workflow"])


def editorial_setup(sender, **kwargs):
    # post_migrate is sent once per app; the page tree and all permissions exist after the last.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    from accounts.roles import sync_roles

    with transaction.atomic():
        sync_roles(sender=sender)
        ensure_locales()
        editors, _ = Group.objects.get_or_create(name=roles.EDITOR)
        managers, _ = Group.objects.get_or_create(name=roles.PROGRAMME_MANAGER)
        _grant(editors, EDITOR_PAGE_PERMISSIONS, EDITOR_COLLECTION_PERMISSIONS)
        _grant(managers, MANAGER_PAGE_PERMISSIONS, MANAGER_COLLECTION_PERMISSIONS)
        ensure_moderation_workflow()

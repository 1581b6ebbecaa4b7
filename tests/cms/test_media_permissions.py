"""Editors change the site's images and documents; deleting them is the managers' — except
what an editor uploaded themselves (a mistaken upload) — although Wagtail on its own lets
whoever may change a file delete it."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from accounts import roles
from tests import factories
from tests.security.world import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "editor": factories.UserFactory(roles=[roles.EDITOR]),
        "manager": factories.UserFactory(roles=[roles.PROGRAMME_MANAGER]),
    }


def _image(owner, title):
    return get_image_model().objects.create(
        title=title,
        file=ContentFile(png_bytes(), name=f"{title}.png"),
        collection=Collection.get_first_root_node(),
        uploaded_by_user=owner,
    )


def _document(owner, title):
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4 guide", name=f"{title}.pdf"),
        collection=Collection.get_first_root_node(),
        uploaded_by_user=owner,
    )


@pytest.mark.parametrize(
    ("make", "namespace"), [(_image, "wagtailimages"), (_document, "wagtaildocs")]
)
def test_editors_delete_only_their_own_uploads(client, home, people, make, namespace):
    editor, manager = people["editor"], people["manager"]
    managers_file = make(manager, "affiche-officielle")
    editors_file = make(editor, "essai-rate")
    model = type(managers_file)
    policy = policy_registry.get_by_type(model)
    assert list(policy.instances_user_has_permission_for(editor, "delete")) == [editors_file]
    assert set(policy.instances_user_has_permission_for(manager, "delete")) == {
        managers_file,
        editors_file,
    }
    assert set(policy.users_with_permission_for_instance("delete", managers_file)) == {manager}

    client.force_login(editor)
    # Still free to change it...
    assert client.get(reverse(f"{namespace}:edit", args=[managers_file.pk])).status_code == 200
    # ...not to delete it, one at a time or in bulk.
    client.post(reverse(f"{namespace}:delete", args=[managers_file.pk]))
    bulk = f"/admin/bulk/{model._meta.app_label}/{model._meta.model_name}/delete/"
    client.post(f"{bulk}?id={managers_file.pk}")
    assert model.objects.filter(pk=managers_file.pk).exists()
    # Their own mistaken upload, yes.
    client.post(reverse(f"{namespace}:delete", args=[editors_file.pk]))
    assert not model.objects.filter(pk=editors_file.pk).exists()

    client.force_login(manager)
    client.post(f"{bulk}?id={managers_file.pk}")
    assert not model.objects.filter(pk=managers_file.pk).exists()

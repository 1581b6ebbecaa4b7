from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.roles import VIEW_SENSITIVE_DATA


# What people write through the contact form (their situation, their papers, a phone number)
# is personal data: only staff cleared for it read the submissions. Editors still edit the
# form page itself (cms.models.FormPage keeps its e-mail fields and message count from them).
@hooks.register("filter_form_submissions_for_user")
def submissions_for_cleared_staff_only(user, editable_forms):
    if user.has_perm(VIEW_SENSITIVE_DATA):
        return editable_forms
    return editable_forms.none()


class DeletingIsItsOwnPermission(CollectionOwnershipPermissionPolicy):
    """Wagtail lets whoever may change an image or document delete it. Here editors change
    media and managers delete it (cms.setup gives delete_* to managers alone): deleting takes
    the collection's delete permission, or being the one who uploaded it (a mistaken upload)."""

    def _may_delete(self, user, instance):
        if user.is_active and user.is_superuser:
            return True
        if self._check_perm(user, ["delete"], collection=instance.collection):
            return True
        owner = getattr(instance, self.owner_field_name)
        return owner == user and self._check_perm(user, ["add"], collection=instance.collection)

    def user_has_permission(self, user, action):
        if action == "delete":
            return self._check_perm(user, ["delete", "add"])
        return super().user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        others = [action for action in actions if action != "delete"]
        if "delete" in actions and self._may_delete(user, instance):
            return True
        return bool(others) and super().user_has_any_permission_for_instance(user, others, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        objects = self.model._default_manager
        others = [action for action in actions if action != "delete"]
        found = super().instances_user_has_any_permission_for(user, others) if others else None
        if "delete" not in actions or not user.is_authenticated:
            return objects.none() if found is None else found
        if user.is_active and user.is_superuser:
            return objects.all()
        deletable = Q(collection__in=self._collections_with_perm(user, ["delete"])) | Q(
            collection__in=self._collections_with_perm(user, ["add"]),
            **{self.owner_field_name: user},
        )
        return objects.filter(deletable) if found is None else found | objects.filter(deletable)

    def users_with_any_permission_for_instance(self, actions, instance):
        others = [action for action in actions if action != "delete"]
        users = get_user_model().objects.none()
        if others:
            users = super().users_with_any_permission_for_instance(others, instance)
        if "delete" in actions:
            deleters = self._users_with_perm(["delete"], collection=instance.collection)
            owner = getattr(instance, self.owner_field_name)
            owner_pk = [owner.pk] if owner and self._may_delete(owner, instance) else []
            users = get_user_model().objects.filter(
                pk__in=[*users.values_list("pk", flat=True), *owner_pk]
            ) | get_user_model().objects.filter(pk__in=deleters.values("pk"))
        return users


for _model, _auth_model in (
    (get_image_model(), "wagtailimages.Image"),
    (get_document_model(), "wagtaildocs.Document"),
):
    register_permission_policy(
        _model,
        DeletingIsItsOwnPermission(
            _model, auth_model=_auth_model, owner_field_name="uploaded_by_user"
        ),
        exact_class=True,
    )

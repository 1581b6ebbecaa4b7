from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from accounts import roles
from cms import models as cms
from cms.setup import WORKFLOW_NAME
from tests import factories

pytestmark = pytest.mark.django_db


def test_editor_submits_and_programme_manager_approves(client, home):
    editor = factories.UserFactory(roles=[roles.EDITOR])
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    article = cms.NewsArticlePage(
        title="Brouillon", slug="brouillon", intro="Résumé", body=[], live=False
    )
    news.add_child(instance=article)
    article.save_revision(user=editor)

    assert article.get_workflow().name == WORKFLOW_NAME
    client.force_login(editor)
    # An editor cannot publish directly...
    assert not article.permissions_for_user(editor).can_publish()
    # ...but submits for moderation.
    workflow = article.get_workflow()
    state = workflow.start(article, editor)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(article, manager)
    assert not task.get_actions(article, editor)
    assert {name for name, *_ in task.get_actions(article, manager)} >= {"approve", "reject"}

    task.on_action(task_state, manager, "approve")
    article.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert article.live


def test_scheduled_article_goes_live_at_its_date(client, home):
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    article = cms.NewsArticlePage(
        title="Plus tard", slug="plus-tard", intro="x", body=[], live=False
    )
    news.add_child(instance=article)
    article.go_live_at = timezone.now() + timedelta(hours=1)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    assert client.get("/fr/news/plus-tard/").status_code == 404

    # An hour later (the scheduled revision's dates moved back instead of the clock forward).
    revision = article.latest_revision
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    assert Page.objects.get(pk=article.pk).live
    assert client.get("/fr/news/plus-tard/").status_code == 200


def test_editor_translates_a_page_in_the_admin(client, home):
    editor = factories.UserFactory(roles=[roles.EDITOR])
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    client.force_login(editor)
    url = f"/admin/translation/submit/page/{news.pk}/"
    assert client.get(url).status_code == 200
    arabic = factories.Locale.objects.get(language_code="ar")
    response = client.post(url, {"locales": [arabic.pk]})
    assert response.status_code == 302
    translation = news.get_translation(arabic)
    # The copy waits, unpublished, for the editor to write the Arabic text.
    assert not translation.live
    assert translation.translation_key == news.translation_key


def test_people_without_editorial_role_cannot_translate(client, home, user):
    client.force_login(user)
    response = client.get(f"/admin/translation/submit/page/{home.pk}/")
    assert response.status_code in (302, 403)
    assert home.get_translations().count() == 2  # only the fixture's ar and en

"""The functional administrator's pages (Django admin) open without errors, history included."""

from django.contrib import admin
from django.urls import reverse

from teams.models import Topic
from tests.factories import submit_case


def test_every_admin_list_and_add_page_opens(client, teams, owner, topics, verified_superuser):
    submit_case()
    superuser = verified_superuser
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        if model_admin.has_add_permission(request=type("R", (), {"user": superuser})()):
            assert client.get(reverse(f"{name}_add")).status_code == 200, name


def test_topic_changes_are_kept_in_history(client, teams, topics, verified_superuser):
    superuser = verified_superuser
    topic = topics["terras"]
    url = reverse("admin:teams_topic_change", args=[topic.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"deadline_days": 15, "team": teams["omgeving"].pk, "is_active": "on", "is_public": "on"})
    data.pop("id", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.deadline_days == 15
    assert topic.history.count() == 2 and topic.history.first().history_user == superuser
    assert client.get(reverse("admin:teams_topic_history", args=[topic.pk])).status_code == 200

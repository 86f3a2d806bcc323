"""The case-list filters: status as checkboxes, names instead of usernames, topics grouped (issue 10)."""

import re

import pytest
from django.urls import reverse

from routing.forms import SetTopicForm
from teams.models import Topic
from tests.conftest import make_user
from tests.factories import submit_case


@pytest.fixture
def page(client, owner, catalogue):
    submit_case()
    client.force_login(owner)
    return client.get(reverse("casework:case-list")).content.decode()


def test_status_is_a_group_of_checkboxes_with_a_legend(page):
    fieldset = re.search(r"<fieldset[^>]*>.*?</fieldset>", page, re.S).group(0)
    assert re.search(r"<legend[^>]*>\s*Status", fieldset)
    assert len(re.findall(r'type="checkbox"[^>]*name="status"', fieldset)) >= 5
    assert '<select name="status"' not in page


def test_checked_statuses_filter_and_stay_checked(client, owner, teams):
    submit_case()
    client.force_login(owner)
    html = client.get(reverse("casework:case-list"), {"status": ["new", "in_progress"]}).content.decode()
    assert re.search(r'name="status" value="new"[^>]*checked', html)
    assert not re.search(r'name="status" value="closed"[^>]*checked', html)


def test_account_manager_filter_shows_full_names(client, owner, teams):
    make_user("jdevries", teams["economie"]).__class__.objects.filter(username="jdevries").update(
        first_name="Jan", last_name="de Vries"
    )
    client.force_login(owner)
    html = client.get(reverse("casework:case-list")).content.decode()
    select = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert "Jan de Vries" in select and ">jdevries<" not in select


def test_topics_are_grouped_business_first_then_other_products(page):
    select = re.search(r'<select name="topic".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert "Vergunningen" in groups and groups[-1] == "Overige producten"
    other = select.split('<optgroup label="Overige producten">')[1]
    business = select.split('<optgroup label="Overige producten">')[0]
    assert "Terrasvergunning" in business or "Terras" in business
    hidden = Topic.objects.filter(is_active=True, is_public=False).first()
    assert hidden is not None and hidden.name in other
    assert 'data-topic-filter="Zoek een onderwerp"' in select


def test_staff_topic_form_groups_and_validates_as_before(catalogue):
    form = SetTopicForm()
    labels = [label for value, label in form.fields["topic"].choices if isinstance(label, list)]
    assert labels  # optgroups
    topic = Topic.objects.filter(is_public=False, is_active=True).first()
    assert SetTopicForm({"topic-topic": topic.pk}).is_valid()
    bad = SetTopicForm({"topic-topic": "99999999999999999999999"})
    assert not bad.is_valid() and "topic" in bad.errors

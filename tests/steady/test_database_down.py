"""Issue 12: when the database is down the error pages still show, the public form still shows its topics, and
a question that cannot be stored answers 503 with everything typed, saying it was NOT sent."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from config import errors
from intake.forms import PublicQuestionForm
from intake.models import Case
from teams.models import Topic
from tests.intake.test_public_form import form_data


def database_down():
    """Every new query fails as it does when PostgreSQL is stopped."""
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    )


def test_a_question_that_cannot_be_stored_answers_503_with_everything_typed_and_the_phone_number(
    client, teams, topics, settings
):
    settings.MUNICIPALITY = {**settings.MUNICIPALITY, "phone": "14 0999"}
    data = form_data(question="Mag ik een foodtruck op de markt zetten?", submission_key="a" * 32)
    with mock.patch("intake.services.case_submit", side_effect=OperationalError("server closed")):
        response = client.post(reverse("intake:ask"), data)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"]
    assert "Uw vraag is nog NIET verstuurd" in page and "14 0999" in page
    for typed in ("Mag ik een foodtruck op de markt zetten?", "Lunchroom Zon", "87654321", "sara@zon.test"):
        assert typed in page
    assert 'name="submission_key" value="' + "a" * 32 + '"' in page  # the retry is the same submission
    assert not Case.objects.exists()


def test_a_post_while_the_database_is_down_keeps_what_was_typed(client, teams, topics):
    Topic.objects.update(is_public=True)
    client.get(reverse("intake:ask"))  # this process has read the topics once
    data = form_data(question="Wat kost een standplaats?", topic=topics["terras"].pk)
    with database_down():
        response = client.post(reverse("intake:ask"), data)
    page = response.content.decode()
    assert response.status_code == 503
    assert "Wat kost een standplaats?" in page and "NIET verstuurd" in page
    assert f'<option value="{topics["terras"].pk}" selected>Terrasvergunning</option>' in page


def test_the_topic_select_shows_the_last_known_topics_or_only_weet_ik_niet_when_the_database_is_down(
    teams, topics
):
    Topic.objects.update(is_public=True)
    names = [str(label) for _value, label in PublicQuestionForm().fields["topic"].choices]
    assert len(names) > 1
    with database_down():
        during = [str(label) for _value, label in PublicQuestionForm().fields["topic"].choices]
        assert during == names
        form = PublicQuestionForm()
        form.fields["topic"].queryset = form.fields["topic"].queryset.filter(name="nooit gelezen")
        assert [str(label) for _v, label in form.fields["topic"].choices] == ["Weet ik niet"]


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        (errors.bad_request, 400, "Dit verzoek konden wij niet verwerken"),
        (errors.permission_denied, 403, "U heeft geen toegang tot deze pagina"),
        (errors.page_not_found, 404, "Deze pagina bestaat niet (meer)"),
        (errors.server_error, 500, "Er is een storing"),
    ],
)
def test_the_error_pages_are_dutch_and_render_without_the_database(
    db, owner, handler, status, text, settings
):
    settings.MUNICIPALITY = {**settings.MUNICIPALITY, "name": "Gemeente Zonnedal", "phone": "14 0777"}
    request = RequestFactory().get("/ergens/")
    request.user = owner  # a signed-in user: the menu's roles would come from the database
    with database_down():
        response = handler(request) if handler is errors.server_error else handler(request, Exception())
    page = response.content.decode()
    assert response.status_code == status
    assert text in page and "Gemeente Zonnedal" in page and "14 0777" in page


def test_the_urlconf_uses_the_dutch_handlers(client, db, settings):
    settings.DEBUG = False
    response = client.get("/deze-pagina-bestaat-niet/")
    assert response.status_code == 404 and "Deze pagina bestaat niet (meer)" in response.content.decode()


def test_a_crash_while_the_database_is_down_shows_the_dutch_500_page(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch("intake.views._empty_ask_page", side_effect=OperationalError("down")):
        response = client.get(reverse("intake:ask"))
    assert response.status_code == 500 and "Er is een storing" in response.content.decode()

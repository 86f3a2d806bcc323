"""The entrepreneur rates the answer once per closing; a low rating tells the owner and can reopen the case."""

import pytest
from django.urls import reverse

from followup.models import SatisfactionRating
from intake import services as intake
from intake.models import Case
from intake.outbox import OutboxMessage
from intake.workflow import Status
from routing import services as routing
from tests.factories import submit_case


@pytest.fixture
def answered(teams, owner):
    submitted = submit_case()
    intake.case_take_ownership(case=submitted.case, actor=owner)
    routing.case_close_with_answer(
        case=Case.objects.get(pk=submitted.case.pk), actor=owner, body="Ja, dat mag.", resolution="answered"
    )
    return Case.objects.get(pk=submitted.case.pk), submitted.tracking_token


def test_answer_email_mentions_rating(answered):
    answer = OutboxMessage.objects.get(template="answer")
    assert "cijfer" in answer.body_text


def test_tracking_page_offers_the_rating_once(client, answered):
    _case, token = answered
    track = client.get(reverse("intake:track", args=[token]))
    assert "Wat vindt u van ons antwoord?" in track.content.decode()
    url = reverse("followup:rate", args=[token])
    bad = client.post(url, {"beoordeling-score": "9"})
    assert bad.status_code == 400 and "Kies een" in bad.content.decode()
    response = client.post(url, {"beoordeling-score": "4", "beoordeling-comment": "Snel en duidelijk"})
    assert response.status_code == 302
    assert SatisfactionRating.objects.get().score == 4
    again = client.post(url, {"beoordeling-score": "1"}, follow=True)
    assert "al beoordeeld" in again.content.decode()
    assert SatisfactionRating.objects.count() == 1
    track = client.get(reverse("intake:track", args=[token])).content.decode()
    assert "Wat vindt u van ons antwoord?" not in track and "4 van 5" in track
    assert not OutboxMessage.objects.filter(template="followup_rating_low").exists()


def test_an_open_case_cannot_be_rated(client, teams):
    submitted = submit_case()
    response = client.post(
        reverse("followup:rate", args=[submitted.tracking_token]), {"beoordeling-score": "5"}
    )
    assert response.status_code == 302 and not SatisfactionRating.objects.exists()


def test_low_rating_notifies_owner_and_reopens_from_the_case_page(client, answered, owner):
    case, token = answered
    client.post(
        reverse("followup:rate", args=[token]),
        {"beoordeling-score": "2", "beoordeling-comment": "Onduidelijk"},
    )
    low = OutboxMessage.objects.get(template="followup_rating_low")
    assert low.to_email == "anouk@gemeente.test" and "Onduidelijk" in low.body_text
    rating = SatisfactionRating.objects.get()
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert "Heropenen naar aanleiding van deze beoordeling" in page
    client.post(reverse("followup:rating-reopen", args=[rating.pk]))
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert "Onduidelijk" in case.messages.filter(kind="status").last().body
    # A reopened and re-answered case may be rated again.
    routing.case_close_with_answer(case=case, actor=owner, body="Beter antwoord", resolution="answered")
    client.logout()
    client.post(reverse("followup:rate", args=[token]), {"beoordeling-score": "5"})
    assert sorted(SatisfactionRating.objects.values_list("score", flat=True)) == [2, 5]

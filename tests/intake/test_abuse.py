"""Abuse of the public form (issue 11): a honeypot, rate limits per IP and per e-mail address, and receipts that
never turn the entrepreneur's text into links."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from intake.models import Case
from intake.outbox import OutboxMessage
from intake.ratelimits import client_ip

from .test_public_form import form_data


@pytest.fixture
def public(teams, topics):
    return topics


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_ASK_PER_IP = "10/10m"
    settings.RATELIMIT_ASK_PER_EMAIL = "5/h"


def test_the_honeypot_is_hidden_from_people_and_screen_readers_but_not_display_none(client, public, settings):
    html = client.get(reverse("intake:ask")).content.decode()
    trap = re.search(r'<div class="vd-trap" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap, "the trap's wrapper is hidden from screen readers"
    assert "Laat dit veld leeg" in trap.group(1)
    assert 'name="website"' in trap.group(1) and 'tabindex="-1"' in trap.group(1)
    css = (Path(settings.BASE_DIR) / "static" / "css" / "voordeur.css").read_text()
    rule = re.search(r"\.vd-trap \{([^}]*)\}", css).group(1)
    assert "left: -10000px" in rule and "display: none" not in rule


def test_a_filled_honeypot_stores_nothing_and_keeps_what_was_typed(client, public):
    response = client.post(reverse("intake:ask"), form_data(website="https://spam.example"))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "Mag ik een terras plaatsen" in response.content.decode()


def test_eleven_questions_from_one_address_in_ten_minutes_the_eleventh_is_refused(client, public, limits_on):
    for number in range(10):
        response = client.post(reverse("intake:ask"), form_data(email=f"klant{number}@zon.test"))
        assert response.status_code == 302, number
    response = client.post(
        reverse("intake:ask"), form_data(email="klant11@zon.test", question="Mijn elfde vraag over afval")
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "U heeft in korte tijd veel vragen gesteld" in html
    assert 'class="error-summary"' in html
    assert "Mijn elfde vraag over afval" in html  # what was typed is kept
    assert Case.objects.count() == 10
    # Another visitor is not affected.
    other = client.post(reverse("intake:ask"), form_data(email="ander@zon.test"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_six_questions_with_one_email_address_in_an_hour_the_sixth_is_refused(client, public, limits_on):
    for number in range(5):
        response = client.post(
            reverse("intake:ask"), form_data(email="Sara@Zon.test"), REMOTE_ADDR=f"192.0.2.{number + 1}"
        )
        assert response.status_code == 302, number
    response = client.post(
        reverse("intake:ask"), form_data(email="sara@zon.test"), REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert Case.objects.count() == 5


def test_forms_with_errors_do_not_count(client, public, limits_on, settings):
    settings.RATELIMIT_ASK_PER_IP = "2/10m"
    for _ in range(5):
        assert client.post(reverse("intake:ask"), form_data(consent="")).status_code == 400
    assert client.post(reverse("intake:ask"), form_data()).status_code == 302


def test_x_forwarded_for_is_trusted_only_as_configured(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.1"  # added by our proxy; the left part is the client's own say
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.5"


def test_the_receipt_never_turns_the_entrepreneurs_text_into_links(
    client, public, outbox_emails, django_capture_on_commit_callbacks
):
    question = "Zie https://evil.example/login en www.evil.example voor mijn vraag over een terras."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:ask"), form_data(question=question))
    assert response.status_code == 302
    assert OutboxMessage.objects.get(template="receipt").status == OutboxMessage.Status.SENT
    html = next(body for body, kind in outbox_emails[0].alternatives if kind == "text/html")
    assert "https://evil.example/login" in html and "www.evil.example" in html
    anchors = re.findall(r"<a\b[^>]*>", html)
    assert not [a for a in anchors if "evil" in a]
    assert any("/volgen/" in a for a in anchors)  # our own tracking link stays clickable

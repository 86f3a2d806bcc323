"""Login throttling (django-axes), the idle timeout and maximum age of a staff session, and password reset."""

import datetime as dt
import re

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_username_for_fifteen_minutes(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 5
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            response = log_in(client, "anouk", "wrong")
            assert response.status_code == 200 and "geblokkeerd" not in response.content.decode()

        response = log_in(client, "anouk", "wrong")

        assert response.status_code == 429
        page = response.content.decode()
        assert "Er is te vaak een verkeerd wachtwoord ingevuld" in page and "15 minuten geblokkeerd" in page
        # Even the right password is refused while locked.
        response = log_in(client, "anouk", "pw-anouk")
        assert response.status_code == 429 and not logged_in(client)
        # Another username from the same address is not locked.
        get_user_model().objects.create_user("bram", password="pw-bram")
        assert log_in(client, "bram", "pw-bram").status_code == 302
        client.logout()

        traveller.shift(dt.timedelta(minutes=16))
        assert log_in(client, "anouk", "pw-anouk").status_code == 302 and logged_in(client)


def test_a_successful_login_resets_the_count(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        log_in(client, "anouk", "wrong")
    assert log_in(client, "anouk", "pw-anouk").status_code == 302
    client.logout()
    for _ in range(2):
        log_in(client, "anouk", "wrong")
    assert log_in(client, "anouk", "pw-anouk").status_code == 302


def test_an_idle_staff_session_is_logged_out_with_a_message(client, owner, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    page = reverse("knowledge:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(owner)
        assert client.get(page).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(page).status_code == 200  # activity keeps the session alive
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(page).status_code == 200

        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(page)

        assert response.status_code == 302
        assert response["Location"] == reverse("login") + "?next=" + page.replace("/", "%2F")
        assert not logged_in(client)
        login_page = client.get(response["Location"]).content.decode()
        assert "U bent automatisch uitgelogd omdat u 30 minuten niets heeft gedaan" in login_page


def test_a_staff_session_ends_after_its_maximum_age_however_active(client, owner, settings):
    settings.SESSION_COOKIE_AGE = 10 * 3600
    page = reverse("knowledge:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(owner)
        for _ in range(9 * 3 + 2):  # a request every 20 minutes for 9 h 40 min
            assert client.get(page).status_code == 200
            traveller.shift(dt.timedelta(minutes=20))
        response = client.get(page)  # 9 h 40 min after signing in
        assert response.status_code == 200
        traveller.shift(dt.timedelta(minutes=20))

        response = client.get(page)

        assert response.status_code == 302 and not logged_in(client)
        assert "langer dan 10 uur was ingelogd" in client.get(response["Location"]).content.decode()


def test_password_reset_by_email(client, owner, outbox_emails, settings):
    settings.SITE_URL = "https://voordeur.gemeente.test"
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "Wachtwoord vergeten?" in login_page

    response = client.post(reverse("password_reset"), {"email": "anouk@gemeente.test"})

    assert response["Location"] == reverse("password_reset_done")
    assert "Kijk in uw e-mail" in client.get(response["Location"]).content.decode()
    [message] = outbox_emails
    assert message.to == ["anouk@gemeente.test"] and message.subject.startswith(
        "Nieuw wachtwoord voor Voordeur"
    )
    assert "testserver" not in message.body  # the link uses SITE_URL, not the Host header of the request
    link = re.search(r"https://voordeur\.gemeente\.test(/inloggen/nieuw-wachtwoord/\S+)", message.body).group(
        1
    )
    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    assert "Nieuw wachtwoord kiezen" in client.get(form_url).content.decode()
    new = "Ondernemers-Loket-2026!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    assert log_in(client, "anouk", new).status_code == 302
    # The link works once.
    client.logout()
    assert "werkt niet meer" in client.get(form_url).content.decode()


def test_password_reset_sends_nothing_for_an_unknown_address(client, owner, outbox_emails):
    response = client.post(reverse("password_reset"), {"email": "niemand@gemeente.test"})
    assert response["Location"] == reverse("password_reset_done") and outbox_emails == []

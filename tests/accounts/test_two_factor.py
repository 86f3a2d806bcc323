"""Two-factor authentication (TOTP, django-otp): required for the functional administrator on /beheer/."""

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def superuser():
    return get_user_model().objects.create_superuser("beheer", "beheer@gemeente.test", "pw-beheer")


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_administrator_without_a_device_is_sent_to_set_it_up(client, db):
    admin = superuser()
    client.force_login(admin)

    response = client.get("/beheer/")

    assert response.status_code == 302
    assert response["Location"] == reverse("two-factor-setup") + "?next=%2Fbeheer%2F"
    page = client.get(response["Location"])
    assert "Tweestapsverificatie instellen" in page.content.decode() and "<svg" in page.content.decode()
    assert client.get("/beheer/teams/team/").status_code == 302


def test_setting_up_with_a_code_from_the_app_opens_beheer(client, db):
    admin = superuser()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(admin)
        client.get(reverse("two-factor-setup"))
        device = TOTPDevice.objects.get(user=admin, confirmed=False)

        wrong = client.post(
            reverse("two-factor-setup") + "?next=/beheer/", {"token": "000000", "next": "/beheer/"}
        )
        assert "Deze code klopt niet" in wrong.content.decode()
        assert client.get("/beheer/").status_code == 302
        traveller.shift(dt.timedelta(seconds=2))  # django-otp throttles: 1 s after one wrong code

        response = client.post(reverse("two-factor-setup"), {"token": code(device), "next": "/beheer/"})

        assert response.status_code == 302 and response["Location"] == "/beheer/"
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/beheer/").status_code == 200


def test_with_a_device_the_administrator_enters_a_code_after_the_password(client, db):
    admin = superuser()
    device = TOTPDevice.objects.create(user=admin, name="telefoon", confirmed=True)
    with time_machine.travel(START, tick=False) as traveller:
        response = log_in(client, "beheer", "pw-beheer")
        assert response.status_code == 302
        # Not verified yet: every page asks for the code first, /beheer/ included.
        response = client.get("/beheer/")
        assert response["Location"] == reverse("two-factor-verify") + "?next=%2Fbeheer%2F"
        assert client.get(reverse("two-factor-setup"))["Location"] == reverse("two-factor-verify")

        assert "klopt niet" in client.post(response["Location"], {"token": "123456"}).content.decode()
        traveller.shift(dt.timedelta(seconds=2))
        response = client.post(reverse("two-factor-verify"), {"token": code(device), "next": "/beheer/"})

        assert response["Location"] == "/beheer/"
        assert client.get("/beheer/").status_code == 200


def test_a_used_code_cannot_be_used_again(client, db):
    admin = superuser()
    device = TOTPDevice.objects.create(user=admin, name="telefoon", confirmed=True)
    with time_machine.travel(START, tick=False):
        log_in(client, "beheer", "pw-beheer")
        token = code(device)
        assert client.post(reverse("two-factor-verify"), {"token": token}).status_code == 302
        client.post(reverse("logout"))
        log_in(client, "beheer", "pw-beheer")
        assert "al gebruikt" in client.post(reverse("two-factor-verify"), {"token": token}).content.decode()
        assert client.get("/beheer/").status_code == 302


def test_other_staff_may_enable_it_and_are_then_asked_for_a_code(client, owner):
    with time_machine.travel(START, tick=False):
        client.force_login(owner)
        client.get(reverse("two-factor-setup"))
        device = TOTPDevice.objects.get(user=owner)
        client.post(reverse("two-factor-setup"), {"token": code(device)})
        assert TOTPDevice.objects.get(user=owner).confirmed
        client.post(reverse("logout"))

    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        log_in(client, "anouk", "pw-anouk")
        response = client.get(reverse("knowledge:list"))
        assert response["Location"].startswith(reverse("two-factor-verify"))
        client.post(reverse("two-factor-verify"), {"token": code(device)})
        assert client.get(reverse("knowledge:list")).status_code == 200


def test_staff_without_a_device_are_not_asked_for_a_code(client, owner):
    client.force_login(owner)
    assert client.get(reverse("knowledge:list")).status_code == 200


def test_the_fixture_superuser_opens_beheer(client, verified_superuser):
    assert client.get("/beheer/").status_code == 200

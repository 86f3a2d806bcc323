"""The other ways in (issue 15): an administrative question names the wethouder, council or college who
received it, who gets a copy of the final answer; a counter visit is logged like a phone call."""

import pytest
from django.contrib import admin
from django.urls import reverse

from intake.models import Case, Channel, Message, Portefeuillehouder, Resolution
from intake.outbox import OutboxMessage
from kcc import selectors as kcc_selectors
from kcc.models import KccCall

NEW = reverse("kcc:new")
SCREEN = reverse("kcc:workstation")
ANSWER = "U mag een terras plaatsen tot 23.00 uur."


@pytest.fixture
def wethouder(db):
    return Portefeuillehouder.objects.create(
        name="Wethouder Jansen", portfolio="Economie", email="jansen@gemeente.test"
    )


def log_question(client, channel, **extra):
    return client.post(
        NEW,
        {
            "channel": channel,
            "contact_name": "Bram de Bakker",
            "email": "bram@bakkerij.test",
            "preferred_contact": "email",
            "question": "Mag ik op zondag mijn bakkerij openen?",
            **extra,
        },
    )


def answer(client, case, **extra):
    return client.post(
        reverse("casework:case-answer", args=[case.pk]),
        {"answer-body": ANSWER, "answer-resolution": Resolution.ANSWERED, **extra},
    )


def copies():
    return OutboxMessage.objects.filter(template="administrative_copy")


def test_the_portefeuillehouder_is_set_up_in_the_admin():
    assert Portefeuillehouder in admin.site._registry


def test_an_administrative_question_records_who_received_it(client, owner, teams, wethouder):
    client.force_login(owner)
    response = log_question(client, Channel.ADMINISTRATIVE, administrative_recipient=wethouder.pk)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.ADMINISTRATIVE and case.administrative_recipient == wethouder
    entry = case.messages.get(kind=Message.Kind.SYSTEM, data__administrative_recipient=wethouder.pk)
    assert "Wethouder Jansen (Economie)" in entry.text


def test_an_administrative_question_needs_its_recipient(client, owner, teams, wethouder):
    client.force_login(owner)
    response = log_question(client, Channel.ADMINISTRATIVE)
    assert response.status_code == 400
    assert (
        "Kies via welke wethouder, de raad of het college de vraag binnenkwam." in response.content.decode()
    )
    assert not Case.objects.exists()


def test_the_recipient_choice_is_in_the_form_and_ignored_for_other_channels(client, owner, teams, wethouder):
    client.force_login(owner)
    assert 'name="administrative_recipient"' in client.get(NEW).content.decode()  # also without JavaScript
    assert log_question(client, Channel.PHONE, administrative_recipient=wethouder.pk).status_code == 302
    assert Case.objects.get().administrative_recipient is None


def test_the_recipient_gets_one_copy_of_the_final_answer(client, owner, teams, wethouder):
    client.force_login(owner)
    log_question(client, Channel.ADMINISTRATIVE, administrative_recipient=wethouder.pk)
    case = Case.objects.get()
    assert not copies().exists()
    assert answer(client, case).status_code == 302
    answer(client, case)  # a repeated post sends nothing more
    copy = copies().get()
    assert copy.to_email == "jansen@gemeente.test" and copy.audience == OutboxMessage.Audience.STAFF
    assert copy.case == case and ANSWER in copy.body_text
    assert "Ter informatie: antwoord op de vraag die via u binnenkwam" in copy.body_text
    assert case.reference in copy.subject


def test_a_referral_is_copied_too(owner, teams, wethouder):
    from routing.services import case_close_with_referral
    from tests.factories import submit_case

    case = submit_case().case
    Case.objects.filter(pk=case.pk).update(channel=Channel.ADMINISTRATIVE, administrative_recipient=wethouder)
    case.refresh_from_db()
    case_close_with_referral(case=case, actor=owner, organisation="KVK", url="", body="Vraag het de KVK.")
    assert copies().get().to_email == "jansen@gemeente.test"


def test_no_copy_for_other_channels(client, owner, teams, wethouder):
    client.force_login(owner)
    log_question(client, Channel.PHONE)
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(administrative_recipient=wethouder)  # even if one were set
    assert answer(client, case).status_code == 302
    assert OutboxMessage.objects.filter(case=case, template="answer").exists()
    assert not copies().exists()


# ----------------------------------------------------------------------------------------------------------
# The counter: the same screen, the same buttons, the same number of posts as a phone call


def call(client, **extra):
    return client.post(
        SCREEN,
        {
            "outcome": "regie",
            "call-question": "Mag ik een reclamebord ophangen?",
            "call-contact_name": "Kees",
            "call-email": "kees@winkel.test",
            **extra,
        },
    )


def test_the_screen_offers_telefoon_or_balie(client, kcc_agent):
    client.force_login(kcc_agent)
    page = " ".join(client.get(SCREEN).content.decode().split())
    assert 'name="call-channel" value="phone" id="id_call-channel_0" checked' in page  # telefoon by default
    assert 'name="call-channel" value="counter"' in page


def test_a_counter_visit_takes_as_many_posts_as_a_phone_call(client, kcc_agent, teams):
    client.force_login(kcc_agent)
    assert call(client).status_code == 302  # one post: a phone call (the default)
    assert call(client, **{"call-channel": "counter"}).status_code == 302  # one post: a counter visit
    phone, counter = KccCall.objects.order_by("pk")
    assert phone.channel == Channel.PHONE and phone.case.channel == Channel.PHONE
    assert counter.channel == Channel.COUNTER and counter.case.channel == Channel.COUNTER

    week = kcc_selectors.kcc_weekly_calls(weeks=1)[0]
    assert week.calls == 2 and week.counter == 1
    assert client.get(reverse("kcc:report")).status_code == 200


def test_a_transfer_at_the_counter_is_logged_as_a_counter_visit(client, kcc_agent, teams):
    client.force_login(kcc_agent)
    response = call(
        client, outcome="transferred", **{"call-channel": "counter", "call-team": teams["vergunningen"].pk}
    )
    assert response.status_code == 302
    assert KccCall.objects.get().channel == Channel.COUNTER

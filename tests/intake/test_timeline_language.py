"""Timeline entries store what happened and are shown in the reader's language, whoever wrote them."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from intake import services
from intake.models import Message
from intake.timeline import Text
from routing import services as routing
from tests.factories import submit_case


def test_an_english_speaking_colleague_writes_a_dutch_timeline_that_each_reader_reads_in_their_language(
    owner, vergunningen_member, teams
):
    case = submit_case().case
    with translation.override("en"):  # the writer works in English
        services.case_take_ownership(case=case, actor=owner)
        (handoff,) = routing.case_hand_off(
            case=case, teams=[teams["vergunningen"]], request_text="Mag dit?", actor=owner
        )
        routing.handoff_claim(handoff=handoff, actor=vergunningen_member)
    claimed = Message.objects.get(case=case, data__event="claimed")
    owner_line = Message.objects.filter(case=case, kind=Message.Kind.SYSTEM).get()

    # Stored in the site's language, with what happened and its parameters
    assert claimed.body.startswith("Opgepakt door ")
    assert owner_line.body == f"Accountmanager: {owner.get_full_name() or owner.get_username()}"
    assert claimed.data["text"]["msgid"] == "Opgepakt door %(name)s (%(team)s)"

    # Shown in the reader's language
    with translation.override("nl"):
        assert claimed.text.startswith("Opgepakt door ")
    with translation.override("en"):
        assert claimed.text.startswith("Claimed by ")
        assert owner_line.text.startswith("Account manager: ")


def test_status_reasons_and_labels_follow_the_reader(owner):
    case = submit_case().case
    with translation.override("en"):
        services.case_take_ownership(case=case, actor=owner)
    status = Message.objects.get(case=case, kind=Message.Kind.STATUS)
    assert status.body == "In behandeling genomen"
    with translation.override("en"):
        assert status.text != status.body  # translated for the English reader
    assert Text.of_label(Message.Kind.NOTE.label).render_stored() == "Interne notitie"


def test_free_text_is_shown_as_written(owner):
    case = submit_case().case
    note = services.case_add_note(case=case, actor=owner, body="Bellen na 14 uur")
    with translation.override("en"):
        assert note.text == "Bellen na 14 uur"


def test_the_case_page_shows_the_timeline_in_the_readers_language(client, owner, vergunningen_member, teams):
    case = submit_case().case
    (handoff,) = routing.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text="Mag dit?", actor=owner
    )
    routing.handoff_claim(handoff=handoff, actor=vergunningen_member)
    client.force_login(owner)
    url = reverse("casework:case-detail", args=[case.pk])
    assert "Opgepakt door" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert "Claimed by" in page and "Opgepakt door" not in page


def test_sweep_lines_are_shown_in_the_readers_language(owner):
    import datetime as dt

    import time_machine

    from followup.sweep import sweep

    case = submit_case().case
    services.case_take_ownership(case=case, actor=owner)
    with time_machine.travel(dt.datetime.combine(case.deadline, dt.time(12)) + dt.timedelta(days=3)):
        sweep()
    line = Message.objects.filter(case=case, kind=Message.Kind.FOLLOWUP, data__event="overdue").get()
    assert line.body.startswith("Termijn verstreken")
    assert line.data["text"]["msgid"].startswith("Termijn verstreken (%(date)s)")
    with translation.override("en"):
        assert not line.text.startswith("Termijn verstreken")

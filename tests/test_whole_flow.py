"""The whole story, through HTTP as each user would do it."""

import re

import pytest
from django.urls import reverse

from intake.models import Case
from intake.workflow import Status
from routing.models import Handoff


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run after-commit work (e-mail delivery) at once, as the eager Celery of the demo does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_question_travels_to_two_departments_and_back_to_the_entrepreneur(
    client, teams, topics, owner, vergunningen_member, belastingen_member, outbox_emails, run_on_commit
):
    # 1. The entrepreneur asks, without logging in.
    response = run_on_commit(
        client.post,
        reverse("intake:ask"),
        {
            "question": "Ik wil een terras bij mijn café. Welke vergunning heb ik nodig en betaal ik precario?",
            "contact_name": "Marco van Dijk",
            "email": "marco@cafe.test",
            "preferred_contact": "email",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    receipt = outbox_emails[0]
    assert receipt.to == ["marco@cafe.test"] and case.reference in receipt.subject
    tracking_path = re.search(r"http://[^/]+(/volgen/[^/\s]+/)", receipt.body).group(1)

    # 2. Team economie hands it off to two departments in one step.
    client.force_login(owner)
    response = run_on_commit(
        client.post,
        reverse("casework:case-hand-off", args=[case.pk]),
        {
            "handoff-teams": [teams["vergunningen"].pk, teams["belastingen"].pk],
            "handoff-request_vergunningen": "Welke vergunning is nodig?",
            "handoff-request_belastingen": "Hoeveel precario?",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WAITING_DEPARTMENT
    assert case.owner == owner
    team_mails = sorted(m.to[0] for m in outbox_emails if "uitzetting" in m.subject.lower())
    assert team_mails == ["belastingen@gemeente.test", "vergunningen@gemeente.test"]

    # 3. Both departments answer from their inbox.
    for member, text in (
        (vergunningen_member, "Terrasvergunning nodig."),
        (belastingen_member, "Precario € 32/m²."),
    ):
        client.force_login(member)
        inbox = client.get(reverse("routing:inbox"))
        handoff = Handoff.objects.get(team__memberships__user=member)
        assert case.reference in inbox.content.decode()
        run_on_commit(client.post, reverse("routing:handoff-claim", args=[handoff.pk]))
        run_on_commit(
            client.post, reverse("routing:handoff-answer", args=[handoff.pk]), {"answer-answer": text}
        )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS  # the last answer returned the case to its owner
    assert any("afgerond" in m.subject for m in outbox_emails if m.to == [owner.email])

    # 4. Team economie sends the final answer.
    client.force_login(owner)
    run_on_commit(
        client.post,
        reverse("casework:case-answer", args=[case.pk]),
        {
            "answer-body": "U heeft een terrasvergunning nodig en betaalt precario.",
            "answer-resolution": "answered",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.ANSWERED

    # 5. The entrepreneur reads the answer on the tracking page and got it by e-mail.
    client.logout()
    page = client.get(tracking_path).content.decode()
    assert "Beantwoord" in page
    assert "U heeft een terrasvergunning nodig" in page
    assert "Welke vergunning en hoeveel precario?" not in page  # internal hand-off text stays inside
    answer_mail = [m for m in outbox_emails if m.to == ["marco@cafe.test"]][-1]
    assert "U heeft een terrasvergunning nodig" in answer_mail.body
    # Each notification went out exactly once.
    subjects = [m.subject for m in outbox_emails]
    assert len(subjects) == len(set((m.subject, tuple(m.to)) for m in outbox_emails))


def test_asking_for_information_pauses_until_the_entrepreneur_replies_on_the_tracking_page(
    client, teams, owner, outbox_emails, django_capture_on_commit_callbacks
):
    from intake import services
    from tests.factories import submit_case

    submitted = submit_case()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_information(
            case=submitted.case, actor=owner, body="Stuur een plattegrond van het terras."
        )
    case = Case.objects.get()
    assert case.status == Status.WAITING_ENTREPRENEUR and case.paused_since is not None
    assert "Stuur een plattegrond" in outbox_emails[-1].body

    url = reverse("intake:track", args=[submitted.tracking_token])
    assert "Wij wachten op informatie van u" in client.get(url).content.decode()
    response = client.post(url, {"body": "Plattegrond volgt, het terras is 4 bij 6 meter."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.paused_since is None
    assert "4 bij 6 meter" in client.get(url).content.decode()


def test_tracking_page_hides_internal_notes_and_unknown_tokens_get_404(client, teams, owner):
    from intake import services
    from tests.factories import submit_case

    submitted = submit_case()
    services.case_add_note(case=submitted.case, actor=owner, body="Lastige klant, eerst bellen")
    page = client.get(reverse("intake:track", args=[submitted.tracking_token])).content.decode()
    assert submitted.case.reference in page
    assert "Lastige klant" not in page
    assert client.get(reverse("intake:track", args=["x" * 43])).status_code == 404
    assert submitted.tracking_token not in Case.objects.values_list("tracking_token_hash", flat=True)[0]


def test_reopen_needs_a_reason_and_starts_a_new_deadline(client, teams, owner):
    from intake import services
    from tests.factories import submit_case

    case = submit_case().case
    services.case_answer(case=case, actor=owner, body="Antwoord")
    client.force_login(owner)
    response = client.post(reverse("casework:case-reopen", args=[case.pk]), {"reopen-reason": ""})
    assert response.status_code == 400 and "Geef een reden" in response.content.decode()
    client.post(reverse("casework:case-reopen", args=[case.pk]), {"reopen-reason": "Ondernemer belde terug"})
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and "heropend" in case.deadline_policy


def test_a_forbidden_action_shows_a_message_and_changes_nothing(client, teams, owner):
    from tests.factories import submit_case

    case = submit_case().case
    client.force_login(owner)
    client.post(
        reverse("casework:case-answer", args=[case.pk]), {"answer-body": "x", "answer-resolution": "answered"}
    )
    response = client.post(
        reverse("casework:case-request-info", args=[case.pk]), {"info-body": "Nog iets?"}, follow=True
    )
    assert "kan niet naar" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ANSWERED


def test_kcc_agent_logs_a_phone_question(client, teams, topics, kcc_agent):
    client.force_login(kcc_agent)
    response = client.post(
        reverse("kcc:new"),
        {
            "channel": "phone",
            "contact_name": "Ria Jansen",
            "phone": "0612121212",
            "preferred_contact": "phone",
            "question": "Welke vergunning voor een straatfeest?",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "phone" and case.created_by == kcc_agent and case.contact.email == ""
    bad = client.post(reverse("kcc:new"), {"channel": "phone", "contact_name": "", "question": ""})
    assert bad.status_code == 400 and "Vul de naam van de beller in." in bad.content.decode()

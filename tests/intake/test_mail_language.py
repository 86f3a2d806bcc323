"""An entrepreneur who writes in English gets the receipt and every later message in English."""

from intake import outbox, services
from intake.models import Message
from intake.outbox import OutboxMessage
from tests.factories import submit_case


def delivered(row: OutboxMessage) -> OutboxMessage:
    """The receipt as sent: the worker renders it (render_at_delivery)."""
    assert outbox.deliver(row.pk) is True
    row.refresh_from_db()
    return row


def test_an_english_question_gets_an_english_receipt(teams):
    submitted = submit_case(question="Do I need a permit for a sign above my shop? We open next month.")
    assert submitted.case.language == "en"
    receipt = delivered(OutboxMessage.objects.get(key=f"receipt:{submitted.case.pk}"))
    assert "We have received your question" in receipt.subject
    assert "Wij hebben uw vraag ontvangen" not in receipt.body_text


def test_a_dutch_question_gets_a_dutch_receipt(teams):
    submitted = submit_case()
    assert submitted.case.language == "nl"
    receipt = delivered(OutboxMessage.objects.get(key=f"receipt:{submitted.case.pk}"))
    assert "Wij hebben uw vraag ontvangen" in receipt.subject


def test_the_answer_follows_the_language_of_the_question(owner):
    case = submit_case(question="How do I register my business for the market on Saturday?").case
    services.case_answer(case=case, actor=owner, body="You can register at the market office.")
    answer = OutboxMessage.objects.filter(case=case, template="answer").get()
    assert "Answer to your question" in answer.subject
    # The staff timeline stays in the staff's language: only the mail follows the entrepreneur.
    assert Message.objects.filter(case=case, kind=Message.Kind.ANSWER).exists()

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake.models import Attachment, Case, Company, Contact, Message, StagedUpload
from intake.outbox import OutboxMessage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def form_data(**overrides):
    data = {
        "question": "Mag ik een terras plaatsen voor mijn lunchroom?",
        "subject": "Terras",
        "topic": "",
        "company_name": "Lunchroom Zon",
        "kvk_number": "87654321",
        "contact_name": "Sara de Wit",
        "email": "sara@zon.test",
        "phone": "06-12345678",
        "preferred_contact": "email",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def public(teams, topics):
    return topics


def test_submit_creates_company_contact_case_message_and_receipt(
    client, public, outbox_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("plan.pdf", PDF)])
        )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.reference.startswith("OND-")
    assert case.company.kvk_number == "87654321"
    assert case.contact.phone == "+31612345678"  # stored in E.164
    assert case.messages.get(kind=Message.Kind.QUESTION).body.startswith("Mag ik een terras")
    assert Attachment.objects.get().content_type == "application/pdf"
    receipt = OutboxMessage.objects.get(template="receipt")
    assert receipt.status == OutboxMessage.Status.SENT
    assert len(outbox_emails) == 1 and case.reference in outbox_emails[0].subject

    done = client.get(response["Location"])
    assert case.reference in done.content.decode()
    assert f"{case.deadline:%Y}" in done.content.decode()


def test_a_second_question_reuses_company_by_kvk_and_contact_by_email(client, public):
    client.post(reverse("intake:ask"), form_data())
    client.post(reverse("intake:ask"), form_data(question="Nog een vraag over precario", company_name=""))
    assert Case.objects.count() == 2
    assert Company.objects.count() == 1
    assert Contact.objects.count() == 1


def test_company_is_found_by_email_when_no_kvk_is_given(client, public):
    client.post(reverse("intake:ask"), form_data())
    client.post(reverse("intake:ask"), form_data(kvk_number="", company_name=""))
    assert Company.objects.count() == 1
    assert Case.objects.filter(company__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"question": ""}, "question", "Vul uw vraag in."),
        ({"kvk_number": "1234"}, "kvk_number", "8 cijfers"),
        ({"kvk_number": "1234567a"}, "kvk_number", "8 cijfers"),
        ({"phone": "12345"}, "phone", "geldig telefoonnummer"),
        ({"email": "geen-mail"}, "email", "geldig e-mailadres"),
        ({"email": "", "phone": ""}, "email", "e-mailadres of telefoonnummer"),
        ({"preferred_contact": "phone", "phone": ""}, "phone", "telefoonnummer in"),
        ({"consent": ""}, "consent", "toestemming"),
    ],
)
def test_invalid_input_shows_dutch_errors_in_summary_and_keeps_input(
    client, public, overrides, field, message
):
    data = form_data(**overrides)
    response = client.post(reverse("intake:ask"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "error-summary" in html and f'href="#id_{field}' in html
    assert Case.objects.count() == 0
    if data["question"]:
        assert data["question"] in html  # nothing typed is lost


def test_upload_type_is_checked_by_content_not_by_name(client, public):
    fake = SimpleUploadedFile("factuur.pdf", b"MZ\x90\x00" + b"\x00" * 100)  # a Windows program named .pdf
    response = client.post(reverse("intake:ask"), form_data(attachments=[fake]))
    assert response.status_code == 400
    assert "geen toegestaan bestandstype" in response.content.decode()
    assert Case.objects.count() == 0


def test_office_documents_and_images_are_accepted(client, public):
    files = [SimpleUploadedFile("brief.docx", docx_bytes()), SimpleUploadedFile("foto.png", PNG)]
    assert client.post(reverse("intake:ask"), form_data(attachments=files)).status_code == 302
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["brief.docx", "foto.png"]


def test_too_large_and_too_many_uploads_are_refused(client, public, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("groot.pdf", PDF + b"0" * 200)
    assert "te groot" in client.post(reverse("intake:ask"), form_data(attachments=[big])).content.decode()
    settings.ATTACHMENT_MAX_BYTES = 10_000
    four = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(4)]
    assert (
        "maximaal 3 bijlagen"
        in client.post(reverse("intake:ask"), form_data(attachments=four)).content.decode()
    )


def test_good_upload_survives_an_error_elsewhere_and_is_attached_on_the_next_submit(client, public):
    first = client.post(
        reverse("intake:ask"), form_data(consent="", attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    )
    assert first.status_code == 400
    assert "plan.pdf" in first.content.decode()
    token = first.context["form"].staged_token
    assert StagedUpload.objects.count() == 1

    second = client.post(reverse("intake:ask"), form_data(staged=token))

    assert second.status_code == 302
    assert Case.objects.get().attachments.get().original_name == "plan.pdf"
    assert StagedUpload.objects.count() == 0


def test_topic_can_be_chosen_and_sets_the_deadline(client, public):
    client.post(reverse("intake:ask"), form_data(topic=public["precario"].pk))
    case = Case.objects.get()
    assert case.topic == public["precario"]
    assert "precario: 5 werkdagen" in case.deadline_policy


def test_references_are_unique_and_sequential(public):
    from tests.factories import submit_case

    refs = [submit_case(email=f"x{i}@t.test").case.reference for i in range(3)]
    assert len(set(refs)) == 3
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert numbers == sorted(numbers) and numbers[1] == numbers[0] + 1

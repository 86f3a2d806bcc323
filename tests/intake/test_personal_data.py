"""Issue 11: tracking tokens never stored readable, uploads checked by what they are, staged files purged,
request bodies limited in the app."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from intake import crypto, outbox, staging, views
from intake.models import Attachment, Case, Contact, StagedUpload
from intake.outbox import TRACKING_TOKEN_PLACEHOLDER, OutboxMessage
from tests.factories import submit_case
from tests.intake.test_public_form import PDF, docx_bytes, form_data

OOXML = "application/vnd.openxmlformats-officedocument.{}.main+xml"


def submitted_cookie(client) -> dict:
    """What the confirmation page's signed cookie holds (intake.views.SUBMITTED_COOKIE), read as the page does."""
    request = RequestFactory().get("/")
    request.COOKIES[views.SUBMITTED_COOKIE] = client.cookies[views.SUBMITTED_COOKIE].value
    return views._submitted_cookie(request)


@pytest.fixture
def public(teams, topics):
    return topics


def office_zip(content_types: str | None = None, mimetype: str | None = None, extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        if content_types is not None:
            archive.writestr(
                "[Content_Types].xml",
                f'<Types><Override PartName="/x" ContentType="{content_types}"/></Types>',
            )
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


# --- A. The tracking token -------------------------------------------------------------------------------


def test_receipt_row_keeps_the_token_only_encrypted_and_sends_the_real_link(public):
    submitted = submit_case()
    token = submitted.tracking_token
    row = OutboxMessage.objects.get(template="receipt")

    assert token not in row.body_text and token not in row.body_html
    assert row.tracking_token_encrypted and token not in row.tracking_token_encrypted
    assert crypto.decrypt(row.tracking_token_encrypted) == token

    assert outbox.deliver(row.pk) is True
    sent = mail.outbox[-1]
    assert f"/volgen/{token}/" in sent.body
    assert f"/volgen/{token}/" in sent.alternatives[0][0]
    row.refresh_from_db()
    assert row.tracking_token_encrypted == "" and token not in row.body_text
    assert TRACKING_TOKEN_PLACEHOLDER in row.body_text


def test_an_unsent_receipt_never_holds_the_token(public):
    submitted = submit_case(email="", phone="+31612345678", preferred_contact="phone")
    row = OutboxMessage.objects.get(template="receipt")
    assert row.status == OutboxMessage.Status.SKIPPED
    assert submitted.tracking_token not in row.body_text + row.body_html
    assert row.tracking_token_encrypted == ""


def test_a_receipt_given_up_loses_its_encrypted_token(public, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    submit_case()
    row = OutboxMessage.objects.get(template="receipt")
    failing = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("weg")
    )
    with failing, pytest.raises(ConnectionRefusedError):
        outbox.deliver(row.pk)
    row.refresh_from_db()  # failed, but retried once automatically later: the token is still needed
    assert row.status == OutboxMessage.Status.FAILED and row.tracking_token_encrypted != ""
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS + 1)
    with time_machine.travel(later), failing, pytest.raises(ConnectionRefusedError):
        assert outbox.due_message_ids() == [row.pk]
        outbox.deliver(row.pk)
    row.refresh_from_db()  # given up
    assert row.status == OutboxMessage.Status.FAILED and row.tracking_token_encrypted == ""


def test_a_token_made_with_another_key_fails_the_row_instead_of_sending_a_broken_link(public, settings):
    submit_case()
    row = OutboxMessage.objects.get(template="receipt")
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    assert outbox.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and row.tracking_token_encrypted == ""
    assert not mail.outbox


def test_the_outbox_admin_never_shows_the_token(public, admin_user):
    submit_case()
    row = OutboxMessage.objects.get(template="receipt")
    model_admin = admin_site._registry[OutboxMessage]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert "tracking_token_encrypted" not in model_admin.get_fields(request, row)
    assert "tracking_token_encrypted" not in model_admin.get_readonly_fields(request, row)


def test_confirmation_page_link_is_encrypted_in_a_cookie_and_expires(client, public):
    response = client.post(reverse("intake:ask"), form_data())
    case = Case.objects.get()
    stored = submitted_cookie(client)
    token = crypto.decrypt(stored["token"])
    assert case.tracking_token_hash == Case.hash_token(token)
    assert token not in client.cookies[views.SUBMITTED_COOKIE].value
    assert "sessionid" not in response.cookies  # no session row for it

    done = client.get(response["Location"])
    assert f"/volgen/{token}/" in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    assert f"/volgen/{token}/" in client.get(response["Location"]).content.decode()  # a reload works

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = client.get(response["Location"])
    assert later.status_code == 200 and case.reference in later.content.decode()
    assert "/volgen/" not in later.content.decode()
    assert "token" not in submitted_cookie(client)


# --- B. Uploads ------------------------------------------------------------------------------------------


def test_a_pdf_named_html_reaches_staff_as_a_pdf(client, public):
    polyglot = PDF + b"<html><script>alert(1)</script></html>"
    client.post(reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("offerte.html", polyglot)]))
    attachment = Attachment.objects.get()
    assert attachment.original_name == "offerte.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.stored_name.endswith(".pdf") and attachment.file.name.endswith(".pdf")

    token = crypto.decrypt(submitted_cookie(client)["token"])
    download = client.get(reverse("intake:track-attachment", args=[token, attachment.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="offerte.pdf"' in download["Content-Disposition"]


def test_an_xlsx_named_docx_gets_the_xlsx_extension(client, public):
    xlsx = office_zip(OOXML.format("spreadsheetml.sheet"))
    client.post(reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("begroting.docx", xlsx)]))
    attachment = Attachment.objects.get()
    assert attachment.original_name == "begroting.xlsx"
    assert attachment.content_type.endswith("spreadsheetml.sheet")


def test_an_opendocument_text_is_accepted_by_its_mimetype_entry(client, public):
    odt = office_zip(mimetype="application/vnd.oasis.opendocument.text", extra=[("content.xml", "<x/>")])
    client.post(reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("plan.odt", odt)]))
    assert Attachment.objects.get().content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    "content",
    [
        office_zip(extra=[("readme.txt", "gewone zip")]),  # any other ZIP
        office_zip("application/vnd.ms-word.document.macroEnabled.main+xml"),  # .docm
        office_zip(mimetype="application/zip"),
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_zips_are_refused(client, public, content):
    response = client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("brief.docx", content)])
    )
    assert response.status_code == 400
    assert "geen toegestaan bestandstype" in response.content.decode()


@pytest.mark.parametrize(("max_bytes", "ratio"), [(1_048_576, 1_000_000), (500_000_000, 100)])
def test_a_zip_bomb_docx_is_refused(client, public, settings, max_bytes, ratio):
    settings.ATTACHMENT_MAX_EXPANDED_BYTES, settings.ATTACHMENT_MAX_ZIP_RATIO = max_bytes, ratio
    bomb = office_zip(
        OOXML.format("wordprocessingml.document"), extra=[("word/document.xml", b"\0" * 3_000_000)]
    )
    response = client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("brief.docx", bomb)])
    )
    assert response.status_code == 400
    assert "uitgepakt te groot" in response.content.decode()
    assert form_data()["question"] in response.content.decode()
    assert Case.objects.count() == 0


def test_a_normal_docx_passes_the_bomb_check(client, public):
    response = client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("brief.docx", docx_bytes())])
    )
    assert response.status_code == 302


def test_unreachable_clamd_refuses_the_upload_and_keeps_what_was_typed(client, public, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "missing.sock")
    response = client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Probeer het later opnieuw" in html
    assert form_data()["question"] in html and "Lunchroom Zon" in html
    assert Case.objects.count() == 0 and StagedUpload.objects.count() == 0


def test_old_staged_uploads_are_purged_on_a_schedule(client, public, settings):
    from config.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["purge-staged-uploads"]["task"] in app.tasks
    settings.STAGED_UPLOAD_MAX_AGE_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start):
        client.post(
            reverse("intake:ask"), form_data(consent="", attachments=[SimpleUploadedFile("a.pdf", PDF)])
        )
    with time_machine.travel(start + timedelta(hours=20)):
        client.post(
            reverse("intake:ask"), form_data(consent="", attachments=[SimpleUploadedFile("b.pdf", PDF)])
        )
    old, new = StagedUpload.objects.order_by("created_at")
    assert old.file.name.endswith(".pdf")
    old_path = Path(old.file.path)
    assert old_path.exists()

    with time_machine.travel(start + timedelta(hours=25)):
        assert staging.purge_staged_uploads_task.apply().get() == 1
    assert list(StagedUpload.objects.all()) == [new]
    assert not old_path.exists()


def test_a_too_large_request_keeps_what_was_typed_with_a_dutch_message(client, public, settings):
    settings.REQUEST_MAX_BYTES = 4000
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * 5000)
    response = client.post(reverse("intake:ask"), form_data(attachments=[big]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "zijn samen groter dan" in html and "niet ontvangen" in html
    assert form_data()["question"] in html and "Sara de Wit" in html
    assert Case.objects.count() == 0 and StagedUpload.objects.count() == 0


def test_a_too_large_non_form_body_gets_a_dutch_413(client, settings):
    settings.REQUEST_MAX_BYTES = 100
    response = client.post(reverse("intake:ask"), data="x" * 500, content_type="application/json")
    assert response.status_code == 413
    assert "te groot" in response.content.decode()


def test_contacts_of_a_request_too_large_are_not_created(client, public, settings):
    settings.REQUEST_MAX_BYTES = 4000
    client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("x.pdf", PDF + b"0" * 5000)])
    )
    assert not Contact.objects.exists()


def test_stored_suffix_only_takes_a_plain_extension():
    from intake.services import UploadData, stored_suffix

    def upload(name):
        return UploadData(file=None, original_name=name, content_type="application/pdf")

    assert stored_suffix(upload("a.PDF")) == ".pdf"
    assert stored_suffix(upload("a.p/df")) == ""
    assert re.fullmatch(r"\.[a-z]+", stored_suffix(upload("x.jpeg")))

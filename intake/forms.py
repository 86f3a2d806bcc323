"""Intake forms. Every message is Dutch and says what to do; nothing the user entered is lost on an error.

Uploads are checked by content, not by name: PDF and images by their signature (puremagic), Office files as
real OOXML or ODF containers (with limits on their unpacked size), then by ClamAV when configured. The name
staff see and download gets the extension of the detected type. Files that passed the check are kept as
staged uploads when another field has an error, so the user does not have to choose them again.
"""

import logging
import uuid
import zipfile
from pathlib import PurePath

import puremagic
from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams import refdata
from teams.forms import IdChoiceField
from teams.models import Topic
from teams.selectors import public_topics

from . import normalise, virusscan
from .models import Channel, ContactPreference, Portefeuillehouder
from .services import UploadData

logger = logging.getLogger(__name__)

ALLOWED_UPLOADS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALLOWED_UPLOADS_TEXT = _("PDF, JPG, PNG, Word, Excel of OpenDocument")
SIGNATURE_TYPES = [".pdf", ".png", ".jpg", ".jpeg"]  # recognised by puremagic; the first match wins
OOXML_MAIN_PARTS = {  # the main part's content type in [Content_Types].xml; macro-enabled files differ
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ".docx",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
ZIP_MAX_ENTRIES = 10_000


class ZipBomb(Exception):
    pass


def _office_type(upload: UploadedFile) -> str | None:
    """The extension of a real OOXML (.docx/.xlsx) or ODF (.odt/.ods) container; None for any other ZIP.
    Raises ZipBomb when it would unpack too large. Only the small type entries are read."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise ZipBomb
            if sum(e.file_size for e in entries) > settings.ATTACHMENT_MAX_EXPANDED_BYTES:
                raise ZipBomb
            ratio = settings.ATTACHMENT_MAX_ZIP_RATIO
            if any(
                e.file_size > 1_048_576 and e.file_size > ratio * max(e.compress_size, 1) for e in entries
            ):
                raise ZipBomb
            names = {e.filename for e in entries}
            if "mimetype" in names:
                return ODF_MIMETYPES.get(archive.read("mimetype")[:200].strip())
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as types:
                    content_types = types.read(1_048_576)
                return next((ext for part, ext in OOXML_MAIN_PARTS.items() if part in content_types), None)
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError):
        return None  # damaged, encrypted or otherwise unreadable: not an Office file we accept
    finally:
        upload.seek(0)


def detected_extension(upload: UploadedFile) -> str | None:
    """The extension of the upload's real type, from ALLOWED_UPLOADS; None when it is not allowed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK"):  # a ZIP: only a real Office container, whatever puremagic says
        return _office_type(upload)
    try:
        detected = {m.extension.lower() for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        detected = set()
    return next((ext for ext in SIGNATURE_TYPES if ext in detected), None)


def validate_upload(upload: UploadedFile) -> UploadData:
    """Check size, real file type and (when configured) viruses; returns what the service stores, with the
    name's extension set to the detected type, or raises a Dutch ValidationError."""
    name = PurePath(upload.name or "bestand").name
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(
            _("“%(name)s” is te groot (%(size)s MB). Een bijlage mag maximaal %(max)s MB zijn."),
            params={
                "name": name,
                "size": f"{upload.size / 1_048_576:.1f}".replace(".", ","),
                "max": settings.ATTACHMENT_MAX_BYTES // 1_048_576,
            },
            code="too_large",
        )
    if upload.size == 0:
        raise forms.ValidationError(_("“%(name)s” is leeg."), params={"name": name}, code="empty")
    try:
        extension = detected_extension(upload)
    except ZipBomb:
        raise forms.ValidationError(
            _(
                "“%(name)s” wordt uitgepakt te groot (meer dan %(max)s MB) en is daarom geweigerd. Sla het bestand op als PDF en probeer het opnieuw."
            ),
            params={"name": name, "max": settings.ATTACHMENT_MAX_EXPANDED_BYTES // 1_048_576},
            code="zip_bomb",
        ) from None
    if extension is None:
        raise forms.ValidationError(
            _("“%(name)s” is geen toegestaan bestandstype. Toegestaan zijn: %(allowed)s."),
            params={"name": name, "allowed": ALLOWED_UPLOADS_TEXT},
            code="bad_type",
        )
    _scan_for_viruses(upload, name)
    path = PurePath(name)
    if ALLOWED_UPLOADS.get(path.suffix.lower()) != ALLOWED_UPLOADS[extension]:
        name = (
            f"{path.stem or 'bestand'}{extension}"  # offerte.html that is a PDF reaches staff as offerte.pdf
        )
    return UploadData(file=upload, original_name=name, content_type=ALLOWED_UPLOADS[extension])


def _scan_for_viruses(upload: UploadedFile, name: str) -> None:
    if not virusscan.is_configured():
        return
    try:
        found = virusscan.scan(upload)
    except virusscan.ScanUnavailable:
        logger.warning("Virus scan unavailable; upload refused", exc_info=True)
        raise forms.ValidationError(
            _(
                "We kunnen “%(name)s” nu niet op virussen controleren. Probeer het later opnieuw, of verstuur uw vraag zonder deze bijlage."
            ),
            params={"name": name},
            code="scan_unavailable",
        ) from None
    if found:
        logger.warning("Virus scan refused an upload: %s", found)
        raise forms.ValidationError(
            _("“%(name)s” is geweigerd: er is een virus of ander schadelijk bestand in gevonden."),
            params={"name": name},
            code="infected",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def normalise_phone(value: str) -> str:
    """A form field's phone number in E.164 (intake.normalise), "" when empty, or a Dutch error that says how
    to write it. (A required field never gets here empty: Django refuses it first.)"""
    if not (value or "").strip():
        return ""
    number = normalise.phone_e164(value)
    if number is None:
        raise forms.ValidationError(
            _("Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678 of 010 123 4567."), code="phone"
        )
    return number


def normalise_kvk(value: str) -> str:
    """A form field's KVK number as 8 digits (intake.normalise), "" when empty, or a Dutch error."""
    if not value.strip():
        return ""
    kvk = normalise.kvk_number(value)
    if kvk is None:
        raise forms.ValidationError(_("Een KVK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."))
    return kvk


class LastKnownTopicIterator(ModelChoiceIterator):
    """The topics as the database has them; when the database cannot be reached, the topics this process read
    last (or only "Weet ik niet"), so the question form still shows and keeps what was chosen."""

    _last_known: dict[str, list] = {}

    def __iter__(self):
        key = str(self.queryset.query)  # builds the SQL, runs nothing
        try:
            # Cached per worker process until a topic or team changes (teams.refdata): no query per page.
            choices = refdata.cached(
                f"topic_choices:{key}", lambda: list(super(LastKnownTopicIterator, self).__iter__())
            )
        except DatabaseError:
            logger.warning("Database unavailable: the topic list is the last one read", exc_info=True)
            return iter(self._last_known.get(key) or [("", self.field.empty_label)])
        self._last_known[key] = choices
        return iter(choices)


def _html_attrs(attrs: dict) -> str:
    """Django's forms/widgets/attrs.html in Python: in the given order, True bare, False left out."""
    return mark_safe(  # every part was escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class PlainSelect(forms.Select):
    """A select that renders its options in Python instead of one template per option: the topic list has 200+
    options, which cost most of the form page's time. The HTML is the same as Django's select.html and
    select_option.html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _html_attrs(widget["attrs"]))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _html_attrs(option["attrs"]),
                    option["label"],
                )
                for option in group_choices
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part was escaped by format_html


class TopicChoiceField(IdChoiceField):
    iterator = LastKnownTopicIterator
    widget = PlainSelect

    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


def new_submission_key() -> str:
    return uuid.uuid4().hex


class SubmissionKeyField(forms.CharField):
    """The form's one-time submission key (hidden, new on every GET): posting the same form twice, or five
    times in parallel, stores one question (intake.services.case_submit). A missing or malformed key is
    ignored: the question is stored, only without that protection."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=new_submission_key, max_length=100, **kwargs)

    def clean(self, value):
        value = (value or "").strip()
        return value if value and len(value) <= 100 and value.isascii() and value.isprintable() else None


class QuestionFieldsMixin(forms.Form):
    """The fields the public form and the KCC form share, with the same validation."""

    question = forms.CharField(
        label=_("Uw vraag"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Beschrijf uw vraag of situatie zo duidelijk mogelijk."),
    )
    subject = forms.CharField(label=_("Onderwerp in een paar woorden"), max_length=200, required=False)
    topic = TopicChoiceField(
        label=_("Waar gaat uw vraag over?"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("Weet ik niet"),
        help_text=_("Weet u het niet? Geen probleem, wij zoeken het voor u uit."),
    )
    company_name = forms.CharField(label=_("Bedrijfsnaam"), max_length=200, required=False)
    kvk_number = forms.CharField(
        label=_("KVK-nummer"),
        max_length=20,
        required=False,
        help_text=_("8 cijfers. Heeft u (nog) geen KVK-nummer? Laat dit veld dan leeg."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    contact_name = forms.CharField(
        label=_("Uw naam"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")},
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("Hoe wilt u het antwoord ontvangen?"),
        choices=ContactPreference.choices,
        initial=ContactPreference.EMAIL,
        widget=forms.RadioSelect,
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = public_topics()
        self.fields["question"].error_messages["required"] = _("Vul uw vraag in.")
        self.fields["contact_name"].error_messages["required"] = _("Vul uw naam in.")
        self.fields["question"].error_messages["max_length"] = _(
            "Uw vraag is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
        )

    def clean_kvk_number(self) -> str:
        return normalise_kvk(self.cleaned_data.get("kvk_number", ""))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    # Without a way to reach the entrepreneur the answer cannot be delivered: e-mail or phone is required.
    no_way_to_reach = _("Vul uw e-mailadres of telefoonnummer in, zodat wij u kunnen antwoorden.")

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if not email and not phone and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", self.no_way_to_reach)
        preference = cleaned.get("preferred_contact")
        if preference == ContactPreference.PHONE and not phone and "phone" not in self.errors:
            self.add_error("phone", _("U kiest voor telefoon: vul dan ook uw telefoonnummer in."))
        if preference == ContactPreference.EMAIL and not email and phone and "email" not in self.errors:
            self.add_error("email", _("U kiest voor e-mail: vul dan ook uw e-mailadres in."))
        return cleaned


class AttachmentsMixin(forms.Form):
    """Up to three attachments; ones that passed the check survive a failed submit as signed staged ids."""

    attachments = MultipleFileField(
        label=_("Bijlagen (niet verplicht)"),
        required=False,
        help_text=_(
            "Maximaal 3 bestanden van elk maximaal 10 MB: PDF, JPG, PNG, Word, Excel of OpenDocument."
        ),
    )
    staged = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staging=None, uploads_too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.staging = staging  # intake.staging.StagingArea of this browser session, or None
        # The request was larger than REQUEST_MAX_BYTES: its files were not read (intake.middleware).
        self.uploads_too_large = uploads_too_large
        self.staged_files = []
        self.staged_token = ""

    def staged_uploads(self) -> list:
        if self.staging is None:
            return []
        raw = self.data.get(self.add_prefix("staged"), "") if self.is_bound else ""
        try:
            ids = signing.loads(raw, salt="intake.staged") if raw else []
        except signing.BadSignature:
            ids = []
        removed = set(self.data.getlist(self.add_prefix("remove_staged"))) if self.is_bound else set()
        return [s for s in self.staging.get(ids) if s.id not in removed]

    def clean_attachments(self) -> list[UploadData]:
        uploads = self.cleaned_data.get("attachments") or []
        checked, errors = [], []
        if self.uploads_too_large:
            errors.append(
                forms.ValidationError(
                    _(
                        "Uw bijlagen zijn samen groter dan %(max)s MB en zijn niet ontvangen. Kies minder of kleinere bestanden."
                    ),
                    params={"max": settings.REQUEST_MAX_BYTES // 1_048_576},
                    code="request_too_large",
                )
            )
        for upload in uploads:
            try:
                checked.append(validate_upload(upload))
            except forms.ValidationError as error:
                errors.append(error)
        staged = self.staged_uploads()
        if len(checked) + len(staged) > settings.ATTACHMENT_MAX_COUNT:
            errors.append(
                forms.ValidationError(
                    ngettext(
                        "U kunt maximaal %(max)d bijlage meesturen.",
                        "U kunt maximaal %(max)d bijlagen meesturen.",
                        settings.ATTACHMENT_MAX_COUNT,
                    )
                    % {"max": settings.ATTACHMENT_MAX_COUNT}
                )
            )
            checked = checked[: max(0, settings.ATTACHMENT_MAX_COUNT - len(staged))]
        self._checked_uploads = checked
        if errors:
            raise forms.ValidationError(errors)
        return checked

    def all_uploads(self) -> list[UploadData]:
        return [s.as_upload() for s in self.staged_uploads()] + list(
            self.cleaned_data.get("attachments") or []
        )

    def stage_valid_uploads(self) -> str:
        """After a failed submit: keep the good files server-side and return the signed list for the form."""
        if self.staging is None:
            return ""
        kept = self.staged_uploads()
        kept += [self.staging.add(upload) for upload in getattr(self, "_checked_uploads", [])]
        self.staged_files = kept[: settings.ATTACHMENT_MAX_COUNT]
        return signing.dumps([s.id for s in self.staged_files], salt="intake.staged")


class PublicQuestionForm(AttachmentsMixin, QuestionFieldsMixin):
    consent = forms.BooleanField(
        label=_("Ik geef de gemeente toestemming om mijn vraag en gegevens zo te gebruiken."),
        error_messages={"required": _("Geef toestemming, anders kunnen wij uw vraag niet behandelen.")},
    )
    # What really happens with the question: it is answered, and its text (without the name and contact
    # details, routing.services._example_text) becomes training data for the router.
    consent_text = _(
        "Wij gebruiken uw vraag en gegevens om uw vraag te beantwoorden. Daarnaast gebruiken wij de tekst van "
        "uw vraag, zonder uw naam en contactgegevens, om vragen voortaan sneller bij het juiste team te krijgen."
    )
    field_order = [
        "question",
        "subject",
        "topic",
        "attachments",
        "company_name",
        "kvk_number",
        "contact_name",
        "email",
        "phone",
        "preferred_contact",
        "consent",
    ]

    # A trap for bots: off-screen, hidden from screen readers and skipped by the keyboard (templates/intake/
    # ask.html, .vd-trap in voordeur.css), so people leave it empty; bots fill in every field they find.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website", "").strip():
            raise forms.ValidationError(_("Laat dit veld leeg"), code="trap")
        return ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The privacy statement next to the checkbox: a link when PRIVACY_URL is set (help text is not escaped
        # by the form template, so it is built here with format_html).
        if settings.PRIVACY_URL:
            privacy = format_html(
                '<a href="{}">{}</a>', settings.PRIVACY_URL, _("Lees onze privacyverklaring.")
            )
        else:
            privacy = _("Meer hierover staat in de privacyverklaring van de gemeente.")
        self.fields["consent"].help_text = format_html("{} {}", self.consent_text, privacy)


class KccQuestionForm(AttachmentsMixin, QuestionFieldsMixin):
    channel = forms.ChoiceField(
        label=_("Kanaal"),
        choices=[
            (c.value, c.label)
            for c in (Channel.PHONE, Channel.COUNTER, Channel.ADMINISTRATIVE, Channel.EMAIL)
        ],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    # Always in the form (also without JavaScript); required only for an administrative question.
    administrative_recipient = IdChoiceField(
        label=_("Binnengekomen via (bij een bestuurlijke vraag)"),
        queryset=Portefeuillehouder.objects.none(),
        required=False,
        empty_label=_("Kies de wethouder, de raad of het college"),
        help_text=_("Krijgt het eindantwoord ter informatie per e-mail."),
    )
    no_way_to_reach = _(
        "Vul het e-mailadres of telefoonnummer van de ondernemer in. Zonder een van beide kan het antwoord "
        "de ondernemer niet bereiken."
    )
    field_order = [
        "channel",
        "administrative_recipient",
        "company_name",
        "kvk_number",
        "contact_name",
        "phone",
        "email",
        "preferred_contact",
        "question",
        "subject",
        "topic",
        "attachments",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].label = _("Vraag van de ondernemer")
        self.fields["contact_name"].label = _("Naam beller")
        self.fields["contact_name"].error_messages["required"] = _("Vul de naam van de beller in.")
        self.fields["question"].error_messages["required"] = _("Vul de vraag van de ondernemer in.")
        self.fields["preferred_contact"].label = _("Antwoord per")
        self.fields["administrative_recipient"].queryset = Portefeuillehouder.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") != Channel.ADMINISTRATIVE:
            cleaned["administrative_recipient"] = None
        elif not cleaned.get("administrative_recipient") and "administrative_recipient" not in self.errors:
            self.add_error(
                "administrative_recipient",
                _("Kies via welke wethouder, de raad of het college de vraag binnenkwam."),
            )
        return cleaned


class ReplyForm(AttachmentsMixin):
    body = forms.CharField(
        label=_("Uw aanvulling of reactie"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Vul uw reactie in.")},
    )
    field_order = ["body", "attachments"]


# --- A note, on a case or a company --------------------------------------------------------------------------


class NoteForm(forms.Form):
    prefix = "note"

    body = forms.CharField(
        label=_("Interne notitie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Vul de notitie in.")},
    )

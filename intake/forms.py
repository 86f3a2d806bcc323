"""Intake forms. Every message is Dutch and says what to do; nothing the user entered is lost on an error.

Uploads are checked by content (puremagic), not by name. Files that passed the check are kept as staged
uploads when another field has an error, so the user does not have to choose them again.
"""

from pathlib import PurePath

import puremagic
from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams.models import Topic
from teams.selectors import public_topics

from . import normalise
from .models import Channel, ContactPreference
from .services import UploadData

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


def validate_upload(upload: UploadedFile) -> UploadData:
    """Check size and real file type; returns what the service stores, or raises a Dutch ValidationError."""
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
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    try:
        detected = {m.extension.lower() for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        detected = set()
    allowed = detected & ALLOWED_UPLOADS.keys()
    if not allowed:
        raise forms.ValidationError(
            _("“%(name)s” is geen toegestaan bestandstype. Toegestaan zijn: %(allowed)s."),
            params={"name": name, "allowed": ALLOWED_UPLOADS_TEXT},
            code="bad_type",
        )
    suffix = PurePath(name).suffix.lower()
    extension = suffix if suffix in allowed else sorted(allowed)[0]
    return UploadData(file=upload, original_name=name, content_type=ALLOWED_UPLOADS[extension])


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


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


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

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if not email and not phone and "email" not in self.errors and "phone" not in self.errors:
            self.add_error(
                "email", _("Vul uw e-mailadres of telefoonnummer in, zodat wij u kunnen antwoorden.")
            )
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

    def __init__(self, *args, staging=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.staging = staging  # intake.staging.StagingArea of this browser session, or None
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
        label=_("Ik geef toestemming dat de gemeente mijn gegevens gebruikt om mijn vraag te beantwoorden."),
        help_text=_("Wij gebruiken uw gegevens alleen voor deze vraag. Lees onze privacyverklaring."),
        error_messages={"required": _("Geef toestemming, anders kunnen wij uw vraag niet behandelen.")},
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
    field_order = [
        "channel",
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

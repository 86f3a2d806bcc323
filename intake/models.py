"""Cases and what belongs to them: the company and contact who asked, the timeline and attachments."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.models import Team, Topic
from teams.selectors import display_name

from .outbox import OutboxMessage  # noqa: F401  (the outbox model lives beside its delivery code)
from .pg import PostgresGinIndex
from .search import PlainSearchField, SearchDocument
from .timeline import render_entry
from .workflow import CLOCK_RUNNING, OPEN, PUBLIC_LABELS, Status


class Channel(models.TextChoices):
    WEB = "web", _("Webformulier")
    PHONE = "phone", _("Telefoon")
    EMAIL = "email", _("E-mail")
    COUNTER = "counter", _("Balie")
    ADMINISTRATIVE = "administrative", _("Bestuurlijk (wethouder/raad)")
    API = "api", _("API")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telefoon")


class Resolution(models.TextChoices):
    ANSWERED = "answered", _("Beantwoord")
    ANSWERED_FIRST_CONTACT = "answered_first_contact", _("Direct beantwoord bij eerste contact")
    REFERRED = "referred", _("Doorverwezen naar andere organisatie")
    NOT_POSSIBLE = "not_possible", _("Niet mogelijk, alternatieven geboden")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    DUPLICATE = "duplicate", _("Dubbele vraag")


class Company(models.Model):
    kvk_number = models.CharField(_("KVK-nummer"), max_length=8, unique=True, null=True, blank=True)
    name = models.CharField(_("bedrijfsnaam"), max_length=200, blank=True)
    sbi_codes = models.CharField(_("SBI-code(s)"), max_length=100, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    # Added for the company view (issue 5): branch, place, general contact details, last KVK refresh.
    branch_number = models.CharField(_("vestigingsnummer"), max_length=12, blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    email = models.EmailField(_("algemeen e-mailadres"), blank=True)
    phone = models.CharField(_("algemeen telefoonnummer"), max_length=20, blank=True)
    kvk_checked_at = models.DateTimeField(_("laatst bijgewerkt uit KVK"), null=True, blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountmanager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_companies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()  # who changed what: only staff change a company (companies.services)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["postcode"], name="company_postcode"),
            models.Index(fields=["name"], name="company_name"),
            models.Index(fields=["phone"], name="company_phone"),
            # PostgreSQL only (see intake/pg.py): "name contains" stays fast with 100,000 companies.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="company_name_trgm"),
        ]
        verbose_name = _("bedrijf")
        verbose_name_plural = _("bedrijven")

    def __str__(self) -> str:
        return self.name or self.kvk_number or str(self.pk)


class Contact(models.Model):
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True, db_index=True)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()  # a public form never changes a contact (intake.services.find_requester)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["phone"], name="contact_phone"),
            models.Index(Upper("email"), name="contact_email_upper"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="contact_name_trgm"),
        ]
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")

    def __str__(self) -> str:
        return self.name


class Portefeuillehouder(models.Model):
    """A wethouder (or the council, the college) through whom a question reached the municipality: an
    administrative case names who received it, and that recipient gets a copy of the final answer."""

    name = models.CharField(_("naam"), max_length=200, help_text=_("Bijvoorbeeld: wethouder Jansen."))
    portfolio = models.CharField(_("portefeuille"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("portefeuillehouder")
        verbose_name_plural = _("portefeuillehouders")

    def __str__(self) -> str:
        return f"{self.name} ({self.portfolio})" if self.portfolio else self.name


class ReferenceSequence(models.Model):
    """One counter per year, locked while a reference is drawn so numbers are unique under concurrency."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    channel = models.CharField(_("kanaal"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    question = models.TextField(_("vraag"))
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # A KVK number typed for a company we know, by someone not known at it: the case joins that company only
    # when staff confirm it (intake.services.case_confirm_kvk_claim); until then `company` stays as it was.
    claimed_kvk_number = models.CharField(
        _("opgegeven KVK-nummer (niet bevestigd)"), max_length=8, blank=True
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="cases")
    # An administrative question (Channel.ADMINISTRATIVE): the wethouder, council or college who received it.
    administrative_recipient = models.ForeignKey(
        Portefeuillehouder,
        verbose_name=_("binnengekomen via"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    preferred_contact = models.CharField(
        _("voorkeur contact"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("onderwerp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="owned_cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountmanager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The router's proposal, written through intake.services.case_record_routing.
    proposed_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposed_cases"
    )
    routing_confidence = models.FloatField(null=True, blank=True)
    routing_reason = models.CharField(max_length=200, blank=True)
    routing_suggestions = models.JSONField(default=list, blank=True)
    needs_triage = models.BooleanField(default=False)

    deadline = models.DateField(_("beantwoorden vóór"), null=True, blank=True)
    deadline_policy = models.CharField(max_length=120, blank=True)
    # The later date a delay notice promised the entrepreneur (followup.sweep.delay_notice sets it in SQL).
    # It counts only while it is after the deadline: intake.selectors.expected_answer_date.
    expected_date = models.DateField(_("verwacht antwoord"), null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)

    resolution = models.CharField(_("afhandeling"), max_length=30, choices=Resolution.choices, blank=True)
    # The language the question was written in (intake.normalise.detect_language): the receipt and every
    # message to the entrepreneur go out in it.
    language = models.CharField(_("taal"), max_length=5, choices=settings.LANGUAGES, default="nl")
    tracking_token_hash = models.CharField(max_length=64, unique=True)
    # The form's one-time submission key (later the API's Idempotency-Key): a repeated or parallel post of the
    # same submission finds this case instead of creating a second one (intake.services.case_submit).
    submission_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("ontvangen"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Full-text search over reference, subject and question, kept by the database itself (intake/search.py).
    search_document = models.GeneratedField(
        expression=SearchDocument(), output_field=PlainSearchField(), db_persist=True, editable=False
    )

    history = HistoricalRecords(
        excluded_fields=["tracking_token_hash", "submission_key", "updated_at", "search_document"]
    )

    class Meta:
        ordering = ["-created_at"]
        # The case list's filters and sorts at a million cases (issue 13, docs/scaling.md). Every sort ends in
        # the id for keyset pagination (casework/keyset.py); the open cases, a few percent of all, have partial
        # indexes of their own for the dashboard's tiles, the overdue filter and the deadline overview.
        indexes = [
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
            models.Index(fields=["created_at", "id"], name="case_created_id"),
            models.Index(fields=["status", "created_at", "id"], name="case_status_created_id"),
            models.Index(fields=["deadline", "id"], name="case_deadline_id"),
            models.Index(
                fields=["created_at", "id"], name="case_open_created_id", condition=Q(status__in=sorted(OPEN))
            ),
            models.Index(
                fields=["deadline", "id"], name="case_open_deadline_id", condition=Q(status__in=sorted(OPEN))
            ),
            models.Index(
                fields=["created_at", "id"], name="case_triage_created_id", condition=Q(needs_triage=True)
            ),
            # The thousand or so cases waiting for triage in the list's other orders, and a rare channel (the
            # administrative questions): an index in the page's order would be walked to its end to find them.
            models.Index(
                fields=["deadline", "id"], name="case_triage_deadline_id", condition=Q(needs_triage=True)
            ),
            models.Index(
                fields=["status", "created_at", "id"],
                name="case_triage_status_created_id",
                condition=Q(needs_triage=True),
            ),
            models.Index(
                fields=["reference", "id"], name="case_triage_reference_id", condition=Q(needs_triage=True)
            ),
            models.Index(fields=["channel", "created_at", "id"], name="case_channel_created_id"),
            # The deadline overview counts cases whose clock runs by deadline from this index alone.
            models.Index(
                fields=["deadline", "status", "id"],
                name="case_clock_deadline",
                condition=Q(status__in=sorted(CLOCK_RUNNING)),
            ),
            # PostgreSQL only (intake/pg.py): Dutch full text, and "reference contains" for a partial number.
            PostgresGinIndex(fields=["search_document"], name="case_search_document"),
            PostgresGinIndex(OpClass(Upper("reference"), name="gin_trgm_ops"), name="case_reference_trgm"),
        ]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def public_status(self) -> str:
        return PUBLIC_LABELS[Status(self.status)]

    @property
    def title(self) -> str:
        return self.subject or (self.question[:80] + ("…" if len(self.question) > 80 else ""))

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Message(models.Model):
    """One entry on a case's timeline: what was said, decided or sent, by whom and when."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Vraag")
        REPLY = "reply", _("Aanvulling van ondernemer")
        INFO_REQUEST = "info_request", _("Vraag om informatie")
        ANSWER = "answer", _("Antwoord")
        NOTE = "note", _("Interne notitie")
        STATUS = "status", _("Statuswijziging")
        HANDOFF = "handoff", _("Uitzetting")
        ROUTING = "routing", _("Routering")
        FOLLOWUP = "followup", _("Bewaking")
        SYSTEM = "system", _("Systeem")

    # No index of its own: message_case_time starts with the case (one index less per timeline entry).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_public = models.BooleanField(
        default=False, help_text=_("Zichtbaar voor de ondernemer op de volgpagina.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case_time")]
        verbose_name = _("tijdlijnregel")
        verbose_name_plural = _("tijdlijn")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def text(self) -> str:
        """The entry in the reader's language (intake.timeline); free text as it was written."""
        return render_entry(self.body, self.data)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The original name is kept in the row; on disk a random name avoids guessing and collisions.
    return f"attachments/{instance.case_id}/{instance.stored_name}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    stored_name = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.original_name


class StagedUpload(models.Model):
    """A checked upload kept between a failed submit and the next one, for that browser session only."""

    id = models.UUIDField(primary_key=True)
    session_key = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to="staging/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


# ----------------------------------------------------------------------------------------------------------
# Account managers: who owns a company's questions (the rules decide a new case's owner at intake) and how the
# public start page introduces them. Their pages are in the companies app.


def sbi_code_list(company: Company) -> list[str]:
    return [code.strip() for code in company.sbi_codes.split(",") if code.strip()]


class AccountManagerRule(models.Model):
    """Who is the account manager of a company: for one company, a sector (SBI prefix) or an area (postcodes).

    A company's own account manager wins, then a company rule, then the longest matching SBI prefix, then
    the narrowest postcode range.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Bedrijf")
        SECTOR = "sector", _("Sector (SBI)")
        AREA = "area", _("Gebied (postcodes)")

    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountmanager"),
        on_delete=models.CASCADE,
        related_name="account_manager_rules",
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    company = models.ForeignKey(
        Company,
        verbose_name=_("bedrijf"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="account_manager_rules",
    )
    sbi_prefix = models.CharField(
        _("SBI-code begint met"), max_length=10, blank=True, help_text=_("Bijvoorbeeld 56 voor horeca.")
    )
    label = models.CharField(
        _("omschrijving"), max_length=120, blank=True, help_text=_("Bijvoorbeeld: Horeca, of Centrum.")
    )
    postcode_from = models.PositiveSmallIntegerField(_("postcode van (4 cijfers)"), null=True, blank=True)
    postcode_to = models.PositiveSmallIntegerField(
        _("postcode tot en met (4 cijfers)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("actief"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "sbi_prefix", "postcode_from", "pk"]
        verbose_name = _("accountmanagerregel")
        verbose_name_plural = _("accountmanagerregels")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()} → {self.account_manager}"

    def describe(self) -> str:
        if self.kind == self.Kind.COMPANY:
            return str(self.company or "")
        if self.kind == self.Kind.SECTOR:
            return self.label or f"SBI {self.sbi_prefix}"
        return self.label or f"{self.postcode_from}–{self.postcode_to}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.COMPANY and not self.company_id:
            raise ValidationError({"company": _("Kies het bedrijf.")})
        if self.kind == self.Kind.SECTOR and not self.sbi_prefix.strip():
            raise ValidationError({"sbi_prefix": _("Vul het begin van de SBI-code in.")})
        if self.kind == self.Kind.AREA:
            if self.postcode_from is None or self.postcode_to is None:
                raise ValidationError(_("Vul beide postcodes in (4 cijfers)."))
            if self.postcode_from > self.postcode_to:
                raise ValidationError(_("De eerste postcode moet lager zijn dan de tweede."))


def account_manager_photo_path(instance: "AccountManagerProfile", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"accountmanagers/{instance.user_id}-{uuid_hex()}{suffix if suffix in ('.jpg', '.jpeg', '.png') else ''}"


def uuid_hex() -> str:
    import uuid

    return uuid.uuid4().hex


class AccountManagerProfile(models.Model):
    """What the public start page shows of an account manager: photo, direct phone and e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_manager_profile"
    )
    photo = models.FileField(
        _("foto"), upload_to=account_manager_photo_path, blank=True, help_text=_("JPG of PNG.")
    )
    phone = models.CharField(_("direct telefoonnummer"), max_length=30, blank=True)
    email = models.EmailField(_("direct e-mailadres"), blank=True)
    introduction = models.TextField(_("korte introductie"), blank=True)
    is_public = models.BooleanField(_("tonen op de startpagina"), default=True)

    class Meta:
        ordering = ["user__first_name"]
        verbose_name = _("accountmanager (profiel)")
        verbose_name_plural = _("accountmanagers (profielen)")

    def __str__(self) -> str:
        return display_name(self.user)

    @property
    def initials(self) -> str:
        name = display_name(self.user)
        return "".join(part[0] for part in name.split()[:2]).upper()

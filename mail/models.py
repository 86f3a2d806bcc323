"""What the loket mailbox delivered: one row per message read, so a message is never stored twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMail(models.Model):
    """One message read from the mailbox, and what became of it. Unique on the mailbox's UID and on the
    Message-ID: a message read again (a worker killed before it marked the message done, the same message
    delivered twice) finds its row and stores nothing new."""

    class Outcome(models.TextChoices):
        NEW_CASE = "new_case", _("Nieuwe vraag")
        FORWARDED = "forwarded", _("Doorgestuurde vraag")
        REPLY = "reply", _("Reactie op een vraag")
        REOPENED = "reopened", _("Reactie, vraag heropend")
        FOLLOW_UP = "follow_up", _("Reactie op een oude vraag: nieuwe vraag")
        CHECK = "check", _("Nieuwe vraag, afzender controleren")
        AUTOMATIC = "automatic", _("Automatisch bericht (geen ontvangstbevestiging)")
        TOO_LARGE = "too_large", _("Geweigerd: te groot")
        RATE_LIMITED = "rate_limited", _("Geweigerd: te veel berichten van deze afzender")

    REFUSED = frozenset({Outcome.TOO_LARGE, Outcome.RATE_LIMITED})

    mailbox = models.CharField(max_length=300)
    uid_validity = models.CharField(max_length=20, blank=True)
    uid = models.CharField(max_length=200)
    message_id = models.CharField(max_length=250, unique=True)
    from_email = models.CharField(_("afzender"), max_length=254, blank=True, db_index=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    automatic = models.CharField(max_length=20, blank=True)  # auto_reply, bounce or list
    needs_check = models.BooleanField(_("controleren"), default=False)
    auth = models.JSONField(default=dict, blank=True)  # SPF, DKIM and DMARC from Authentication-Results
    case = models.ForeignKey(
        "intake.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mails"
    )
    received_at = models.DateTimeField(_("gelezen"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)  # moved or flagged in the mailbox

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uid_validity", "uid"], name="inbound_mail_uid_unique")
        ]
        verbose_name = _("inkomende e-mail")
        verbose_name_plural = _("inkomende e-mail")

    def __str__(self) -> str:
        return f"{self.from_email}: {self.subject}"


class OutgoingMessageId(models.Model):
    """The Message-ID each outbox row is sent with (intake.outbox.message_id_for), so a reply's In-Reply-To
    finds its case. Kept here, apart from the outbox, until the outbox stores it on its own rows."""

    message_id = models.CharField(max_length=250, unique=True)
    outbox = models.OneToOneField("intake.OutboxMessage", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("intake.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Message-ID van een verstuurd bericht")
        verbose_name_plural = _("Message-ID's van verstuurde berichten")

    def __str__(self) -> str:
        return self.message_id

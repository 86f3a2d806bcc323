"""What the API reads and writes. Input is validated by the same forms as the web (intake.forms), so the
rules and their Dutch messages are the same; these serializers describe the shapes for the schema."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from intake.models import Case, Company, ContactPreference
from intake.workflow import PUBLIC_LABELS, Status
from knowledge.models import KnowledgeArticle
from routing.models import Handoff
from teams.models import Topic

from .models import EventType, Subscription

# Named enums in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
CASE_STATUS_CHOICES = Status.choices
HANDOFF_STATUS_CHOICES = Handoff.Status.choices


# A question, with the fields and rules of the public form (/vraag/).
class CaseCreateSerializer(serializers.Serializer):
    question = serializers.CharField(help_text=_("De vraag, maximaal 5000 tekens."))
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    topic = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Code (slug) van een onderwerp uit /topics/."),
    )
    company_name = serializers.CharField(required=False, allow_blank=True, default="")
    kvk_number = serializers.CharField(required=False, allow_blank=True, default="")
    contact_name = serializers.CharField()
    email = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    preferred_contact = serializers.ChoiceField(
        choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    consent = serializers.BooleanField(
        help_text=_("De ondernemer gaf toestemming zoals op het webformulier (verplicht: true).")
    )


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Het veld (leeg: de invoer als geheel)."))
    reason = serializers.CharField(help_text=_("Wat er mis is, in het Nederlands."))
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    instance = serializers.CharField(required=False)
    invalid_params = InvalidParamSerializer(many=True, required=False)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    author = serializers.CharField()
    text = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField()
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    company_kvk_number = serializers.CharField(
        source="company.kvk_number", read_only=True, default=None, allow_null=True
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="reference")

    class Meta:
        model = Case
        fields = [
            "url",
            "reference",
            "status",
            "status_label",
            "channel",
            "subject",
            "question",
            "topic",
            "company_kvk_number",
            "deadline",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_status_label(self, case) -> str:
        return str(PUBLIC_LABELS.get(Status(case.status), case.status))


class CaseDetailSerializer(CaseSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "timeline"]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case) -> list[dict]:
        return [
            {"at": item.at, "kind": item.kind, "author": item.message.author_name, "text": item.message.text}
            for item in self.context.get("timeline", [])
        ]


class HandoffSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    case_subject = serializers.CharField(source="case.subject", read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    claimed_by = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:handoff-detail")

    class Meta:
        model = Handoff
        fields = [
            "url",
            "id",
            "case",
            "case_subject",
            "team",
            "status",
            "request_text",
            "claimed_by",
            "answer",
            "return_reason",
            "info_question",
            "deadline",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_claimed_by(self, handoff) -> str | None:
        user = handoff.claimed_by
        return (user.get_full_name() or user.get_username()) if user else None


class HandoffDetailSerializer(HandoffSerializer):
    question = serializers.CharField(source="case.question", read_only=True)
    thread = serializers.SerializerMethodField()

    class Meta(HandoffSerializer.Meta):
        fields = [*HandoffSerializer.Meta.fields, "question", "thread"]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_thread(self, handoff) -> list[dict]:
        return [
            {"at": m.created_at, "kind": m.kind, "author": m.author_name, "text": m.text}
            for m in self.context.get("thread", [])
        ]


class HandoffAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class HandoffReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class HandoffQuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["kvk_number", "name", "sbi_codes", "address", "postcode", "city", "branch_number"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    upl_uri = serializers.CharField(
        read_only=True, help_text=_("URI in de Uniforme Productnamenlijst, of leeg.")
    )

    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "team", "deadline_days", "upl_name", "upl_uri"]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = KnowledgeArticle
        fields = ["id", "title", "public_answer", "links", "topic", "last_reviewed", "updated_at"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), min_length=1
    )
    url = serializers.URLField(max_length=500)

    class Meta:
        model = Subscription
        fields = ["id", "url", "event_types", "is_active", "paused_at", "created_at"]
        read_only_fields = ["id", "is_active", "paused_at", "created_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError(_("Gebruik een http- of https-adres."))
        return value


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_("Alleen in dit antwoord: de sleutel waarmee elke aflevering is ondertekend."),
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]

"""The REST API, /api/v1/ (docs/api.md). Thin views: input through the web's forms and serializers, writes
through the services of the layers below, reads through api.selectors (scoped per client)."""

import hashlib
import time
from datetime import UTC

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.forms import PublicQuestionForm
from intake.models import Case, Channel, Company
from intake.selectors import case_timeline
from intake.services import case_submit
from knowledge.models import KnowledgeArticle
from routing import services as routing_services
from routing.models import Handoff
from routing.selectors import handoff_thread
from teams.models import Topic

from . import selectors, serializers
from . import services as api_services
from .exceptions import Conflict
from .models import ApiCall
from .permissions import client_of

PROBLEM_TYPE = "application/problem+json"


def problems(*codes: int) -> dict:
    """Error responses as documented in the schema: RFC 9457 problem details, Dutch text."""
    return {
        (code, PROBLEM_TYPE): serializers.ProblemSerializer for code in (*codes, 401, 403, 405, 406, 415, 429)
    }


COMMON_ERRORS = problems(400, 404)


class ClientAPIMixin:
    """Logs every call with its client, and gives GET responses an ETag (If-None-Match → 304)."""

    def initial(self, request, *args, **kwargs):
        request._api_started = time.monotonic()
        super().initial(request, *args, **kwargs)
        # A NUL character cannot be stored or compared in PostgreSQL text: refuse it in a filter up front.
        bad = sorted(
            {key for key, values in request.query_params.lists() if any("\x00" in v for v in values)}
        )
        if bad or any("\x00" in key for key in request.query_params):
            raise ValidationError(
                {key: [_("Dit teken is hier niet toegestaan.")] for key in bad or ["query"]}
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and hasattr(response, "render"):
            response.render()
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional is not response:
                not_modified = HttpResponse(status=304)
                not_modified["ETag"] = response["ETag"]
                response = not_modified
        response["Vary"] = "Authorization"
        client = client_of(request)
        if client is not None:
            started = getattr(request._request, "_api_started", None) or getattr(
                request, "_api_started", None
            )
            ApiCall.objects.create(
                client=client,
                method=request.method[:8],
                path=request.path[:300],
                status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000) if started else 0,
            )
        return response


# ----------------------------------------------------------------------------------------------------------
# Cases


class CaseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Case._meta.get_field("status").choices)
    created_after = filters.IsoDateTimeFilter(method="filter_created_after")
    topic = filters.CharFilter(field_name="topic__slug")

    class Meta:
        model = Case
        fields = ["status", "topic", "created_after"]

    def filter_created_after(self, queryset, name, value):
        try:  # in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows
            value = value.astimezone(UTC) if value.tzinfo else value
        except OverflowError:
            raise ValidationError(
                {"created_after": [_("Deze datum en tijd liggen buiten het bereik.")]}
            ) from None
        return queryset.filter(created_at__gte=value)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_lazy(
        "Een unieke sleutel per vraag (maximaal 64 tekens). Een herhaald verzoek met dezelfde sleutel maakt geen tweede vraag en geeft hetzelfde antwoord."
    ),
)

CASE_EXAMPLE = OpenApiExample(
    "Vraag over een terrasvergunning",
    request_only=True,
    value={
        "question": "Ik wil een terras bij mijn café. Welke vergunning heb ik nodig?",
        "subject": "Terras",
        "topic": "",
        "company_name": "Café De Hoek",
        "kvk_number": "12345678",
        "contact_name": "Sanne de Vries",
        "email": "sanne@dehoek.example",
        "phone": "",
        "preferred_contact": "email",
        "consent": True,
    },
)


@extend_schema_view(
    list=extend_schema(summary=_lazy("Vragen"), responses={200: serializers.CaseSerializer, **COMMON_ERRORS}),
    retrieve=extend_schema(
        summary=_lazy("Eén vraag met haar openbare tijdlijn"),
        responses={200: serializers.CaseDetailSerializer, **COMMON_ERRORS},
    ),
    create=extend_schema(
        summary=_lazy("Een vraag indienen"),
        request=serializers.CaseCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[CASE_EXAMPLE],
        responses={201: serializers.CaseSerializer, **problems(400, 404, 409)},
    ),
)
class CaseViewSet(ClientAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Vragen van ondernemers. Rechten: cases:create (indienen) en cases:read (lezen: de eigen vragen, of alle
    vragen voor een koppeling van team economie)."""

    lookup_field = "reference"
    lookup_value_regex = r"[A-Z]{3}-\d{4}-\d{5}"
    required_scope = {"list": "cases:read", "retrieve": "cases:read", "create": "cases:create"}
    filterset_class = CaseFilter
    serializer_class = serializers.CaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.cases_for_client(client_of(self.request)).order_by("-created_at", "-pk")

    def retrieve(self, request, reference=None):
        case = selectors.case_for_client(client_of(request), reference)
        context = {**self.get_serializer_context(), "timeline": case_timeline(case, public_only=True)}
        return Response(serializers.CaseDetailSerializer(case, context=context).data)

    def create(self, request):
        client = client_of(request)
        key = request.headers.get("Idempotency-Key", "").strip()
        if key and not (len(key) <= 64 and key.isascii() and key.isprintable()):
            raise ValidationError({"Idempotency-Key": [_("Gebruik maximaal 64 leesbare tekens (ASCII).")]})
        incoming = serializers.CaseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        form = PublicQuestionForm(data=_form_data(data), staging=None)
        if not form.is_valid():
            raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
        cleaned = form.cleaned_data
        submitted = case_submit(
            submission_key=f"api:{client.pk}:{key}" if key else None,
            question=cleaned["question"],
            subject=cleaned["subject"],
            topic=cleaned["topic"],
            company_name=cleaned["company_name"],
            kvk_number=cleaned["kvk_number"],
            contact_name=cleaned["contact_name"],
            email=cleaned["email"],
            phone=cleaned["phone"],
            preferred_contact=cleaned["preferred_contact"],
            channel=Channel.API,
            created_by=client.user,
            run_after_submit=True,  # the router, in the same transaction
        )
        case = submitted.case
        if not submitted.created and case.question != cleaned["question"]:
            raise Conflict(_("Deze Idempotency-Key is al gebruikt voor een andere vraag."))
        body = serializers.CaseSerializer(case, context=self.get_serializer_context()).data
        headers = {"Location": body["url"]}
        if not submitted.created:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


def _form_data(data: dict) -> dict:
    """The API's JSON as the public form's fields; a topic is named by its code (slug) instead of its id."""
    topic_id = ""
    if data.get("topic"):
        topic = Topic.objects.filter(slug=data["topic"]).values_list("pk", flat=True).first()
        topic_id = str(topic) if topic else "-1"  # an unknown code: the form's own "not a valid choice"
    return {
        "question": data["question"],
        "subject": data.get("subject", ""),
        "topic": topic_id,
        "company_name": data.get("company_name", ""),
        "kvk_number": data.get("kvk_number", ""),
        "contact_name": data["contact_name"],
        "email": data.get("email", ""),
        "phone": data.get("phone", ""),
        "preferred_contact": data.get("preferred_contact", "email"),
        "consent": "on" if data.get("consent") else "",
    }


# ----------------------------------------------------------------------------------------------------------
# Hand-offs


class HandoffFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Handoff.Status.choices)
    team = filters.CharFilter(field_name="team__slug")
    open = filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Handoff
        fields = ["status", "team", "open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=Handoff.OPEN_STATUSES)
        return queryset.exclude(status__in=Handoff.OPEN_STATUSES)


HANDOFF_ACTION_RESPONSES = {200: serializers.HandoffSerializer, **problems(400, 404, 409)}


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Uitzettingen aan de eigen teams"),
        responses={200: serializers.HandoffSerializer, **COMMON_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_lazy("Eén uitzetting, met wat de afdeling van de vraag mag lezen"),
        responses={200: serializers.HandoffDetailSerializer, **COMMON_ERRORS},
    ),
)
class HandoffViewSet(ClientAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Uitzettingen aan de teams van de koppeling (recht handoffs:<team>), zoals de medewerkers van die afdeling
    ze zien. Uitzettingen aan andere teams bestaan voor de koppeling niet (404)."""

    required_scope = "handoffs"
    filterset_class = HandoffFilter
    serializer_class = serializers.HandoffSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Handoff.objects.none()
        return selectors.handoffs_for_client(client_of(self.request)).order_by("deadline", "pk")

    def _handoff(self, pk) -> Handoff:
        return selectors.handoff_for_client(client_of(self.request), int(pk))

    def retrieve(self, request, pk=None):
        handoff = self._handoff(pk)
        context = {**self.get_serializer_context(), "thread": list(handoff_thread(handoff))}
        return Response(serializers.HandoffDetailSerializer(handoff, context=context).data)

    def _done(self, handoff: Handoff) -> Response:
        handoff = self._handoff(handoff.pk)
        return Response(serializers.HandoffSerializer(handoff, context=self.get_serializer_context()).data)

    @extend_schema(summary=_lazy("Oppakken"), request=None, responses=HANDOFF_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        handoff = routing_services.handoff_claim(handoff=self._handoff(pk), actor=request.user)
        return self._done(handoff)

    @extend_schema(
        summary=_lazy("Beantwoorden"),
        request=serializers.HandoffAnswerSerializer,
        responses=HANDOFF_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        handoff = self._handoff(pk)
        incoming = serializers.HandoffAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        handoff = routing_services.handoff_answer(
            handoff=handoff, actor=request.user, answer=incoming.validated_data["answer"]
        )
        return self._done(handoff)

    @extend_schema(
        summary=_lazy("Terugsturen"),
        request=serializers.HandoffReturnSerializer,
        responses=HANDOFF_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        handoff = self._handoff(pk)
        incoming = serializers.HandoffReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        handoff = routing_services.handoff_return(
            handoff=handoff, actor=request.user, reason=incoming.validated_data["reason"]
        )
        return self._done(handoff)

    @extend_schema(
        summary=_lazy("Regie om informatie vragen"),
        request=serializers.HandoffQuestionSerializer,
        responses=HANDOFF_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, pk=None):
        handoff = self._handoff(pk)
        incoming = serializers.HandoffQuestionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        handoff = routing_services.handoff_request_information(
            handoff=handoff, actor=request.user, question=incoming.validated_data["question"]
        )
        return self._done(handoff)


# ----------------------------------------------------------------------------------------------------------
# Companies, the catalogue and the knowledge base


class CompanyFilter(filters.FilterSet):
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")
    postcode = filters.CharFilter(field_name="postcode")

    class Meta:
        model = Company
        fields = ["name", "postcode"]


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Bedrijven"), responses={200: serializers.CompanySerializer, **COMMON_ERRORS}
    ),
    retrieve=extend_schema(
        summary=_lazy("Een bedrijf op KVK-nummer"),
        responses={200: serializers.CompanySerializer, **COMMON_ERRORS},
    ),
)
class CompanyViewSet(ClientAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Bedrijven met een KVK-nummer (recht companies:read)."""

    required_scope = "companies:read"
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilter
    lookup_field = "kvk_number"
    lookup_value_regex = r"\d{8}"

    def get_queryset(self):
        return selectors.companies()


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Onderwerpen (de catalogus)"),
        responses={200: serializers.TopicSerializer, **COMMON_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_lazy("Eén onderwerp"),
        responses={200: serializers.TopicSerializer, **COMMON_ERRORS},
    ),
)
class TopicViewSet(ClientAPIMixin, viewsets.ReadOnlyModelViewSet):
    """De openbare onderwerpen van de catalogus (recht catalogue:read)."""

    required_scope = "catalogue:read"
    serializer_class = serializers.TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,120}"
    filterset_fields = {"team__slug": ["exact"]}

    def get_queryset(self):
        return selectors.topics()


class ArticleFilter(filters.FilterSet):
    topic = filters.CharFilter(field_name="topic__slug")

    class Meta:
        model = KnowledgeArticle
        fields = ["topic"]


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Gepubliceerde kennisartikelen"),
        responses={200: serializers.ArticleSerializer, **COMMON_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_lazy("Eén kennisartikel"),
        responses={200: serializers.ArticleSerializer, **COMMON_ERRORS},
    ),
)
class ArticleViewSet(ClientAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Gepubliceerde kennisartikelen: de openbare antwoorden (recht catalogue:read)."""

    required_scope = "catalogue:read"
    serializer_class = serializers.ArticleSerializer
    filterset_class = ArticleFilter
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        return selectors.articles()


# ----------------------------------------------------------------------------------------------------------
# Event subscriptions


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Eigen abonnementen"),
        responses={200: serializers.SubscriptionSerializer, **COMMON_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_lazy("Eén abonnement"),
        responses={200: serializers.SubscriptionSerializer, **COMMON_ERRORS},
    ),
    create=extend_schema(
        summary=_lazy("Abonneren op gebeurtenissen (webhook)"),
        request=serializers.SubscriptionSerializer,
        responses={201: serializers.SubscriptionCreatedSerializer, **problems(400, 404)},
    ),
    destroy=extend_schema(summary=_lazy("Abonnement opzeggen"), responses={204: None, **COMMON_ERRORS}),
)
class SubscriptionViewSet(
    ClientAPIMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Abonnementen op gebeurtenissen (recht events:subscribe): CloudEvents per webhook, ondertekend met HMAC-SHA256."""

    required_scope = "events:subscribe"
    serializer_class = serializers.SubscriptionSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Subscription.objects.none()
        return selectors.subscriptions_for_client(client_of(self.request))

    def create(self, request):
        incoming = serializers.SubscriptionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subscription, secret = api_services.subscription_create(
            client=client_of(request),
            url=incoming.validated_data["url"],
            event_types=incoming.validated_data["event_types"],
        )
        subscription.secret = secret
        body = serializers.SubscriptionCreatedSerializer(subscription).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a problem+json 404, not the site's HTML page."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()

    def get(self, request, *args, **kwargs):
        raise NotFound()

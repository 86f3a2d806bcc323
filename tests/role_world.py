"""One small municipality with a user for every role and one real object of every kind a URL can name.

Used by the route x role matrix (tests/test_route_role_matrix.py) and the no-500 walk (tests/test_no_500.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from companies import services as company_services
from followup import services as followup_services
from intake.models import AccountManagerProfile, Resolution
from intake.services import UploadData
from knowledge import services as knowledge_services
from knowledge.models import KnowledgeArticle
from routing import services as routing_services
from teams.models import Membership
from tests.conftest import make_user
from tests.factories import submit_case

# The roles, in the order of the matrix's columns.
ROLES = ("anonymous", "entrepreneur", "kcc", "economie", "economie_coordinator", "department", "department_coordinator", "admin")  # fmt: skip

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class World:
    users: dict  # role -> user (None for anonymous and the entrepreneur)
    token: str  # the tracking token of `case`
    closed_token: str  # the tracking token of a closed case the entrepreneur may still rate
    objects: dict  # kind -> pk: case, handoff, callback, company, visit, article, profile, rating, attachment, outbox


def build_world(teams, topics, owner) -> World:
    users = {
        "anonymous": None,
        "entrepreneur": None,
        "kcc": make_user("fatima", teams["kcc"]),
        "economie": make_user("bram", teams["economie"]),
        "economie_coordinator": owner,
        "department": make_user("pieter", teams["vergunningen"]),
        "department_coordinator": make_user("vera", teams["vergunningen"], Membership.Role.COORDINATOR),
        "admin": get_user_model().objects.create_superuser(
            "beheer", email="beheer@gemeente.test", password="pw-beheer"
        ),
    }
    pdf = SimpleUploadedFile("offerte.pdf", b"%PDF-1.4 offerte", content_type="application/pdf")
    submitted = submit_case(
        attachments=[UploadData(file=pdf, original_name="offerte.pdf", content_type="application/pdf")]
    )
    case = submitted.case
    (handoff,) = routing_services.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text="Mag dit terras er komen?", actor=owner
    )
    # A callback for another department than the one the department roles belong to.
    callback = followup_services.callback_create(
        case=case,
        name="Marco van Dijk",
        phone="+31612345678",
        subject="Precario",
        team=teams["belastingen"],
        actor=users["kcc"],
    )
    visit = company_services.visit_plan(
        company=case.company,
        actor=owner,
        planned_for=timezone.now() + timedelta(days=3),
        purpose="Kennismaking",
        visitors=[owner],
    )
    # A draft of team economie, with internal notes: not for departments.
    article = knowledge_services.article_save(
        actor=owner,
        topic=topics["starters"],
        title="Starten met een eigen bedrijf",
        public_answer="Schrijf u in bij de KVK.",
        internal_notes="Intern: verwijs naar het ondernemersloket.",
        owner_team=teams["economie"],
        status=KnowledgeArticle.Status.DRAFT,
    )
    profile = AccountManagerProfile(user=owner, is_public=True)
    profile.photo.save("anouk.png", ContentFile(PNG), save=False)
    profile.save()
    closed = submit_case(question="Waar vind ik het ondernemersloket?", email="sara@bakkerij.test")
    routing_services.case_close_with_answer(
        case=closed.case, actor=owner, body="Op het stadhuis.", resolution=Resolution.ANSWERED
    )
    rated = submit_case(question="Hoe laat is de markt open?", email="joost@kaas.test")
    routing_services.case_close_with_answer(
        case=rated.case, actor=owner, body="Van 8 tot 13 uur.", resolution=Resolution.ANSWERED
    )
    rating = followup_services.rating_submit(case=rated.case, score=1, comment="Te laat")
    return World(
        users=users,
        token=submitted.tracking_token,
        closed_token=closed.tracking_token,
        objects={
            "case": case.pk,
            "handoff": handoff.pk,
            "callback": callback.pk,
            "company": case.company_id,
            "visit": visit.pk,
            "article": article.pk,
            "profile": profile.pk,
            "rating": rating.pk,
            "attachment": case.attachments.get().pk,
            "outbox": case.notifications.first().pk,
        },
    )


def client_for(client_class, world: World, role: str):
    client = client_class()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client

"""A case with everything that can hang off it, made through the real services where they exist."""

import json

from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile

from followup import services as followup_services
from intake.models import Resolution
from intake.services import UploadData
from kcc.models import KccCall
from knowledge.services import record_gap
from routing import services as routing_services
from routing.models import LabelledExample
from tests.factories import submit_case


def full_case(
    *, owner, teams, topics, name, email, phone, company_name, kvk, close=True, attachment="offerte.pdf"
):
    pdf = SimpleUploadedFile(attachment, b"%PDF-1.4 offerte " + name.encode(), content_type="application/pdf")
    submitted = submit_case(
        question=f"Ik ben {name} en wil een terras. Bel mij op {phone}.",
        contact_name=name,
        email=email,
        phone=phone,
        company_name=company_name,
        kvk_number=kvk,
        attachments=[UploadData(file=pdf, original_name=attachment, content_type="application/pdf")],
    )
    case = submitted.case
    routing_services.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text=f"Terras voor {name}?", actor=owner
    )
    followup_services.callback_create(
        case=case, name=name, phone=phone, subject=f"Terras {name}", team=teams["vergunningen"], actor=owner
    )
    call = KccCall.objects.create(
        case=case,
        question=f"{name} belt over het terras",
        caller_name=name,
        caller_phone=phone,
        caller_email=email,
        outcome=KccCall.Outcome.REGIE,
    )
    record_gap(topic=None, question=f"Terras van {name}", actor=owner, case=case, call=call)
    LabelledExample.objects.create(
        text=case.question, topic=topics["terras"], case=case, source=LabelledExample.Source.CORRECTION
    )
    if close:
        routing_services.case_close_with_answer(
            case=case,
            actor=owner,
            body=f"Beste {name}, u heeft een terrasvergunning nodig.",
            resolution=Resolution.ANSWERED,
            override_reason="Antwoord is bekend",
        )
    case.refresh_from_db()
    return case, submitted.tracking_token


def database_dump(exclude: set[str] = frozenset()) -> str:
    """Every row of every model (history tables included) as JSON text, to search for a trace."""
    parts = []
    for model in apps.get_models():
        if model._meta.proxy or model._meta.label_lower in exclude:
            continue
        parts.append(serializers.serialize("json", model.objects.all()))
    return json.dumps(parts, ensure_ascii=False)


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []

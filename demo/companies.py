"""Demo data for the company view and the KCC: account manager profiles and rules, company details,
visits (planned and done, one with a wethouder) and a few logged calls. Idempotent; called at the end of
seed_demo. The knowledge articles come from knowledge.demo (seeded before this)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from companies import services as company_services
from companies.models import CompanyVisit
from intake.models import AccountManagerProfile, AccountManagerRule, Company
from kcc import services as kcc
from kcc.models import KccCall
from knowledge.models import KnowledgeGap
from knowledge.services import record_gap
from teams.models import Team

COMPANY_DETAILS = {
    # kvk: (sbi, address, postcode, city, phone)
    "12345678": ("5630", "Markt 3", "3511 AB", "Voorbeeldstad", "+31301110001"),
    "23456789": ("1071", "Dorpsstraat 10", "3512 CD", "Voorbeeldstad", "+31301110002"),
    "34567890": ("4764", "Stationsweg 44", "3521 EF", "Voorbeeldstad", "+31301110003"),
    "45678901": ("9602", "Kerkstraat 7", "3512 GH", "Voorbeeldstad", "+31301110004"),
    "56789012": ("4322", "Industrieweg 120", "3542 KL", "Voorbeeldstad", "+31301110005"),
    "67890123": ("5621", "Havenkade 2", "3531 MN", "Voorbeeldstad", "+31301110006"),
}


@transaction.atomic
def seed() -> None:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["anouk", "jeroen", "fatima"])
    }
    anouk, jeroen, fatima = users.get("anouk"), users.get("jeroen"), users.get("fatima")
    if not (anouk and jeroen):
        return
    for user, phone, intro in (
        (jeroen, "030 123 4511", "Horeca, retail en het centrum. Bel of mail gerust."),
        (anouk, "030 123 4510", "Bedrijventerreinen, bouw en industrie. Coördinator van team economie."),
    ):
        AccountManagerProfile.objects.get_or_create(
            user=user,
            defaults={"phone": phone, "email": f"{user.username}@gemeente.example", "introduction": intro},
        )
    for manager, kind, values in (
        (jeroen, AccountManagerRule.Kind.SECTOR, {"sbi_prefix": "56", "label": "Horeca"}),
        (jeroen, AccountManagerRule.Kind.SECTOR, {"sbi_prefix": "47", "label": "Detailhandel"}),
        (
            jeroen,
            AccountManagerRule.Kind.AREA,
            {"postcode_from": 3511, "postcode_to": 3512, "label": "Centrum"},
        ),
        (anouk, AccountManagerRule.Kind.SECTOR, {"sbi_prefix": "43", "label": "Bouw en installatie"}),
        (
            anouk,
            AccountManagerRule.Kind.AREA,
            {"postcode_from": 3540, "postcode_to": 3549, "label": "Bedrijventerrein Oost"},
        ),
    ):
        AccountManagerRule.objects.get_or_create(account_manager=manager, kind=kind, **values)
    companies = {c.kvk_number: c for c in Company.objects.filter(kvk_number__in=COMPANY_DETAILS)}
    for kvk_number, (sbi, address, postcode, city, phone) in COMPANY_DETAILS.items():
        company = companies.get(kvk_number)
        if company and not company.postcode:
            company_services.company_save(
                actor=anouk,
                company=company,
                sbi_codes=sbi,
                address=address,
                postcode=postcode,
                city=city,
                phone=phone,
            )
    now = timezone.now()
    leeuw, warmte = companies.get("12345678"), companies.get("56789012")
    if leeuw and not CompanyVisit.objects.filter(company=leeuw).exists():
        visit = company_services.visit_plan(
            company=leeuw,
            actor=jeroen,
            planned_for=now - timedelta(days=20),
            purpose="Kennismaking nieuwe eigenaar",
            visitors=[jeroen],
            alderman="Wethouder Economie M. de Groot",
        )
        company_services.visit_update(
            visit=visit,
            actor=jeroen,
            planned_for=visit.planned_for,
            purpose=visit.purpose,
            visitors=[jeroen],
            alderman=visit.alderman,
            status=CompanyVisit.Status.DONE,
            notes="Eigenaar wil het terras uitbreiden en zoekt personeel. Afgesproken: terrasmogelijkheden uitzoeken.",
        )
        company_services.visit_add_action(
            visit=visit,
            actor=jeroen,
            description="Uitzoeken of het terras op de Markt groter mag (terrasbeleid centrum).",
        )
    if warmte and not CompanyVisit.objects.filter(company=warmte).exists():
        company_services.visit_plan(
            company=warmte,
            actor=anouk,
            planned_for=now + timedelta(days=6),
            purpose="Verduurzaming bedrijfspand",
            visitors=[anouk, jeroen],
        )
    if fatima and not KccCall.objects.exists():
        vergunningen = Team.objects.filter(slug="vergunningen").first()
        if vergunningen:
            kcc.kcc_transfer(
                call=kcc.Call(
                    question="Hoe lang duurt een evenementenvergunning?", contact_name="Piet de Wit"
                ),
                team=vergunningen,
                actor=fatima,
            )
        kcc.kcc_to_owner(
            call=kcc.Call(
                question="Mijn bedrijfspand staat op vervuilde grond, wat moet ik doen?",
                contact_name="Sara Bos",
                could_not_answer=True,
            ),
            actor=fatima,
        )


def record_unanswered_calls_as_gaps() -> None:
    """Calls the KCC could not answer are knowledge gaps (the gap report shows them)."""
    for call in KccCall.objects.filter(could_not_answer=True).exclude(
        pk__in=KnowledgeGap.objects.filter(call__isnull=False).values("call_id")
    ):
        record_gap(topic=call.topic, question=call.question, actor=call.agent, case=call.case, call=call)

"""The company page: one timeline; department members see no more than their hand-offs; account managers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import services as company_services
from companies.models import CompanyNote
from intake import services as intake_services
from intake.models import AccountManagerProfile, AccountManagerRule, Company
from intake.selectors import account_manager_for
from routing import services as routing_services
from tests.conftest import make_user
from tests.factories import submit_case


@pytest.fixture
def company_with_history(owner, teams):
    handed = submit_case(question="Terras bij mijn café, mag dat?").case
    other = submit_case(question="Ik heb een vraag over mijn WOZ-waarde", email="marco@cafe.test").case
    company = handed.company
    assert other.company == company
    routing_services.case_hand_off(
        case=handed, teams=[teams["vergunningen"]], request_text="Graag advies", actor=owner
    )
    CompanyNote.objects.create(
        company=company, author=owner, body="Eigenaar wil uitbreiden naar de overkant."
    )
    visit = company_services.visit_plan(
        company=company,
        actor=owner,
        planned_for=timezone.now() + timedelta(days=3),
        purpose="Kennismaking",
        visitors=[owner],
        alderman="Wethouder Jansen",
    )
    return company, handed, other, visit


def test_the_page_shows_everything_in_one_timeline(client, owner, company_with_history):
    company, handed, other, _visit = company_with_history
    client.force_login(owner)
    page = client.get(reverse("companies:company-detail", args=[company.pk])).content.decode()
    for text in (
        handed.reference,
        other.reference,
        "Kennismaking",
        "Wethouder Jansen",
        "uitbreiden",
        "12345678",
    ):
        assert text in page


def test_a_department_member_sees_only_their_hand_offs(client, vergunningen_member, company_with_history):
    company, handed, other, visit = company_with_history
    client.force_login(vergunningen_member)
    page = client.get(reverse("companies:company-detail", args=[company.pk])).content.decode()
    assert handed.reference in page
    assert other.reference not in page
    assert "uitbreiden" not in page and "Kennismaking" not in page  # no notes, no visits
    assert client.get(reverse("companies:visit-detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("companies:company-edit", args=[company.pk])).status_code == 404
    list_page = client.get(reverse("companies:company-list")).content.decode()
    assert company.name in list_page


def test_a_department_without_hand_offs_sees_nothing(client, belastingen_member, company_with_history):
    company = company_with_history[0]
    client.force_login(belastingen_member)
    assert client.get(reverse("companies:company-detail", args=[company.pk])).status_code == 404
    assert company.name not in client.get(reverse("companies:company-list")).content.decode()
    assert client.get(reverse("kcc:workstation"), {"zoek": "12345678"}).status_code == 404


def test_visit_follow_up_action_becomes_a_case(client, owner, company_with_history):
    company, _h, _o, visit = company_with_history
    client.force_login(owner)
    client.post(
        reverse("companies:visit-action", args=[visit.pk]),
        {"action-description": "Uitzoeken of een groter terras kan"},
    )
    action = visit.actions.get()
    assert action.case.company == company and action.case.channel == "administrative"
    assert action.case.owner_team.slug == "economie"
    client.post(
        reverse("companies:visit-detail", args=[visit.pk]),
        {
            "visit-planned_for": "2026-03-02T10:00",
            "visit-purpose": "Kennismaking",
            "visit-visitors": [owner.pk],
            "visit-alderman": "",
            "visit-status": "done",
            "visit-notes": "Goed gesprek.",
        },
    )
    visit.refresh_from_db()
    assert visit.status == "done" and visit.done_at and visit.notes == "Goed gesprek."


def test_account_manager_rules(teams):
    jeroen = make_user("jeroen", teams["economie"])
    sanne = make_user("sanne", teams["economie"])
    kees = make_user("kees", teams["economie"])
    AccountManagerRule.objects.create(account_manager=jeroen, kind="sector", sbi_prefix="56", label="Horeca")
    AccountManagerRule.objects.create(account_manager=sanne, kind="sector", sbi_prefix="5630", label="Cafés")
    AccountManagerRule.objects.create(account_manager=kees, kind="area", postcode_from=1000, postcode_to=1099)
    cafe = Company.objects.create(name="Café", sbi_codes="5630", postcode="1011 AB")
    restaurant = Company.objects.create(name="Restaurant", sbi_codes="5610", postcode="1011 AB")
    shop = Company.objects.create(name="Winkel", sbi_codes="4711", postcode="1050 XY")
    nowhere = Company.objects.create(name="Elders", sbi_codes="4711", postcode="2000 AA")
    assert account_manager_for(cafe) == sanne  # the longest SBI prefix wins
    assert account_manager_for(restaurant) == jeroen
    assert account_manager_for(shop) == kees  # by area
    assert account_manager_for(nowhere) is None
    AccountManagerRule.objects.create(account_manager=kees, kind="company", company=cafe)
    assert account_manager_for(cafe) == kees  # a company rule beats the sector
    nowhere.account_manager = jeroen
    assert account_manager_for(nowhere) == jeroen  # the company's own beats every rule


def test_new_cases_are_owned_by_the_account_manager_of_the_rules(teams):
    jeroen = make_user("jeroen", teams["economie"])
    AccountManagerRule.objects.create(account_manager=jeroen, kind="sector", sbi_prefix="56")
    company = Company.objects.create(kvk_number="12345678", name="Café De Leeuw", sbi_codes="5630")
    assert submit_case(company=company).case.owner == jeroen
    # A stranger's KVK number is a claim (issue 10): the owner follows when staff confirm it.
    claimed = submit_case(email="nieuw@cafe.test").case
    assert claimed.owner is None
    assert intake_services.case_confirm_kvk_claim(case=claimed, actor=jeroen).owner == jeroen


def test_start_page_shows_account_managers_faq_and_how_to_reach(client, teams):
    jeroen = make_user("jeroen", teams["economie"])
    jeroen.last_name = "de Vries"
    jeroen.save()
    AccountManagerProfile.objects.create(user=jeroen, phone="14 0123 101", email="jeroen@gemeente.test")
    AccountManagerRule.objects.create(account_manager=jeroen, kind="sector", sbi_prefix="56", label="Horeca")
    page = client.get(reverse("home")).content.decode()
    for text in (
        "Jeroen de Vries",
        "14 0123 101",
        "jeroen@gemeente.test",
        "Horeca",
        "JD",
        "/veelgestelde-vragen/",
        "/vraag/",
    ):
        assert text in page


def test_company_lists_run_a_constant_number_of_queries(client, owner, teams, django_assert_max_num_queries):
    for i in range(15):
        submit_case(kvk_number=f"{10000000 + i}", company_name=f"Bedrijf {i}", email=f"b{i}@x.test")
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("companies:company-list")).status_code == 200
    company = Company.objects.first()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("companies:company-detail", args=[company.pk])).status_code == 200

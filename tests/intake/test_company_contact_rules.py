"""Company and contact data that strangers cannot change (issue 10): a public form never changes a known
company or contact, a known contact is joined only by e-mail address, and a KVK number of a known company is a
claim that staff confirm before the question joins that company."""

import pytest
from django.urls import reverse

from companies import selectors as company_selectors
from companies import services as company_services
from intake import selectors, services
from intake.models import Company, Contact, Message
from tests.factories import submit_case


@pytest.fixture
def known(teams):
    """Café De Leeuw (KVK 12345678) with its contact Marco, who asked a question before."""
    return submit_case(phone="+31612345678").case


def test_known_contacts_email_with_other_name_and_phone_leaves_the_contact_unchanged(known):
    case = submit_case(
        question="Mijn telefoonnummer is veranderd, bel mij op dit nummer",
        contact_name="Iemand Anders",
        email="MARCO@cafe.test",  # the same address, other capitals
        phone="+31687654321",
        company_name="Andere Naam BV",
    ).case

    contact = Contact.objects.get(pk=known.contact.pk)
    assert (contact.name, contact.phone) == ("Marco van Dijk", "+31612345678")
    assert case.contact == contact  # joined by the e-mail address
    assert Contact.objects.count() == 1
    assert Company.objects.get().name == "Café De Leeuw"
    assert contact.history.count() == 1  # created, never changed
    # Nothing typed is lost: the staff see what differed, the question carries the name as typed.
    line = case.messages.get(kind=Message.Kind.SYSTEM, data__typed_name="Iemand Anders")
    assert "+31687654321" in line.text
    assert case.messages.get(kind=Message.Kind.QUESTION).author_name == "Iemand Anders"


def test_a_phone_number_alone_does_not_join_a_known_contact(known):
    case = submit_case(contact_name="Onbekend", email="", phone="+31612345678", kvk_number="").case
    assert case.contact != known.contact
    assert case.contact.company_id != known.company_id
    assert Contact.objects.get(pk=known.contact.pk).name == "Marco van Dijk"


def test_other_email_makes_a_new_contact_without_someone_elses_company(known):
    case = submit_case(contact_name="Eve", email="eve@example.test", kvk_number="").case
    assert case.contact != known.contact
    assert case.contact.name == "Eve"
    assert case.company != known.company  # a new company with the typed name, not Café De Leeuw's
    assert Company.objects.get(pk=known.company.pk).name == "Café De Leeuw"


def test_a_known_companys_kvk_is_a_claim_not_on_its_timeline_until_confirmed(known, owner):
    company = known.company
    case = submit_case(
        question="Zet mijn vraag maar bij dit bedrijf",
        contact_name="Eve",
        email="eve@example.test",
        company_name="Overgenomen BV",
    ).case

    assert case.company is None
    assert case.claimed_kvk_number == "12345678"
    assert case.contact.company is None
    assert Company.objects.get(pk=company.pk).name == "Café De Leeuw"  # name not filled or changed
    assert case not in selectors.company_cases(owner, company)
    timeline = [e.obj for e in company_selectors.company_timeline(owner, company) if e.kind == "case"]
    assert timeline == [known]

    services.case_confirm_kvk_claim(case=case, actor=owner)

    case.refresh_from_db()
    assert (case.company, case.claimed_kvk_number) == (company, "")
    assert case.contact.company == company
    assert case in selectors.company_cases(owner, company)
    line = case.messages.get(data__event="kvk_confirmed")
    assert line.author == owner and "12345678" in line.text


def test_case_page_shows_the_claim_and_the_button_confirms_it(known, client, owner):
    case = submit_case(contact_name="Eve", email="eve@example.test").case
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert "KVK 12345678 opgegeven, nog niet bevestigd" in page
    assert reverse("casework:case-confirm-kvk", args=[case.pk]) in page

    response = client.post(reverse("casework:case-confirm-kvk", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.company == known.company and not case.claimed_kvk_number

    again = client.post(reverse("casework:case-confirm-kvk", args=[case.pk]), follow=True)
    assert "geen KVK-nummer te bevestigen" in again.content.decode()


def test_known_contact_of_the_company_joins_by_kvk_and_a_new_kvk_makes_a_company(known):
    again = submit_case(question="Nog een vraag").case
    assert (again.company, again.contact, again.claimed_kvk_number) == (known.company, known.contact, "")

    new = submit_case(
        contact_name="Sara", email="sara@zon.test", kvk_number="87654321", company_name="Zon"
    ).case
    assert new.company.kvk_number == "87654321" and new.company.name == "Zon"
    assert new.contact.company == new.company and not new.claimed_kvk_number


def test_staff_path_with_a_chosen_company_stays_linked(known, kcc_agent):
    case = services.case_submit(
        question="Belt over zijn terras",
        contact_name="Collega van Marco",
        phone="+31611111111",
        company=known.company,
        created_by=kcc_agent,
    ).case
    assert case.company == known.company and case.contact.company == known.company


def test_company_changes_have_history_with_who(known, owner):
    company = known.company
    company_services.company_save(actor=owner, company=company, name="Café De Leeuw BV")
    latest = company.history.first()
    assert latest.name == "Café De Leeuw BV"
    assert latest.history_user == owner
    assert company.history.count() == 2

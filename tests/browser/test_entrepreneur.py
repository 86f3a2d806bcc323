"""The entrepreneur's side in a real browser: phone-sized, with attachments, errors and keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Attachment, Case
from routing import services as routing_services

from .conftest import PHONE, field, pdf_file, screenshot

pytestmark = pytest.mark.browser


def fill_public_form(page, *, name="Marco van Dijk"):
    field(page, "Uw vraag").fill("Ik wil een terras voor mijn café. Welke vergunning heb ik nodig?")
    field(page, "Onderwerp in een paar woorden").fill("Terras bij café")
    field(page, "Bedrijfsnaam").fill("Café De Leeuw")
    field(page, "KVK-nummer").fill("12345678")
    if name:
        field(page, "Uw naam").fill(name)
    field(page, "E-mailadres").fill("marco@cafe.test")
    page.get_by_label(re.compile("toestemming")).check()


def test_entrepreneur_on_a_phone_asks_with_an_attachment_and_later_reads_the_answer(
    new_page, teams, topics, owner
):
    page = new_page(PHONE)
    page.goto("/")
    screenshot(page, "phone-01-home")
    page.get_by_role("link", name="Stel uw vraag").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel uw vraag")
    fill_public_form(page)
    field(page, "Bijlagen (niet verplicht)").set_input_files([pdf_file()])
    screenshot(page, "phone-02-form")
    page.get_by_role("button", name="Vraag versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw vraag is ontvangen")
    case = Case.objects.get()
    expect(page.locator(".reference")).to_contain_text(case.reference)
    assert Attachment.objects.get(case=case).original_name == "plattegrond-terras.pdf"
    screenshot(page, "phone-03-confirmation")
    tracking_url = page.get_by_role("link", name="Naar mijn vraag").get_attribute("href")
    tracking_path = re.search(r"/volgen/[^/]+/$", tracking_url).group(0)  # absolute, on SITE_URL

    # Team economie answers (through the services, as the staff tests do it through the UI).
    routing_services.case_close_with_answer(
        case=case,
        actor=owner,
        body="U heeft een terrasvergunning nodig. Vraag die aan via de website.",
        resolution="answered",
    )

    page.goto(tracking_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator(".summary-list")).to_contain_text("Beantwoord")
    expect(page.locator(".conversation")).to_contain_text("U heeft een terrasvergunning nodig")
    expect(page.locator(".conversation")).to_contain_text("plattegrond-terras.pdf")
    screenshot(page, "phone-04-tracking-answered")


def test_a_validation_error_is_announced_and_fixed_without_losing_text_or_upload(page, teams, topics):
    page.goto("/vraag/")
    fill_public_form(page, name="")
    field(page, "Bijlagen (niet verplicht)").set_input_files([pdf_file("offerte.pdf")])
    page.get_by_role("button", name="Vraag versturen").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Vul uw naam in.")
    expect(page).to_have_title(re.compile(r"^Fout"))
    screenshot(page, "desktop-ask-error")

    # Typed text and the file are still there; the summary link leads to the field.
    expect(field(page, "Uw vraag")).to_have_value(re.compile("Welke vergunning heb ik nodig"))
    expect(field(page, "Bedrijfsnaam")).to_have_value("Café De Leeuw")
    expect(page.locator(".staged-files")).to_contain_text("offerte.pdf")
    summary.get_by_role("link", name=re.compile("Uw naam")).click()
    expect(field(page, "Uw naam")).to_be_focused()
    page.keyboard.type("Marco van Dijk")
    page.get_by_label(re.compile("toestemming")).check()
    page.get_by_role("button", name="Vraag versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw vraag is ontvangen")
    case = Case.objects.get()
    assert case.contact.name == "Marco van Dijk"
    assert "Welke vergunning heb ik nodig" in case.question
    assert [a.original_name for a in case.attachments.all()] == ["offerte.pdf"]


def tab_to(page, element_id: str, *, limit: int = 40) -> None:
    """Press Tab until the element with this id has focus; fail if it is not reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} was not reached with Tab")


def test_the_whole_public_form_works_with_the_keyboard_only(page, teams, topics):
    page.goto("/")
    # From the start page: Tab to the call to action and press Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Stel uw vraag" and page.evaluate(
            "document.activeElement.classList.contains('btn')"
        ):
            break
    else:
        pytest.fail("the 'Stel uw vraag' button was not reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/vraag/")

    tab_to(page, "id_question")
    page.keyboard.type("Mag ik op zondag mijn winkel openen?")
    tab_to(page, "id_subject")
    page.keyboard.type("Koopzondag")
    tab_to(page, "id_topic")
    page.keyboard.press("ArrowDown")  # the first real topic
    tab_to(page, "id_company_name")
    page.keyboard.type("Bakkerij Kruim")
    tab_to(page, "id_contact_name")
    page.keyboard.type("Sanne de Bakker")
    tab_to(page, "id_email")
    page.keyboard.type("sanne@kruim.test")
    tab_to(page, "id_phone")
    page.keyboard.type("06 12345678")
    tab_to(page, "id_preferred_contact_0")  # the radio group is one Tab stop; arrows choose
    page.keyboard.press("ArrowDown")
    tab_to(page, "id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    else:
        pytest.fail("the submit button was not reached with Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw vraag is ontvangen")
    case = Case.objects.get()
    assert case.question == "Mag ik op zondag mijn winkel openen?"
    assert case.subject == "Koopzondag"
    assert case.topic is not None
    assert case.contact.phone == "+31612345678"
    assert case.preferred_contact == "phone"


def test_the_language_switch_shows_the_site_in_english(page, teams):
    page.goto("/vraag/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Kies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask your question")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label(re.compile("Your question"))).to_be_visible()

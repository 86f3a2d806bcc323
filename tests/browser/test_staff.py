"""Staff paths in a real browser: the KCC logs a phone call; team economie, a department and back."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Case
from intake.workflow import Status
from routing.models import Handoff
from tests.factories import submit_case

from .conftest import TABLET, field, login, logout, screenshot

pytestmark = pytest.mark.browser


def test_kcc_agent_logs_a_phone_question(page, teams, topics, kcc_agent):
    login(page, "fatima", "pw-fatima")
    page.get_by_role("link", name="Vraag vastleggen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraag van een ondernemer vastleggen")
    expect(page.get_by_label("Telefoon", exact=True).first).to_be_checked()  # phone is the default channel
    field(page, "Bedrijfsnaam").fill("Kapsalon Knip")
    field(page, "Naam beller").fill("Ingrid Schaar")
    field(page, "Telefoonnummer").fill("010 123 4567")
    page.locator("#id_preferred_contact_1").check()  # answer by phone
    field(page, "Vraag van de ondernemer").fill("Moet ik precariobelasting betalen voor een reclamebord?")
    field(page, "Waar gaat uw vraag over?").select_option(label="Precariobelasting")
    screenshot(page, "desktop-kcc-new")
    page.get_by_role("button", name="Vraag vastleggen").click()

    case = Case.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Vraag {case.reference} is vastgelegd")
    assert case.channel == "phone" and case.created_by == kcc_agent
    assert case.contact.phone == "+31101234567" and case.topic == topics["precario"]


def test_hand_off_department_answer_and_final_answer_through_the_ui(
    new_page, teams, topics, owner, vergunningen_member
):
    submitted = submit_case(topic=topics["terras"])
    case = submitted.case
    page = new_page()

    # Team economie opens the case from the list and hands it off.
    login(page, "anouk", "pw-anouk")
    expect(page).to_have_url(re.compile("/zaken/$"))
    screenshot(page, "desktop-case-list")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    page.locator("summary", has_text="Uitzetten naar vakafdeling").click()
    page.get_by_role("checkbox", name="Vergunningen").check()
    field(page, "Verzoek aan Vergunningen").fill(
        "Welke vergunning heeft dit café nodig voor een terras van 4 bij 6 m?"
    )
    screenshot(page, "desktop-case-detail-handoff")
    page.get_by_role("button", name="Uitzetten").click()
    expect(page.locator(".messages")).to_contain_text("Uitgezet naar Vergunningen")
    expect(page.locator(".page-head .status")).to_have_text("Wacht op vakafdeling")
    logout(page)

    # The department claims and answers from its inbox.
    login(page, "pieter", "pw-pieter")
    expect(page).to_have_url(re.compile("/uitzettingen/$"))
    screenshot(page, "desktop-inbox")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Oppakken").click()
    expect(page.locator(".messages")).to_contain_text("opgepakt")
    field(page, "Antwoord aan team economie").fill("Een terrasvergunning. Aanvragen via het omgevingsloket.")
    screenshot(page, "desktop-handoff-detail")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".messages")).to_contain_text("naar team economie gestuurd")
    assert Handoff.objects.get().status == Handoff.Status.ANSWERED
    logout(page)

    # Team economie sends the final answer.
    login(page, "anouk", "pw-anouk")
    page.goto(f"/zaken/{case.pk}/")
    expect(page.locator(".timeline")).to_contain_text("Een terrasvergunning")
    page.locator("summary", has_text="Antwoord sturen en afsluiten").click()
    field(page, "Antwoord aan de ondernemer").fill(
        "U heeft een terrasvergunning nodig. U vraagt die aan via het omgevingsloket."
    )
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".messages")).to_contain_text("het antwoord staat in de wachtrij")
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    screenshot(page, "desktop-case-detail-answered")
    page.set_viewport_size(TABLET)
    screenshot(page, "tablet-case-detail")

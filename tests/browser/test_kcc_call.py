"""The KCC call screen in a real browser: look up the caller mid-call without losing the question, pick them,
transfer warmly (no orphan case), then a callback "morgenochtend" with the right deadline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from followup.models import CallbackRequest
from intake.models import Case, Company, Contact
from kcc.models import KccCall

from .conftest import field, screenshot

pytestmark = pytest.mark.browser

QUESTION = "Mag ik een reclamebord aan de gevel van mijn kapsalon hangen?"


def test_kcc_call_lookup_pick_transfer_and_callback(new_page, teams, kcc_agent, owner):
    teams["vergunningen"].phone = "14 0123 201"
    teams["vergunningen"].save()
    company = Company.objects.create(kvk_number="12345678", name="Kapsalon Knip", postcode="1234 AB")
    Contact.objects.create(
        company=company, name="Ingrid Schaar", phone="+31101234567", email="ingrid@knip.test"
    )
    page = new_page(user=kcc_agent)

    # The question is typed first; the lookup by KVK number keeps it.
    page.goto("/kcc/")
    field(page, "Vraag van de beller").fill(QUESTION)
    page.get_by_label("KVK-nummer, naam, e-mail, telefoon of postcode").fill("12345678")
    page.get_by_role("button", name="Zoek", exact=True).click()
    expect(field(page, "Vraag van de beller")).to_have_value(QUESTION)

    # Picking the caller fills in name and phone (and keeps the question).
    page.get_by_role("button", name="Kapsalon Knip – Ingrid Schaar").click()
    expect(field(page, "Naam beller")).to_have_value("Ingrid Schaar")
    expect(field(page, "Telefoonnummer")).to_have_value("+31101234567")
    expect(field(page, "Vraag van de beller")).to_have_value(QUESTION)
    expect(page.locator(".kcc-company")).to_contain_text("Kapsalon Knip")

    # A warm transfer: the team's number in the flash message, a call-log entry and no case.
    field(page, "Team (doorverbinden of terugbellen)").select_option(label="Vergunningen – 14 0123 201")
    screenshot(page, "desktop-kcc-call-transfer")
    page.get_by_role("button", name="Doorverbinden met team").click()
    expect(page.locator(".messages")).to_contain_text("Verbind door met Vergunningen: 14 0123 201")
    call = KccCall.objects.get()
    assert call.case is None and call.company == company and call.caller_name == "Ingrid Schaar"
    assert not Case.objects.exists()

    economie = new_page(user=owner)
    economie.goto("/zaken/")
    expect(economie.locator("table")).to_contain_text("Geen vragen gevonden")

    # A second call: a callback "morgenochtend", asked on Tuesday 1 December 2026 at 15:00.
    page.goto("/kcc/")
    field(page, "Vraag van de beller").fill("Kunt u mij terugbellen over de precariobelasting?")
    field(page, "Naam beller").fill("Joost de Kaas")
    field(page, "Telefoonnummer").fill("06 12345678")
    field(page, "Voorkeursmoment terugbellen").select_option(label="Morgenochtend")
    asked = dt.datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with time_machine.travel(asked, tick=True):
        page.get_by_role("button", name="Terugbelverzoek").click()
        expect(page.locator(".messages")).to_contain_text("terugbellen vóór 02-12-2026 12:00")
    screenshot(page, "desktop-kcc-call-callback")
    callback = CallbackRequest.objects.get()
    assert callback.preferred_moment == "Morgenochtend" and callback.closes_case

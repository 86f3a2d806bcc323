"""A phone-preference question answered by phone, in Chromium: the entrepreneur asks without an e-mail address
and wants a call; team economie writes the answer, which becomes a callback; the call is logged as reached, the
question closes as answered and the tracking page shows the answer."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from followup.models import CallbackRequest
from intake.models import Case
from intake.workflow import Status

from .conftest import PHONE, field, login, screenshot

pytestmark = pytest.mark.browser


def test_a_phone_preference_question_is_answered_by_phone(new_page, teams, topics, owner):
    # The entrepreneur, on a phone: no e-mail address, an answer by phone.
    public = new_page(PHONE)
    public.goto("/vraag/")
    field(public, "Uw vraag").fill("Mag ik een reclamebord op de stoep zetten voor mijn winkel?")
    field(public, "Uw naam").fill("Ellen Kok")
    field(public, "Telefoonnummer").fill("06 12345678")
    public.get_by_label("Telefoon", exact=True).check()
    public.get_by_label(re.compile("toestemming")).check()
    public.get_by_role("button", name="Vraag versturen").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Uw vraag is ontvangen")
    tracking = urlparse(public.locator('a[href*="/volgen/"]').first.get_attribute("href")).path
    case = Case.objects.get()
    assert case.contact.email == "" and case.preferred_contact == "phone"

    # Team economie: the answer form says the answer goes by phone; sending it makes a callback.
    staff = new_page()
    login(staff, "anouk", "pw-anouk")
    staff.goto(f"/zaken/{case.pk}/")
    staff.locator("summary", has_text="Antwoord sturen en afsluiten").click()
    expect(staff.locator("form", has=staff.get_by_role("button", name="Antwoord versturen"))).to_contain_text(
        "telefonisch"
    )
    field(staff, "Antwoord aan de ondernemer").fill(
        "Ja, met een ontheffing voor uitstallingen. Die vraagt u aan bij ons."
    )
    staff.get_by_role("button", name="Antwoord versturen").click()
    case.refresh_from_db()
    assert case.status not in (Status.ANSWERED,)  # not answered until the entrepreneur is reached
    callback = CallbackRequest.objects.get(case=case)
    screenshot(staff, "phone-answer-01-callback-created")

    # The callback page shows the answer to read out; the call is logged as reached.
    staff.goto(f"/bewaking/terugbellen/{callback.pk}/")
    expect(staff.locator("main")).to_contain_text("Ja, met een ontheffing voor uitstallingen")
    staff.get_by_label("Bereikt", exact=True).check()
    staff.get_by_role("button", name="Vastleggen").click()
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    screenshot(staff, "phone-answer-02-reached")

    # The entrepreneur's tracking page shows the answer.
    public.goto(tracking)
    expect(public.locator("main")).to_contain_text("Ja, met een ontheffing voor uitstallingen")
    screenshot(public, "phone-answer-03-tracking")

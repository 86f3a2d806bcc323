"""A hand-off round trip in Chromium: two departments with their own request, an ask-back answered from the
case page, a return, and a final answer that starts from the department's answer."""

import re

import pytest
from playwright.sync_api import expect

from routing.models import Handoff
from tests.factories import submit_case

from .conftest import field, login, logout, screenshot

pytestmark = pytest.mark.browser


def test_handoff_round_trip(new_page, teams, topics, owner, vergunningen_member, belastingen_member):
    submitted = submit_case(
        question="Ik wil een terras bij mijn café. Welke vergunning heb ik nodig en betaal ik precario?"
    )
    case = submitted.case
    page = new_page()

    # Team economie hands off to two departments, each with its own request.
    login(page, "anouk", "pw-anouk")
    page.goto(f"/zaken/{case.pk}/")
    page.locator("summary", has_text="Uitzetten naar vakafdeling").click()
    page.get_by_label("Vergunningen", exact=True).check()
    page.get_by_label("Belastingen", exact=True).check()
    field(page, "Verzoek aan Vergunningen").fill("Welke vergunning is nodig voor een terras van 4 bij 6 m?")
    field(page, "Verzoek aan Belastingen").fill("Hoeveel precario betaalt dit café?")
    page.get_by_role("button", name="Uitzetten", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Uitgezet naar")
    logout(page)

    # Department 1 claims and answers; it reads only its own request.
    login(page, "pieter", "pw-pieter")
    page.get_by_role("link", name=case.reference).click()
    expect(page.locator(".summary-list")).to_contain_text("terras van 4 bij 6 m")
    expect(page.locator(".summary-list")).not_to_contain_text("Hoeveel precario")
    page.get_by_role("button", name="Oppakken").click()
    field(page, "Antwoord aan team economie").fill("U heeft een terrasvergunning nodig.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".messages")).to_contain_text("naar team economie gestuurd")
    logout(page)

    # Department 2 asks back.
    login(page, "mohamed", "pw-mohamed")
    page.get_by_role("link", name=case.reference).click()
    page.locator("summary", has_text="Informatie vragen aan team economie").click()
    field(page, "Welke informatie heeft u nodig?").fill("Hoe groot is het terras precies?")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator(".messages")).to_be_visible()
    logout(page)

    # Team economie sees it in the list and replies from the case page.
    login(page, "anouk", "pw-anouk")
    expect(page).to_have_url(re.compile("/zaken/$"))
    expect(page.locator(".counters")).to_contain_text("Vraagt uw aandacht: 1")
    expect(page.locator(".attention-marker")).to_have_count(1)
    page.get_by_role("link", name=case.reference).click()
    attention = page.locator(".attention")
    expect(attention).to_contain_text("Vraagt uw aandacht")
    expect(attention).to_contain_text("Hoe groot is het terras precies?")
    screenshot(page, "desktop-case-attention")
    attention.get_by_label("Aanvulling voor het team").fill("4 bij 6 meter, 24 m².")
    attention.get_by_role("button", name="Antwoord naar Belastingen sturen").click()
    expect(page.locator(".messages")).to_contain_text("Uw aanvulling is naar Belastingen gestuurd")
    expect(page.locator(".attention")).to_have_count(0)
    logout(page)

    # Department 2 returns it: wrong team.
    login(page, "mohamed", "pw-mohamed")
    page.get_by_role("link", name=case.reference).click()
    page.locator("summary", has_text="Terugsturen").click()
    field(page, "Waarom stuurt u dit terug?").fill("Precario valt bij team Omgeving.")
    page.get_by_role("button", name="Terugsturen").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Handoff.objects.get(team=teams["belastingen"]).status == Handoff.Status.RETURNED
    logout(page)

    # Team economie closes with the final answer that starts from department 1's answer.
    login(page, "anouk", "pw-anouk")
    page.goto(f"/zaken/{case.pk}/")
    expect(page.locator(".attention")).to_contain_text("Precario valt bij team Omgeving.")
    page.locator("summary", has_text="Antwoord sturen en afsluiten").click()
    body = field(page, "Antwoord aan de ondernemer")
    expect(body).to_have_value(re.compile(r"^Vergunningen: U heeft een terrasvergunning nodig\."))
    body.fill(body.input_value() + "\n\nPrecario: daar belt team Omgeving u over.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".error-summary, .alert-danger, .invalid-feedback").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Belastingen (teruggestuurd)")
    page.locator("#id_answer-confirm").check()
    page.locator("#id_answer-confirm_reason").fill("Precario handelt team Omgeving apart af.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".messages")).to_contain_text("het antwoord staat in de wachtrij")
    expect(page.locator(".timeline")).to_contain_text("Precario handelt team Omgeving apart af.")
    logout(page)

    # The entrepreneur reads the answer on the tracking page.
    page.goto(f"/volgen/{submitted.tracking_token}/")
    expect(page.locator("body")).to_contain_text("U heeft een terrasvergunning nodig.")
    expect(page.locator("body")).to_contain_text("daar belt team Omgeving u over")
    screenshot(page, "desktop-tracking-after-round-trip")

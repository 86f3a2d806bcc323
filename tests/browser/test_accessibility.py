"""axe-core (WCAG 2.1 A and AA) on every public page and the main staff pages: zero violations each.

Each page is its own test, so a failure names the page and lists the violations. The table of all pages is
printed at the end of the run (see conftest.pytest_terminal_summary). Each page is also photographed:
public pages on a phone and a desktop, staff pages at 1280 px and on a tablet (800 px).
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from followup import services as followup_services
from knowledge.models import KnowledgeArticle
from routing import services as routing_services
from tests.factories import submit_case

from .conftest import AXE_RESULTS, DESKTOP, PHONE, TABLET, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@dataclass
class World:
    case: object
    token: str
    handoff: object
    answered_token: str = ""
    article: object = None
    callback: object = None


@pytest.fixture
def world(teams, topics, owner, vergunningen_member, kcc_agent):
    submitted = submit_case(topic=topics["terras"], subject="Terras bij café", phone="0612345678")
    case = submitted.case
    [handoff] = routing_services.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text="Welke vergunning is nodig?", actor=owner
    )
    submit_case(question="Mag ik op zondag open?", contact_name="Sanne de Bakker", email="sanne@kruim.test")
    submit_case(  # long texts, as in real life: the list must not scroll sideways at 1280 px or on a tablet
        question="Ik wil een foodtruck neerzetten op de weekmarkt en op evenementen in het centrum. " * 3,
        company_name="Foodtruckonderneming De Rijdende Keuken van Voorbeeldstad en Omstreken B.V.",
        contact_name="Eva Jansen-van den Heuvel",
    )
    answered = submit_case(question="Heb ik een vergunning nodig voor een reclamebord?", email="a@b.test")
    routing_services.case_close_with_answer(
        case=answered.case, actor=owner, body="Nee, tot 1 m² niet.", resolution="answered"
    )
    article = KnowledgeArticle.objects.create(
        topic=topics["terras"],
        title="Hoe vraag ik een terrasvergunning aan?",
        public_answer="Via het omgevingsloket. Het duurt ongeveer 4 weken.",
        internal_notes="Direct nummer vergunningen: 14 0123 toestel 4.",
        owner_team=teams["vergunningen"],
        status=KnowledgeArticle.Status.PUBLISHED,
    )
    callback = followup_services.callback_create(
        case=case,
        name="Marco van Dijk",
        phone="0612345678",
        subject="Terras",
        team=teams["vergunningen"],
        actor=kcc_agent,
    )
    return World(
        case=case,
        token=submitted.tracking_token,
        handoff=handoff,
        answered_token=answered.tracking_token,
        article=article,
        callback=callback,
    )


def _ask_with_errors(page, world):
    page.goto(reverse("intake:ask"))
    page.get_by_role("button", name="Vraag versturen").click()
    page.wait_for_selector("[data-error-summary]")


def _ask_done(page, world):
    page.goto(reverse("intake:ask"))
    page.locator("#id_question").fill("Hoe vraag ik een exploitatievergunning aan?")
    page.locator("#id_contact_name").fill("Marco van Dijk")
    page.locator("#id_email").fill("marco@cafe.test")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Vraag versturen").click()
    page.wait_for_url("**/vraag/ontvangen/")


def _open_all_actions(page, pk):
    page.goto(reverse("casework:case-detail", args=[pk]))
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


# (label, who is logged in, how to get there)
PUBLIC_PAGES = [
    ("home", None, lambda page, w: page.goto("/")),
    ("ask", None, lambda page, w: page.goto(reverse("intake:ask"))),
    ("ask-with-errors", None, _ask_with_errors),
    ("ask-done", None, _ask_done),
    ("track", None, lambda page, w: page.goto(reverse("intake:track", args=[w.token]))),
    ("login", None, lambda page, w: page.goto(reverse("login"))),
    ("track-answered", None, lambda page, w: page.goto(reverse("intake:track", args=[w.answered_token]))),
    ("rate", None, lambda page, w: page.goto(reverse("followup:rate", args=[w.answered_token]))),
    ("faq", None, lambda page, w: page.goto(reverse("knowledge:faq") + "?q=terras")),
]
STAFF_PAGES = [
    ("case-list", "owner", lambda page, w: page.goto(reverse("casework:case-list"))),
    (
        "case-list-sorted",
        "owner",
        lambda page, w: page.goto(reverse("casework:case-list") + "?sort=-deadline"),
    ),
    ("case-detail", "owner", lambda page, w: page.goto(reverse("casework:case-detail", args=[w.case.pk]))),
    ("case-detail-all-actions-open", "owner", lambda page, w: _open_all_actions(page, w.case.pk)),
    ("inbox", "vergunningen_member", lambda page, w: page.goto(reverse("routing:inbox"))),
    (
        "handoff-detail",
        "vergunningen_member",
        lambda page, w: page.goto(reverse("routing:handoff-detail", args=[w.handoff.pk])),
    ),
    ("kcc-new", "kcc_agent", lambda page, w: page.goto(reverse("kcc:new"))),
    ("kcc-workstation", "kcc_agent", lambda page, w: page.goto(reverse("kcc:workstation"))),
    ("kcc-report", "owner", lambda page, w: page.goto(reverse("kcc:report"))),
    ("figures", "owner", lambda page, w: page.goto(reverse("reports:dashboard") + "?periode=quarter")),
    ("figures-monthly", "owner", lambda page, w: page.goto(reverse("reports:monthly"))),
    ("results", "vergunningen_member", lambda page, w: page.goto(reverse("reports:results"))),
    ("meeting-agenda", "owner", lambda page, w: page.goto(reverse("reports:agenda"))),
    ("knowledge-list", "owner", lambda page, w: page.goto(reverse("knowledge:list"))),
    (
        "knowledge-detail",
        "owner",
        lambda page, w: page.goto(reverse("knowledge:detail", args=[w.article.pk])),
    ),
    ("knowledge-new", "owner", lambda page, w: page.goto(reverse("knowledge:new"))),
    ("knowledge-gaps", "owner", lambda page, w: page.goto(reverse("knowledge:gaps"))),
    ("company-list", "owner", lambda page, w: page.goto(reverse("companies:company-list"))),
    (
        "company-detail",
        "owner",
        lambda page, w: page.goto(reverse("companies:company-detail", args=[w.case.company_id])),
    ),
    ("visit-list", "owner", lambda page, w: page.goto(reverse("companies:visit-list"))),
    ("deadlines", "owner", lambda page, w: page.goto(reverse("followup:deadlines"))),
    ("callbacks", "owner", lambda page, w: page.goto(reverse("followup:callbacks"))),
    (
        "callback-detail",
        "owner",
        lambda page, w: page.goto(reverse("followup:callback-detail", args=[w.callback.pk])),
    ),
    ("callbacks-mine", "vergunningen_member", lambda page, w: page.goto(reverse("followup:callbacks-mine"))),
]


def _scan(page, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{label}: the page scrolls sideways by {overflow}px"
    violations = axe_violations(page)
    AXE_RESULTS[label] = len(violations)
    assert not violations, f"{label}: {len(violations)} WCAG 2.1 A/AA violation(s):\n{describe(violations)}"


@pytest.mark.parametrize(("label", "who", "go"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_page_has_no_wcag_violations(new_page, world, label, who, go):
    page = new_page(PHONE)
    go(page, world)
    screenshot(page, f"phone-a11y-{label}")
    _scan(page, f"{label} (phone)")
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"desktop-a11y-{label}")
    _scan(page, f"{label} (desktop)")


@pytest.mark.parametrize(("label", "who", "go"), STAFF_PAGES, ids=[p[0] for p in STAFF_PAGES])
def test_staff_page_has_no_wcag_violations(request, new_page, world, label, who, go):
    page = new_page(DESKTOP, user=request.getfixturevalue(who))
    go(page, world)
    screenshot(page, f"desktop-a11y-{label}")
    _scan(page, f"{label} (1280)")
    page.set_viewport_size(TABLET)
    screenshot(page, f"tablet-a11y-{label}")
    _scan(page, f"{label} (800)")

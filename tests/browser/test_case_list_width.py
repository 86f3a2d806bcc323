"""The case list keeps its deadline column in view at 1280 and 1024 pixels wide, without sideways scrolling:
less important columns (channel, topic, company, received) give way at narrower widths (issue 10)."""

import pytest

from intake.models import Case
from tests.browser.conftest import screenshot
from tests.factories import submit_case

pytestmark = pytest.mark.browser


@pytest.fixture
def long_cases(teams, topics):
    for i in range(6):
        submit_case(
            question=f"Ik wil een groot terras met overkapping en verwarming voor mijn restaurant aan de haven {i}",
            company_name=f"Restaurant De Gouden Leeuw aan de Oude Havenkade Holding B.V. {i}",
            contact_name="Marco Alexander van den Heuvel-Dijkstra",
            topic=topics["terras"],
        )
    assert Case.objects.count() == 6


@pytest.mark.parametrize("width", [1280, 1024])
def test_deadline_column_is_in_view_without_sideways_scrolling(new_page, owner, long_cases, width):
    page = new_page(viewport={"width": width, "height": 900}, user=owner)
    page.goto("/zaken/")
    header = page.locator("thead th", has_text="Termijn")
    box = header.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= width, box
    table = page.locator("section[aria-labelledby=results-title]")
    scroll = table.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll[0] <= scroll[1], scroll  # the table's box does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"case-list-{width}", full_page=False)


def test_topic_filter_box_narrows_the_grouped_topic_list(new_page, owner, catalogue):
    page = new_page(user=owner)
    page.goto("/zaken/")
    select = page.locator("select[name=topic]")
    groups = select.locator("optgroup").evaluate_all("els => els.map(e => e.label)")
    assert "Vergunningen" in groups and groups[-1] == "Overige producten"
    page.get_by_label("Zoek een onderwerp").fill("terras")
    visible = select.evaluate(
        "el => [...el.options].filter(o => o.value && !o.hidden).map(o => o.textContent.trim())"
    )
    assert visible and all("terras" in name.lower() or "vergunningen" in name.lower() for name in visible)
    assert "Terrasvergunning" in visible
    page.keyboard.press("Enter")  # Enter in the filter box does not send the form
    assert page.url.endswith("/zaken/")
    select.select_option(label="Terrasvergunning")
    page.get_by_role("button", name="Filter toepassen").click()
    page.wait_for_load_state()
    assert "topic=" in page.url

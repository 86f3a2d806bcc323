"""The consent on the public form says truthfully what happens with the question, next to a configurable
link to the privacy statement (PRIVACY_URL); the training text leaves out the name and contact details."""

import re

from django.urls import reverse

from routing.services import _example_text
from tests.factories import submit_case


def consent_block(client) -> str:
    html = client.get(reverse("intake:ask")).content.decode()
    return re.search(r'<div id="div_id_consent".*?</div>\s*</div>', html, re.S).group(0)


def test_consent_explains_answering_and_routing_with_a_privacy_link(client, teams, settings):
    settings.PRIVACY_URL = "https://www.gemeente.test/privacy"
    block = consent_block(client)
    assert "om uw vraag te beantwoorden" in block
    assert "zonder uw naam en contactgegevens" in block and "juiste team" in block
    assert '<a href="https://www.gemeente.test/privacy">Lees onze privacyverklaring.</a>' in block
    assert 'aria-describedby="id_consent_helptext"' in block or "id_consent_helptext" in block


def test_without_privacy_url_the_statement_is_named_without_a_link(client, teams, settings):
    settings.PRIVACY_URL = ""
    block = consent_block(client)
    assert "privacyverklaring van de gemeente" in block
    assert "<a " not in block


def test_a_path_works_as_privacy_url(client, teams, settings):
    settings.PRIVACY_URL = "/privacy/"
    assert '<a href="/privacy/">' in consent_block(client)


def test_training_text_leaves_out_name_and_contact_details(teams):
    case = submit_case(
        question="Ik ben Marco van Dijk, bel mij op 06-12345678 of mail marco@cafe.test over mijn terras."
    ).case
    text = _example_text(case)
    assert "terras" in text
    assert "Marco van Dijk" not in text and "12345678" not in text and "marco@cafe.test" not in text

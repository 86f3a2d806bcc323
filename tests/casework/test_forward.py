"""'Doorsturen naar team economie': any colleague forwards a question that reached them by mistake."""

from django.urls import reverse

from intake.models import Case, Message
from teams.selectors import owner_team


def test_a_department_member_forwards_a_question_to_team_economie(
    client, teams, vergunningen_member, outbox_emails
):
    client.force_login(vergunningen_member)
    page = client.get(reverse("routing:inbox")).content.decode()
    assert reverse("casework:forward") in page  # in the staff menu
    assert reverse("kcc:new") not in page
    response = client.post(
        reverse("casework:forward"),
        {
            "channel": "counter",
            "question": "Mag ik een reclamebord aan mijn gevel hangen?",
            "contact_name": "Sara Bakker",
            "email": "sara@bakkerij.test",
            "phone": "",
            "company_name": "Bakkerij Bakker",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "counter" and case.created_by == vergunningen_member
    assert case.owner_team == owner_team() and case.company.name == "Bakkerij Bakker"
    forwarded = case.messages.get(data__event="forwarded")
    assert forwarded.author == vergunningen_member and not forwarded.is_public
    assert forwarded.body == "Doorgestuurd naar team economie door Pieter. Binnengekomen via: Balie."
    assert case.messages.filter(kind=Message.Kind.ROUTING).exclude(pk=forwarded.pk).exists()  # routed
    assert client.get(response.url).status_code == 200  # back on the form, with the reference in a message


def test_bad_input_gets_a_dutch_message_and_keeps_what_was_typed(client, teams, vergunningen_member):
    client.force_login(vergunningen_member)
    response = client.post(
        reverse("casework:forward"),
        {
            "channel": "phone",
            "question": "Vraag over de markt",
            "contact_name": "",
            "email": "",
            "phone": "12",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vul de naam van de ondernemer in." in html
    assert "Vul een geldig telefoonnummer in" in html
    assert "Vraag over de markt" in html and "error-summary" in html
    response = client.post(
        reverse("casework:forward"),
        {"channel": "phone", "question": "Vraag over de markt", "contact_name": "Jan"},
    )
    assert "Vul het e-mailadres of telefoonnummer van de ondernemer in" in response.content.decode()
    assert Case.objects.count() == 0


def test_team_economie_lands_on_the_forwarded_case(client, teams, owner):
    client.force_login(owner)
    response = client.post(
        reverse("casework:forward"),
        {
            "channel": "email",
            "question": "Subsidie voor zonnepanelen?",
            "contact_name": "Jan",
            "phone": "0612345678",
        },
    )
    case = Case.objects.get()
    assert response.url == reverse("casework:case-detail", args=[case.pk])
    assert case.preferred_contact == "phone"

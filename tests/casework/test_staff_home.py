from django.urls import reverse


def test_each_role_lands_on_its_own_start_page(client, owner, kcc_agent, vergunningen_member):
    for user, expected in (
        (owner, reverse("casework:case-list")),
        (kcc_agent, reverse("kcc:workstation")),
        (vergunningen_member, reverse("routing:inbox")),
    ):
        client.force_login(user)
        assert client.get(reverse("casework:staff-home"))["Location"] == expected


def test_logging_in_through_the_form_lands_on_the_start_page(client, kcc_agent):
    response = client.post(reverse("login"), {"username": "fatima", "password": "pw-fatima"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("kcc:workstation")
    assert response.status_code == 200

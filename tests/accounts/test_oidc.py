"""Signing in through the identity provider (OpenID Connect): the whole code flow against a live provider
on 127.0.0.1, with Django's test client, and the user's groups mapped to teams and roles."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from accounts import oidc
from accounts.models import IdpGroupMapping
from teams.access import roles_for
from teams.models import Membership
from tests.conftest import make_user
from tests.oidc_provider import Provider

CLIENT_ID = "voordeur"
CLIENT_SECRET = "s3cret"


@pytest.fixture(scope="module")
def provider():
    running = Provider(CLIENT_ID, CLIENT_SECRET).start()
    yield running
    running.stop()


@pytest.fixture
def idp(provider, settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.issuer
    oidc._discovery_cache.clear()
    provider.audience = None
    provider.user = {
        "sub": "8f14e45f",
        "preferred_username": "j.jansen",
        "email": "j.jansen@gemeente.test",
        "given_name": "Jan",
        "family_name": "Jansen",
        "groups": ["GG-Voordeur-KCC", "GG-Vergunningen", "GG-Vergunningen-Coordinatoren", "GG-Iedereen"],
    }
    yield provider
    oidc._discovery_cache.clear()


@pytest.fixture
def mappings(teams):
    for group, slug, role in [
        ("GG-Voordeur-KCC", "kcc", Membership.Role.MEMBER),
        ("GG-Vergunningen", "vergunningen", Membership.Role.MEMBER),
        ("GG-Vergunningen-Coordinatoren", "vergunningen", Membership.Role.COORDINATOR),
        ("GG-Belastingen", "belastingen", Membership.Role.MEMBER),
    ]:
        IdpGroupMapping.objects.create(group=group, team=teams[slug], role=role)


def sign_in(client, start="/oidc/authenticate/?next=/medewerkers/"):
    """Follow the redirects of the sign-in: on Django's test client for this site, over HTTP for the live
    provider. Stops at the first page after the callback and returns the test client's response for it."""
    response = client.get(start)
    hops = [start]
    for _ in range(10):
        location = response.headers["Location"]
        hops.append(location)
        parts = urlsplit(location)
        if parts.netloc and parts.netloc != "testserver":
            response = requests.get(location, allow_redirects=False, timeout=5)
        else:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = client.get(path)
            if not parts.path.startswith("/oidc/"):
                return response, hops
    raise AssertionError(f"too many redirects: {hops}")


def memberships(user):
    return {m.team.slug: m.role for m in Membership.objects.filter(user=user).select_related("team")}


def test_sign_in_through_the_identity_provider_creates_the_user_with_their_teams(client, idp, mappings):
    response, hops = sign_in(client)

    assert any(hop.startswith(idp.issuer + "/authorize?") for hop in hops)
    assert any(hop.startswith("http://testserver/oidc/callback/?code=") for hop in hops)
    assert hops[-1] == "/medewerkers/" and response.status_code in (200, 302)
    user = get_user_model().objects.get(username="j.jansen")
    assert (user.email, user.first_name, user.last_name) == ("j.jansen@gemeente.test", "Jan", "Jansen")
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert memberships(user) == {"kcc": "member", "vergunningen": "coordinator"}
    assert int(client.session["_auth_user_id"]) == user.pk
    assert response.wsgi_request.user == user


def test_memberships_follow_the_groups_at_every_sign_in(client, idp, mappings, teams):
    user = make_user("j.jansen", teams["belastingen"], Membership.Role.COORDINATOR)  # set by hand earlier
    idp.user["groups"] = ["GG-Vergunningen"]

    sign_in(client)

    assert get_user_model().objects.get(username="j.jansen") == user
    assert memberships(user) == {"vergunningen": "member"}
    assert user.has_usable_password()  # a local password stays usable


def test_a_user_without_a_mapped_group_has_no_staff_role(client, idp, mappings):
    idp.user["groups"] = ["GG-Iedereen"]

    response, _hops = sign_in(client)

    user = get_user_model().objects.get(username="j.jansen")
    assert memberships(user) == {}
    assert not roles_for(user).is_staff_member
    assert response.wsgi_request.user == user


def test_an_id_token_for_another_client_is_refused(client, idp, mappings):
    idp.audience = "another-application"

    response, hops = sign_in(client)

    assert hops[-1].startswith("/inloggen/")
    assert "Inloggen met uw gemeenteaccount is niet gelukt" in response.content.decode()
    assert not get_user_model().objects.filter(username="j.jansen").exists()
    assert "_auth_user_id" not in client.session


def test_a_superuser_cannot_sign_in_through_the_identity_provider(client, idp, mappings):
    get_user_model().objects.create_superuser("j.jansen", "j.jansen@gemeente.test", "pw")

    response, hops = sign_in(client)

    assert hops[-1].startswith("/inloggen/")
    assert "Inloggen met uw gemeenteaccount is niet gelukt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_identity_provider_only_when_configured(client, idp, settings, owner):
    assert "Inloggen met uw gemeenteaccount" in client.get("/inloggen/").content.decode()
    # Local accounts keep working next to the identity provider.
    response = client.post("/inloggen/", {"username": "anouk", "password": "pw-anouk"})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == owner.pk
    client.logout()

    settings.OIDC_RP_CLIENT_ID = ""
    assert "Inloggen met uw gemeenteaccount" not in client.get("/inloggen/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.post("/inloggen/", {"username": "anouk", "password": "pw-anouk"}).status_code == 302

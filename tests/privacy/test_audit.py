"""The audit trail: reads of case, company, callback and attachment pages, and KCC look-ups, without the
searched phone number or e-mail address in clear."""

import pytest
from django.urls import reverse

from intake import normalise
from teams import audit
from teams.audit import Action, AuditEvent
from tests.role_world import build_world


@pytest.fixture
def world(teams, topics, owner):
    return build_world(teams, topics, owner)


def _events(user):
    return [
        (e.action, e.object_type, e.object_id) for e in AuditEvent.objects.filter(user=user).order_by("pk")
    ]


@pytest.mark.django_db
def test_opening_pages_and_downloading_an_attachment_are_recorded(client, world, owner):
    client.force_login(owner)
    objects = world.objects
    assert client.get(reverse("casework:case-detail", args=[objects["case"]])).status_code == 200
    assert client.get(reverse("companies:company-detail", args=[objects["company"]])).status_code == 200
    assert client.get(reverse("followup:callback-detail", args=[objects["callback"]])).status_code == 200
    assert client.get(reverse("casework:attachment", args=[objects["attachment"]])).status_code == 200
    assert _events(owner) == [
        (Action.VIEW, "intake.case", str(objects["case"])),
        (Action.VIEW, "intake.company", str(objects["company"])),
        (Action.VIEW, "followup.callbackrequest", str(objects["callback"])),
        (Action.DOWNLOAD, "intake.attachment", str(objects["attachment"])),
    ]
    assert AuditEvent.objects.get(object_type="intake.case").username == owner.username


@pytest.mark.django_db
def test_a_page_the_user_may_not_see_is_not_recorded_as_read(client, world):
    department = world.users["department"]
    client.force_login(department)
    assert client.get(reverse("casework:case-detail", args=[world.objects["case"]])).status_code == 404
    assert (
        client.get(reverse("followup:callback-detail", args=[world.objects["callback"]])).status_code == 404
    )
    assert _events(department) == []


@pytest.mark.django_db
def test_a_kcc_lookup_by_phone_is_recorded_masked_and_fingerprinted(client, world):
    agent = world.users["kcc"]
    client.force_login(agent)
    assert client.get(reverse("kcc:workstation"), {"zoek": "06-12345678"}).status_code == 200
    event = AuditEvent.objects.get(user=agent, action=Action.LOOKUP)
    assert "12345678" not in event.detail and "0612345678" not in event.detail
    assert event.detail.startswith("found=") and "telefoon" in event.detail
    # The same number typed differently gives the same fingerprint: "who looked up this number" is findable.
    assert f"#{audit.fingerprint('+31 6 1234 5678')}" in event.detail
    client.get(reverse("kcc:workstation"), {"zoek": "Marco@Cafe.test"})
    email_event = AuditEvent.objects.filter(user=agent, action=Action.LOOKUP).latest("pk")
    assert (
        "marco" not in email_event.detail.lower()
        and audit.fingerprint("marco@cafe.test") in email_event.detail
    )


def test_the_audit_search_key_uses_the_same_phone_rule_as_intake():
    for typed in ("06-12345678", "+31 6 12345678", "010 123 4567", "0031 20 1234567"):
        assert audit.search_key(typed) == normalise.phone_e164(typed)


@pytest.mark.django_db
def test_the_functional_administrator_filters_the_trail(client, verified_superuser, owner, kcc_agent):
    other = kcc_agent
    audit.record(user=owner, action=Action.VIEW, object_type="intake.case", object_id=7)
    audit.record(user=other, action=Action.VIEW, object_type="intake.case", object_id=8)
    response = client.get(reverse("privacy:audit"), {"user": owner.pk, "action": "view", "object_id": "7"})
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [(e.user, e.object_id) for e in page] == [(owner, "7")]

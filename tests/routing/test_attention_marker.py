""" "Vraagt uw aandacht" is kept on each hand-off (Handoff.asks_attention) by routing.services: the marker always
says what the rule (routing.selectors.asks_attention) says, and the case list's tile, filter and row marks, the
case page and closing all read it."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from casework.views import dashboard_counts
from intake import services as intake
from intake.models import Case, Resolution
from routing import selectors
from routing import services as routing
from routing.models import Handoff
from tests.factories import submit_case

pytestmark = pytest.mark.django_db


def hand_off(teams, owner, case=None, slugs=("vergunningen", "belastingen")):
    case = case or submit_case().case
    return routing.case_hand_off(
        case=case, requests={teams[s]: "Graag uw antwoord" for s in slugs}, actor=owner
    )


def by_rule() -> dict[int, bool]:
    """The rule applied from scratch to every hand-off."""
    result = {}
    for case in Case.objects.prefetch_related("handoffs"):
        handoffs = list(case.handoffs.all())
        for h in handoffs:
            result[h.pk] = selectors.asks_attention(h, handoffs, case_open=case.is_open)
    return result


def markers() -> dict[int, bool]:
    return dict(Handoff.objects.values_list("pk", "asks_attention"))


def asking(case) -> list[int]:
    return list(case.handoffs.filter(asks_attention=True).order_by("pk").values_list("pk", flat=True))


def test_a_return_followed_up_by_a_new_handoff_stops_asking(teams, owner, belastingen_member):
    _verg, bel = hand_off(teams, owner)
    case = bel.case
    routing.handoff_return(handoff=bel, actor=belastingen_member, reason="Hoort bij Omgeving")
    assert asking(case) == [bel.pk] and markers() == by_rule()
    assert selectors.attention_case_ids() == [case.pk]
    hand_off(teams, owner, case=Case.objects.get(pk=case.pk), slugs=("omgeving",))
    assert asking(case) == [] and markers() == by_rule()
    assert selectors.attention_case_ids() == [] and selectors.unfinished_handoffs(case) != []


def test_an_ask_back_answered_stops_asking(teams, owner, vergunningen_member):
    verg, _bel = hand_off(teams, owner)
    routing.handoff_request_information(handoff=verg, actor=vergunningen_member, question="Welk adres?")
    assert asking(verg.case) == [verg.pk]
    routing.handoff_provide_information(handoff=verg, actor=owner, body="Markt 1")
    assert asking(verg.case) == [] and markers() == by_rule()


def test_a_closed_case_never_asks_and_a_reopened_one_asks_again(teams, owner, belastingen_member):
    verg, bel = hand_off(teams, owner)
    routing.handoff_return(handoff=bel, actor=belastingen_member, reason="Niet van ons")
    case = Case.objects.get(pk=bel.case_id)
    routing.case_close_cancelled(
        case=case, actor=owner, resolution=Resolution.WITHDRAWN, reason="Ingetrokken", override_reason="Belde"
    )
    assert Handoff.objects.get(pk=verg.pk).status == Handoff.Status.WITHDRAWN
    assert asking(case) == [] and markers() == by_rule()
    assert dashboard_counts(owner)["attention"] == 0
    intake.case_reopen(case=Case.objects.get(pk=case.pk), actor=owner, reason="Toch nog een vraag")
    assert asking(case) == [bel.pk] and markers() == by_rule()  # the return was never followed up
    assert dashboard_counts(owner)["attention"] == 1


def test_counts_filter_and_marks_agree_with_the_rule(
    client, teams, owner, vergunningen_member, belastingen_member
):
    asks, _ = hand_off(teams, owner)
    _, returned = hand_off(teams, owner, case=submit_case(email="b@b.test", kvk_number="22222222").case)
    quiet, followed = hand_off(teams, owner, case=submit_case(email="c@c.test", kvk_number="33333333").case)
    routing.handoff_request_information(handoff=asks, actor=vergunningen_member, question="?")
    routing.handoff_return(handoff=returned, actor=belastingen_member, reason="Niet van ons")
    routing.handoff_return(handoff=followed, actor=belastingen_member, reason="Niet van ons")
    hand_off(teams, owner, case=Case.objects.get(pk=followed.case_id), slugs=("omgeving",))
    assert markers() == by_rule()
    expected = {asks.case_id, returned.case_id}
    assert dashboard_counts(owner)["attention"] == 2
    assert set(selectors.attention_case_ids()) == expected
    assert set(Case.objects.filter(selectors.needs_attention_q()).values_list("pk", flat=True)) == expected
    assert {c.pk for c in selectors.with_attention(Case.objects.all()) if c.needs_attention} == expected
    marked = selectors.mark_attention(list(Case.objects.all()))
    assert {c.pk for c in marked if c.needs_attention} == expected
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[quiet.case_id])).content.decode()
    assert "Vraagt uw aandacht" not in page


def test_the_migration_fills_the_marker_by_the_rule(teams, owner, vergunningen_member, belastingen_member):
    asks, _ = hand_off(teams, owner)
    _, returned = hand_off(teams, owner, case=submit_case(email="b@b.test", kvk_number="22222222").case)
    _, followed = hand_off(teams, owner, case=submit_case(email="c@c.test", kvk_number="33333333").case)
    routing.handoff_request_information(handoff=asks, actor=vergunningen_member, question="?")
    routing.handoff_return(handoff=returned, actor=belastingen_member, reason="Niet van ons")
    routing.handoff_return(handoff=followed, actor=belastingen_member, reason="Niet van ons")
    hand_off(teams, owner, case=Case.objects.get(pk=followed.case_id), slugs=("omgeving",))
    kept = markers()
    Handoff.objects.update(asks_attention=False)
    migration = importlib.import_module("routing.migrations.0004_handoff_asks_attention")
    migration.fill_asks_attention(django_apps, None)
    assert markers() == kept == by_rule() and sum(kept.values()) == 2

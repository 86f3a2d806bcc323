"""The router: explicit topic, ordered rules, classifier with threshold and split, corrections, retraining."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from intake.models import Case
from routing import services as routing
from routing.catalogue import import_catalogue
from routing.models import ClassifierModel, Handoff, LabelledExample, RoutingRule
from routing.router import reset_classifier_cache
from routing.training import retrain
from teams.models import Topic
from tests.factories import submit_case


def route(question, **kwargs):
    case = submit_case(question=question, **kwargs).case
    return routing.route_case(case=case)


def test_explicit_topic_wins(catalogue, active_model):
    precario = (
        Topic.objects.get(slug="precariobelasting")
        if Topic.objects.filter(slug="precariobelasting").exists()
        else Topic.objects.filter(team__slug="belastingen").first()
    )
    case = route("Ik wil een terras", topic=precario)
    assert case.topic == precario and case.proposed_team.slug == "belastingen"
    assert "gekozen" in case.routing_reason


def test_rules_are_tried_in_order_and_the_first_match_wins(catalogue, active_model, teams):
    markt = Topic.objects.filter(team__slug="markt").first()
    parkeren = Topic.objects.filter(team__slug="parkeren").first()
    RoutingRule.objects.create(position=20, name="later", phrases="foodtruck", topic=parkeren)
    RoutingRule.objects.create(position=10, name="eerst", phrases="foodtruck\nfood truck", topic=markt)
    RoutingRule.objects.create(
        position=5, name="alleen telefoon", phrases="foodtruck", topic=parkeren, channel="phone"
    )
    case = route("Waar mag mijn foodtruck staan?")
    assert case.proposed_team.slug == "markt"
    assert case.routing_reason == "regel 10: “foodtruck”"
    phoned = route("Waar mag mijn foodtruck staan?", channel="phone", email="b@t.test")
    assert phoned.proposed_team.slug == "parkeren"


def test_rule_on_sbi_sector(catalogue, active_model, teams):
    from intake.models import Company

    horeca = Topic.objects.filter(team__slug="vergunningen").first()
    RoutingRule.objects.create(
        position=1, name="horeca", sbi_prefix="56", team=teams["vergunningen"], topic=horeca
    )
    Company.objects.create(kvk_number="56565656", name="Eetcafé", sbi_codes="5610, 5630")
    assert route("Een vraag", kvk_number="56565656").proposed_team.slug == "vergunningen"


def test_classifier_routes_confident_questions_with_a_readable_reason(catalogue, active_model):
    case = route("Wanneer krijg ik de aanslag reclamebelasting en hoe hoog is die?")
    assert case.proposed_team.slug == "belastingen"
    assert re.fullmatch(r"classificatie [01]\.\d\d", case.routing_reason)
    assert not case.needs_triage and case.topic is not None
    assert len(case.routing_suggestions) >= 3
    assert case.history.filter(routing_reason__startswith="classificatie").exists()


def test_below_the_threshold_the_case_waits_for_triage_with_suggestions(
    catalogue, active_model, settings, client, owner
):
    settings.ROUTING_AUTO_THRESHOLD = 1.01  # nothing is confident enough
    case = route("Ik heb een vraag over mijn bedrijf")
    assert case.needs_triage and case.proposed_team is None and case.topic is None
    assert [s["p"] for s in case.routing_suggestions[:3]] == sorted(
        [s["p"] for s in case.routing_suggestions[:3]], reverse=True
    )
    client.force_login(owner)
    listing = client.get(reverse("casework:case-list"), {"triage": "true"}).content.decode()
    assert case.reference in listing
    page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert case.routing_suggestions[0]["topic_name"] in page


def test_auto_send_hands_off_above_the_threshold(catalogue, active_model, settings):
    settings.ROUTING_AUTO_SEND = True
    case = route("Hoe vraag ik een terrasvergunning aan voor mijn restaurant?")
    handoff = Handoff.objects.get(case=case)
    assert handoff.team.slug == "vergunningen"
    assert Case.objects.get(pk=case.pk).status == "waiting_department"


def test_a_split_question_proposes_extra_teams_and_hands_off_in_one_step(
    catalogue, active_model, settings, client, owner
):
    settings.ROUTING_SPLIT_THRESHOLD = 0.0001  # any second team counts as likely needed
    case = route("Ik wil een terras plaatsen en moet ik daar precariobelasting voor betalen?")
    split = [s for s in case.routing_suggestions if s.get("split")]
    assert split, case.routing_suggestions
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[case.pk]))
    initial = {t.slug for t in page.context["handoff_form"].initial["teams"]}
    assert case.proposed_team.slug in initial and split[0]["team"] in initial
    routing.case_hand_off(
        case=case, teams=list(page.context["handoff_form"].initial["teams"]), request_text="?", actor=owner
    )
    assert Handoff.objects.filter(case=case).count() == len(initial)


def test_topic_correction_is_recorded_as_a_labelled_example(catalogue, active_model, owner):
    case = route("Wanneer krijg ik de aanslag reclamebelasting?")
    other = Topic.objects.filter(team__slug="omgeving").exclude(pk=case.topic_id).first()
    routing.case_correct_topic(case=case, topic=other, actor=owner)
    example = LabelledExample.objects.get()
    assert example.topic == other and example.source == "correction"
    assert example.predicted_topic is not None and "reclamebelasting" in example.text
    case.refresh_from_db()
    assert case.proposed_team == other.team


def test_handing_off_to_another_team_than_proposed_is_a_correction(catalogue, active_model, owner, teams):
    case = route("Wanneer krijg ik de aanslag reclamebelasting?")
    assert case.proposed_team.slug == "belastingen"
    routing.case_hand_off(case=case, teams=[teams["omgeving"]], request_text="?", actor=owner)
    example = LabelledExample.objects.get()
    assert example.topic.team.slug == "omgeving"


def test_closing_with_the_topic_standing_confirms_it(catalogue, active_model, owner):
    case = route("Wanneer krijg ik de aanslag reclamebelasting?")
    routing.case_close_with_answer(case=case, actor=owner, body="In maart.", resolution="answered")
    assert LabelledExample.objects.get().source == "confirmation"


@pytest.fixture
def small_catalogue(teams):
    """Two topics per team (and the reclamebelasting one): enough to train in about a second."""
    from routing.catalogue import read_catalogue

    picked, per_team = [], {}
    for topic in read_catalogue():
        if per_team.get(topic["team"], 0) < 2 or "reclame" in topic["slug"]:
            picked.append(topic)
            per_team[topic["team"]] = per_team.get(topic["team"], 0) + 1
    import_catalogue(catalogue=picked, upl_products=[], upl_teams={})
    yield
    reset_classifier_cache()


def test_retraining_activates_a_model_at_least_as_good(small_catalogue):
    first = retrain()
    assert first.activated and ClassifierModel.objects.get(is_active=True).version == first.version
    second = retrain()
    assert second.activated  # same data: as good is good enough
    assert ClassifierModel.objects.filter(is_active=True).count() == 1


def test_retraining_refuses_a_worse_model(small_catalogue):
    from routing.training import _is_holdout

    retrain()
    active_before = ClassifierModel.objects.get(is_active=True).version
    # Held-out questions carry the right label; the training corrections are poisoned towards markt.
    markt = Topic.objects.filter(team__slug="markt").first()
    belasting = Topic.objects.get(
        slug=Topic.objects.filter(team__slug="belastingen", name__icontains="reclame").first().slug
    )
    for i in range(150):
        text = f"Wanneer komt de aanslag reclamebelasting voor mijn zaak nummer {i}?"
        topic = belasting if _is_holdout(text) else markt
        LabelledExample.objects.create(text=text, topic=topic, source="correction")

    result = retrain()

    assert result.holdout_size > 10
    assert result.new_score < result.old_score
    assert not result.activated
    assert ClassifierModel.objects.get(is_active=True).version == active_before
    assert ClassifierModel.objects.count() == 2  # kept for inspection, not active


def test_nightly_retrain_task_runs_the_same_service(small_catalogue):
    from routing.tasks import retrain_classifier

    assert retrain_classifier.apply().get()["activated"] is True


def test_import_is_idempotent(teams):
    first = import_catalogue()
    count = Topic.objects.count()
    second = import_catalogue()
    assert Topic.objects.count() == count
    assert first.created == count and second.created == 0 and second.updated == 0
    assert Topic.objects.filter(slug__startswith="upl-").exists()
    assert Topic.objects.filter(upl_uri__startswith="http").count() > 50


def test_import_command_shows_progress_and_a_summary(teams, capsys):
    call_command("import_upl")
    out = capsys.readouterr()
    assert "onderwerpen nieuw" in out.out


def test_evaluate_command_prints_the_table(catalogue, active_model, tmp_path, capsys):
    tsv = tmp_path / "eval.tsv"
    tsv.write_text(
        "question\tteam\nHoe vraag ik een terrasvergunning aan?\tvergunningen\nWanneer betaal ik precario?\tbelastingen\n"
    )
    call_command("routing_evaluate", str(tsv))
    out = capsys.readouterr().out
    for expected in ("top-1 team accuracy", "top-3 team accuracy", "auto-routed", "p95", "confusion"):
        assert expected in out


def test_evaluate_command_refuses_bad_files_in_dutch(catalogue, active_model, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.tsv"
    bad.write_text("vraag\tafdeling\nx\ty\n")
    with pytest.raises(CommandError, match="Kan"):
        call_command("routing_evaluate", str(bad))
    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("routing_evaluate", str(tmp_path / "nope.tsv"))

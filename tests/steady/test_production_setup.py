"""Issue 12: a first-time production set-up works, with exactly the README's commands on an empty database:
migrate → setup_teams → import_upl → routing_train. CI runs this test."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from routing.models import ClassifierModel
from teams.models import Team, Topic
from teams.selectors import owner_team

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "teams.example.yaml"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_readme_production_steps_on_an_empty_database():
    assert not Team.objects.exists() and not Topic.objects.exists()
    run("migrate", "--noinput")
    run("setup_teams", str(EXAMPLE))
    run("import_upl")
    run("routing_train")
    assert owner_team().slug == "economie"
    assert Topic.objects.filter(is_public=True).exists()
    assert ClassifierModel.objects.filter(is_active=True).count() == 1


def test_setup_teams_twice_gives_the_same_state(db):
    first = run("setup_teams", str(EXAMPLE))
    state = list(Team.objects.order_by("slug").values())
    second = run("setup_teams", str(EXAMPLE))
    assert list(Team.objects.order_by("slug").values()) == state
    assert "12 nieuw" in first and "0 nieuw, 0 bijgewerkt, 12 ongewijzigd" in second


def test_setup_teams_updates_a_changed_team_and_reads_json(db, tmp_path):
    run("setup_teams", str(EXAMPLE))
    teams = {"teams": [{"slug": "economie", "name": "Team Economie", "kind": "owner", "phone": "14 9999"}]}
    path = tmp_path / "teams.json"
    path.write_text(json.dumps(teams))
    out = run("setup_teams", str(path))
    assert Team.objects.get(slug="economie").phone == "14 9999"
    assert "1 bijgewerkt" in out and "Niet in het bestand, ongewijzigd gelaten: afval" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("teams: [", "is geen geldige YAML of JSON"),
        ("iets: anders", "moet een lijst “teams:” bevatten"),
        ("teams:\n  - slug: a\n    name: A\n    kind: baas", "soort “baas” bestaat niet"),
        ("teams:\n  - slug: a\n    kind: owner", "team 1 (a): “name” ontbreekt"),
        ("teams:\n  - slug: a\n    name: A\n    kind: department", "precies één actief regieteam"),
        ("teams:\n  - slug: a\n    name: A\n    kind: owner\n    colour: red", "onbekend veld colour"),
        ("teams:\n  - slug: a\n    name: A\n    kind: owner\n    email: geen-adres", "team 1 (a): email"),
        (
            "teams:\n  - {slug: a, name: A, kind: owner}\n  - {slug: a, name: B, kind: kcc}",
            "deze code staat twee keer",
        ),
    ],
)
def test_setup_teams_explains_a_bad_file_in_dutch_and_changes_nothing(db, tmp_path, content, message):
    path = tmp_path / "teams.yaml"
    path.write_text(content)
    with pytest.raises(CommandError) as error:
        run("setup_teams", str(path))
    assert message in str(error.value)
    assert not Team.objects.exists()


def test_setup_teams_says_when_the_file_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match=r"Kan .* niet lezen"):
        run("setup_teams", str(tmp_path / "bestaat-niet.yaml"))


def test_import_upl_names_every_missing_team(db):
    Team.objects.create(slug="economie", name="Team Economie", kind=Team.Kind.OWNER)
    with pytest.raises(CommandError) as error:
        run("import_upl")
    text = str(error.value)
    assert "afval, belastingen, duurzaamheid, extern, markt" in text and "setup_teams" in text
    assert not Topic.objects.exists()

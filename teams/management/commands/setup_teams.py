"""The municipality's teams from a small YAML (or JSON) file: the first step of a production set-up.

    manage.py setup_teams teams.yaml

Each team is keyed by its code (`slug`): running the command again updates the teams to what the file says and
changes nothing else, so it is safe to run on every deployment. Teams that are not in the file are left as they
are (the command names them). An example with every team the UPL import needs: docs/teams.example.yaml.
"""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import Team

FIELDS = {
    "slug",
    "name",
    "kind",
    "email",
    "phone",
    "description",
    "handoff_deadline_days",
    "callback_deadline_days",
    "is_active",
}


def read_teams(path: Path) -> list[dict]:
    """The teams in the file, checked; a CommandError in Dutch that says what to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(_("Kan %(path)s niet lezen: %(error)s") % {"path": path, "error": exc}) from exc
    except yaml.YAMLError as exc:
        raise CommandError(
            _("%(path)s is geen geldige YAML of JSON: %(error)s") % {"path": path, "error": exc}
        ) from exc
    entries = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CommandError(
            _("%(path)s moet een lijst “teams:” bevatten met minstens één team.") % {"path": path}
        )
    problems, teams, seen = [], [], set()
    kinds = {kind.value for kind in Team.Kind}
    for number, entry in enumerate(entries, start=1):
        where = _("team %(number)d") % {"number": number}
        if not isinstance(entry, dict):
            problems.append(_("%(where)s: verwacht velden als slug, name en kind.") % {"where": where})
            continue
        if entry.get("slug"):
            where = f"{where} ({entry['slug']})"
        unknown = sorted(set(entry) - FIELDS)
        if unknown:
            problems.append(
                _("%(where)s: onbekend veld %(fields)s. Toegestaan: %(allowed)s.")
                % {"where": where, "fields": ", ".join(unknown), "allowed": ", ".join(sorted(FIELDS))}
            )
        for required in ("slug", "name", "kind"):
            if not entry.get(required):
                problems.append(_("%(where)s: “%(field)s” ontbreekt.") % {"where": where, "field": required})
        if entry.get("kind") and entry["kind"] not in kinds:
            problems.append(
                _("%(where)s: soort “%(kind)s” bestaat niet; kies uit %(kinds)s.")
                % {"where": where, "kind": entry["kind"], "kinds": ", ".join(sorted(kinds))}
            )
        if entry.get("slug") in seen:
            problems.append(_("%(where)s: deze code staat twee keer in het bestand.") % {"where": where})
        seen.add(entry.get("slug"))
        team = Team(**{k: v for k, v in entry.items() if k in FIELDS and v is not None})
        try:
            team.full_clean(validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field != "kind" and (field not in ("slug", "name") or entry.get(field)):  # reported above
                    problems.append(
                        _("%(where)s: %(field)s: %(message)s")
                        % {"where": where, "field": field, "message": " ".join(messages)}
                    )
        teams.append(entry)
    owners = [t for t in teams if t.get("kind") == Team.Kind.OWNER and t.get("is_active", True)]
    if len(owners) != 1:
        problems.append(
            _("Er moet precies één actief regieteam (kind: owner) zijn; het bestand heeft er %(count)d.")
            % {"count": len(owners)}
        )
    if problems:
        raise CommandError(
            _("%(path)s is niet ingelezen; er is niets veranderd:") % {"path": path}
            + "".join(f"\n  - {problem}" for problem in problems)
        )
    return teams


class Command(BaseCommand):
    help = _("Maak de teams van de gemeente aan of werk ze bij vanuit een YAML- of JSON-bestand.")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("Pad naar het teambestand, bijvoorbeeld docs/teams.example.yaml"))

    @transaction.atomic
    def handle(self, *args, path: str, **options):
        entries = read_teams(Path(path))
        created = updated = unchanged = 0
        for entry in entries:
            values = {k: v for k, v in entry.items() if k in FIELDS - {"slug"} and v is not None}
            team = Team.objects.filter(slug=entry["slug"]).first()
            if team is None:
                Team.objects.create(slug=entry["slug"], **values)
                created += 1
            elif any(getattr(team, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(team, key, value)
                team.save()
                updated += 1
            else:
                unchanged += 1
        others = Team.objects.exclude(slug__in=[e["slug"] for e in entries]).values_list("slug", flat=True)
        if others:
            self.stdout.write(
                _("Niet in het bestand, ongewijzigd gelaten: %(teams)s.")
                % {"teams": ", ".join(sorted(others))}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Teams: %(created)d nieuw, %(updated)d bijgewerkt, %(unchanged)d ongewijzigd.")
                % {"created": created, "updated": updated, "unchanged": unchanged}
            )
        )

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from routing.catalogue import (
    CATALOGUE_PATH,
    UPL_CSV_PATH,
    UPL_TEAMS_PATH,
    CatalogueError,
    import_catalogue,
    read_catalogue,
)
from routing.upl import read_business_products
from teams.models import Team


def _check_teams(topics: list[dict], mapping: dict) -> None:
    """Every team the catalogue and the UPL mapping assign topics to must exist: name all that are missing at
    once, and how to create them, instead of failing on the first."""
    needed = {entry["team"] for entry in topics} | {m["team"] for m in mapping.values() if m.get("team")}
    needed.add("economie")  # UPL products without a mapping
    missing = sorted(needed - set(Team.objects.filter(slug__in=needed).values_list("slug", flat=True)))
    if missing:
        raise CommandError(
            _(
                "De catalogus heeft deze teams nodig, maar ze bestaan nog niet: %(missing)s. Maak ze eerst aan "
                "met: manage.py setup_teams teams.yaml (voorbeeld met alle teams: docs/teams.example.yaml)."
            )
            % {"missing": ", ".join(missing)}
        )


class Command(BaseCommand):
    help = _("Importeer de productcatalogus: de eigen onderwerpen en alle UPL-producten voor bedrijven.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(UPL_CSV_PATH), help=_("Pad naar UPL-actueel.csv"))
        parser.add_argument("--catalogue", default=str(CATALOGUE_PATH), help=_("Pad naar catalogue.json"))

    def handle(self, *args, csv: str, catalogue: str, **options):
        try:
            products = read_business_products(Path(csv))
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("Kan het UPL-bestand niet lezen (%(path)s): %(error)s") % {"path": csv, "error": exc}
            ) from exc
        try:
            topics = read_catalogue(Path(catalogue))
            mapping = json.loads(UPL_TEAMS_PATH.read_text(encoding="utf-8"))
            _check_teams(topics, mapping)
            with tqdm(
                total=len(topics) + len(products),
                desc=_("Catalogus"),
                unit=_("product"),
                disable=options["verbosity"] == 0,
            ) as bar:
                result = import_catalogue(
                    catalogue=topics, upl_products=products, upl_teams=mapping, progress=bar.update
                )
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(products)d UPL-producten gelezen: %(created)d onderwerpen nieuw, %(updated)d bijgewerkt, "
                    "%(unchanged)d ongewijzigd."
                )
                % {
                    "products": len(products),
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )

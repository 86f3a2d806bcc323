import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
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


class Command(BaseCommand):
    help = "Importeer de productcatalogus: de eigen onderwerpen en alle UPL-producten voor bedrijven."

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(UPL_CSV_PATH), help="Pad naar UPL-actueel.csv")
        parser.add_argument("--catalogue", default=str(CATALOGUE_PATH), help="Pad naar catalogue.json")

    def handle(self, *args, csv: str, catalogue: str, **options):
        try:
            products = read_business_products(Path(csv))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Kan het UPL-bestand niet lezen ({csv}): {exc}") from exc
        try:
            topics = read_catalogue(Path(catalogue))
            mapping = json.loads(UPL_TEAMS_PATH.read_text(encoding="utf-8"))
            with tqdm(
                total=len(topics) + len(products),
                desc="Catalogus",
                unit="product",
                disable=options["verbosity"] == 0,
            ) as bar:
                result = import_catalogue(
                    catalogue=topics, upl_products=products, upl_teams=mapping, progress=bar.update
                )
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(products)} UPL-producten gelezen: {result.created} onderwerpen nieuw, "
                f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd."
            )
        )

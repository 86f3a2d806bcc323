"""The topic catalogue: the curated topics in data/catalogue.json plus every municipal business product
of the national UPL list. Importing twice updates, never duplicates (topics are keyed by slug).
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from teams.models import Team, Topic

from .upl import UplProduct, read_business_products

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "catalogue.json"
UPL_TEAMS_PATH = DATA_DIR / "upl_teams.json"
UPL_CSV_PATH = DATA_DIR / "upl" / "UPL-actueel.csv"


class CatalogueError(Exception):
    """A problem with the catalogue files; the message is shown to the administrator."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def read_catalogue(path: Path = CATALOGUE_PATH) -> list[dict]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"Kan de catalogus {path} niet lezen: {exc}") from exc


def upl_slug(name: str) -> str:
    return ("upl-" + slugify(name))[:120]


def _upsert(slug: str, values: dict) -> str:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        Topic.objects.create(slug=slug, **values)
        return "created"
    changed = {k: v for k, v in values.items() if getattr(topic, k) != v}
    if not changed:
        return "unchanged"
    for key, value in changed.items():
        setattr(topic, key, value)
    topic.save()
    return "updated"


@transaction.atomic
def import_catalogue(
    *,
    catalogue: Iterable[dict] | None = None,
    upl_products: Iterable[UplProduct] | None = None,
    upl_teams: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update the curated topics, then one topic per UPL business product they do not cover."""
    catalogue = list(catalogue if catalogue is not None else read_catalogue())
    upl_products = list(upl_products if upl_products is not None else read_business_products(UPL_CSV_PATH))
    upl_teams = upl_teams if upl_teams is not None else json.loads(UPL_TEAMS_PATH.read_text(encoding="utf-8"))
    teams = {t.slug: t for t in Team.objects.all()}
    uri_by_name = {p.name: p.uri for p in upl_products}
    result = ImportResult()

    def team_for(slug: str, where: str) -> Team:
        try:
            return teams[slug]
        except KeyError as exc:
            raise CatalogueError(f"Team “{slug}” ({where}) bestaat niet. Maak het team eerst aan.") from exc

    covered: set[str] = set()
    for entry in catalogue:
        upl_names = entry.get("upl_names") or []
        covered.update(upl_names)
        referral = entry.get("referral") or {}
        first_upl = next((n for n in upl_names if n in uri_by_name), upl_names[0] if upl_names else "")
        values = {
            "name": entry["name"],
            "description": entry.get("description", ""),
            "phrasings": "\n".join(entry.get("phrasings", [])),
            "team": team_for(entry["team"], entry["slug"]),
            "answered_by_owner": bool(entry.get("answered_by_owner")),
            "deadline_days": int(entry.get("deadline_days", 10)),
            "referral_organisation": referral.get("organisation", ""),
            "referral_url": referral.get("url", ""),
            "upl_name": first_upl,
            "upl_uri": uri_by_name.get(first_upl, ""),
            "is_public": True,
            "is_active": True,
        }
        result.add(_upsert(entry["slug"], values))
        if progress:
            progress(1)
    for product in upl_products:
        if progress:
            progress(1)
        mapping = upl_teams.get(product.name)
        if product.name in covered or (mapping and mapping.get("topic")):
            continue
        team_slug = mapping["team"] if mapping else "economie"
        values = {
            "name": product.name[:1].upper() + product.name[1:],
            "upl_name": product.name,
            "upl_uri": product.uri,
            "phrasings": product.name,
            "team": team_for(team_slug, product.name),
            "is_public": False,  # the form lists the curated topics; UPL-only ones serve routing and staff
        }
        result.add(_upsert(upl_slug(product.name), values))
    return result

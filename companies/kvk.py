"""Client for the KVK Handelsregister: Zoeken (v2) and Basisprofiel (v1), as documented on developers.kvk.nl.

- GET {base}/api/v2/zoeken?kvkNummer=12345678 or ?naam=... → {"resultaten": [{"kvkNummer", "vestigingsnummer",
  "naam", "type", "adres": {"binnenlandsAdres": {"straatnaam", "huisnummer", "postcode", "plaats"}}}], ...}
- GET {base}/api/v1/basisprofielen/{kvkNummer} → {"kvkNummer", "naam", "sbiActiviteiten": [{"sbiCode",
  "sbiOmschrijving", "indHoofdactiviteit"}], "_embedded": {"hoofdvestiging": {"vestigingsnummer",
  "adressen": [{"type": "bezoekadres", "volledigAdres", "straatnaam", "huisnummer", "postcode", "plaats"}]}}}

The API key goes in the "apikey" header. Answers are cached (Django cache). When KVK cannot be reached, is
not configured or answers with an error, `KvkUnavailable` is raised with a Dutch message for the user; the
forms keep working without KVK. Standard library only (urllib), no extra dependency.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class KvkUnavailable(Exception):
    """KVK cannot answer now; str(error) is a Dutch message for the user."""


@dataclass(frozen=True)
class KvkResult:
    kvk_number: str
    name: str
    branch_number: str = ""
    kind: str = ""  # hoofdvestiging, nevenvestiging, rechtspersoon
    street: str = ""
    postcode: str = ""
    city: str = ""


@dataclass(frozen=True)
class KvkProfile:
    kvk_number: str
    name: str
    branch_number: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    sbi_codes: list[str] = field(default_factory=list)
    sbi_descriptions: list[str] = field(default_factory=list)


def _get(path: str, params: dict | None = None) -> dict | None:
    """One GET to KVK. Returns the JSON, None for 404 (not found), or raises KvkUnavailable."""
    if not settings.KVK_API_KEY:
        raise KvkUnavailable(
            _("Opzoeken in het KVK Handelsregister is niet ingesteld. Vul de gegevens zelf in.")
        )
    url = settings.KVK_API_BASE_URL + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(
        url, headers={"apikey": settings.KVK_API_KEY, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.KVK_TIMEOUT_SECONDS) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        logger.warning("KVK answered %s for %s", error.code, path)
    except (TimeoutError, urllib.error.URLError, OSError, ValueError):
        logger.warning("KVK not reachable for %s", path, exc_info=True)
    raise KvkUnavailable(
        _(
            "Het KVK Handelsregister is nu niet bereikbaar. Vul de gegevens zelf in; u kunt ze later bijwerken."
        )
    )


def _cached(key: str, fetch):
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = fetch()
    cache.set(key, value, settings.KVK_CACHE_SECONDS)
    return value


def _address(data: dict) -> dict:
    return (data.get("adres") or {}).get("binnenlandsAdres") or {}


def search(*, kvk_number: str = "", name: str = "") -> list[KvkResult]:
    """Zoeken v2 by KVK number or by name; [] when nothing is found."""
    params = {"kvkNummer": kvk_number} if kvk_number else {"naam": name.strip()}
    if not any(params.values()):
        return []

    def fetch():
        data = _get("/api/v2/zoeken", {**params, "resultatenPerPagina": 10}) or {}
        results = []
        for item in data.get("resultaten") or []:
            address = _address(item)
            street = " ".join(
                str(part) for part in (address.get("straatnaam"), address.get("huisnummer")) if part
            )
            results.append(
                asdict(
                    KvkResult(
                        kvk_number=str(item.get("kvkNummer", "")),
                        name=item.get("naam", ""),
                        branch_number=str(item.get("vestigingsnummer", "") or ""),
                        kind=item.get("type", ""),
                        street=street,
                        postcode=address.get("postcode", "") or "",
                        city=address.get("plaats", "") or "",
                    )
                )
            )
        return results

    key = "kvk:zoeken:" + urllib.parse.urlencode(sorted(params.items()))
    return [KvkResult(**row) for row in _cached(key, fetch)]


def basisprofiel(kvk_number: str) -> KvkProfile | None:
    """Basisprofiel v1 of one KVK number; None when KVK does not know it."""

    def fetch():
        data = _get(f"/api/v1/basisprofielen/{urllib.parse.quote(kvk_number)}")
        if data is None:
            return {}
        main = (data.get("_embedded") or {}).get("hoofdvestiging") or {}
        addresses = main.get("adressen") or []
        visit = next(
            (a for a in addresses if a.get("type") == "bezoekadres"), addresses[0] if addresses else {}
        )
        street = " ".join(
            str(part)
            for part in (visit.get("straatnaam"), visit.get("huisnummer"), visit.get("huisletter"))
            if part
        )
        activities = sorted(
            data.get("sbiActiviteiten") or [], key=lambda a: a.get("indHoofdactiviteit") != "Ja"
        )
        return asdict(
            KvkProfile(
                kvk_number=str(data.get("kvkNummer", kvk_number)),
                name=data.get("naam") or main.get("eersteHandelsnaam", ""),
                branch_number=str(main.get("vestigingsnummer", "") or ""),
                address=street or visit.get("volledigAdres", ""),
                postcode=visit.get("postcode", "") or "",
                city=visit.get("plaats", "") or "",
                sbi_codes=[str(a.get("sbiCode", "")) for a in activities if a.get("sbiCode")],
                sbi_descriptions=[a.get("sbiOmschrijving", "") for a in activities if a.get("sbiCode")],
            )
        )

    row = _cached(f"kvk:basisprofiel:{kvk_number}", fetch)
    return KvkProfile(**row) if row else None

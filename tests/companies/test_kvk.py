"""The KVK client against a local HTTP server serving KVK's documented JSON shapes. No test uses the internet."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.urls import reverse

from companies import kvk
from intake.models import Company

ZOEKEN = {
    "pagina": 1,
    "resultatenPerPagina": 10,
    "totaal": 1,
    "resultaten": [
        {
            "kvkNummer": "69599084",
            "vestigingsnummer": "000038509490",
            "naam": "Café De Leeuw",
            "adres": {
                "binnenlandsAdres": {
                    "type": "bezoekadres",
                    "straatnaam": "Marktplein",
                    "huisnummer": 12,
                    "postcode": "1234AB",
                    "plaats": "Voorbeeldstad",
                }
            },
            "type": "hoofdvestiging",
            "_links": {"basisprofiel": {"href": "https://api.kvk.nl/test/api/v1/basisprofielen/69599084"}},
        }
    ],
    "_links": {"self": {"href": "https://api.kvk.nl/test/api/v2/zoeken?naam=leeuw"}},
}
BASISPROFIEL = {
    "kvkNummer": "69599084",
    "indNonMailing": "Nee",
    "naam": "Café De Leeuw B.V.",
    "formeleRegistratiedatum": "20170501",
    "totaalWerkzamePersonen": 6,
    "handelsnamen": [{"naam": "Café De Leeuw", "volgorde": 1}],
    "sbiActiviteiten": [
        {"sbiCode": "5630", "sbiOmschrijving": "Cafés", "indHoofdactiviteit": "Ja"},
        {"sbiCode": "5610", "sbiOmschrijving": "Restaurants", "indHoofdactiviteit": "Nee"},
    ],
    "_embedded": {
        "hoofdvestiging": {
            "vestigingsnummer": "000038509490",
            "kvkNummer": "69599084",
            "eersteHandelsnaam": "Café De Leeuw",
            "adressen": [
                {
                    "type": "bezoekadres",
                    "indAfgeschermd": "Nee",
                    "volledigAdres": "Marktplein 12 1234AB Voorbeeldstad",
                    "straatnaam": "Marktplein",
                    "huisnummer": 12,
                    "postcode": "1234AB",
                    "plaats": "Voorbeeldstad",
                    "land": "Nederland",
                }
            ],
        }
    },
}


class KvkStub(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        KvkStub.requests.append((self.path, self.headers.get("apikey")))
        if KvkStub.mode == "slow":
            time.sleep(1.0)
        if KvkStub.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        if self.path.startswith("/api/v2/zoeken"):
            body = ZOEKEN
        elif self.path == "/api/v1/basisprofielen/69599084":
            body = BASISPROFIEL
        else:
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"fout": [{"code": "IPD0004", "omschrijving": "Niet gevonden"}]}')
            return
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.wfile.write(payload)


@pytest.fixture
def kvk_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), KvkStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KVK_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.KVK_API_KEY = "test-key"
    settings.KVK_TIMEOUT_SECONDS = 0.3
    KvkStub.mode, KvkStub.requests = "ok", []
    cache.clear()
    yield KvkStub
    server.shutdown()
    server.server_close()
    cache.clear()


def test_zoeken_by_name(kvk_server):
    results = kvk.search(name="leeuw")
    assert results == [
        kvk.KvkResult(
            kvk_number="69599084",
            name="Café De Leeuw",
            branch_number="000038509490",
            kind="hoofdvestiging",
            street="Marktplein 12",
            postcode="1234AB",
            city="Voorbeeldstad",
        )
    ]
    path, key = kvk_server.requests[0]
    assert path.startswith("/api/v2/zoeken?naam=leeuw") and key == "test-key"


def test_basisprofiel_and_caching(kvk_server):
    profile = kvk.basisprofiel("69599084")
    assert profile.name == "Café De Leeuw B.V."
    assert profile.sbi_codes == ["5630", "5610"]  # main activity first
    assert (profile.address, profile.postcode, profile.city) == ("Marktplein 12", "1234AB", "Voorbeeldstad")
    assert profile.branch_number == "000038509490"
    kvk.basisprofiel("69599084")
    assert len(kvk_server.requests) == 1  # second time from the cache


def test_unknown_number_is_none(kvk_server):
    assert kvk.basisprofiel("11111111") is None


def test_timeout_and_server_error_raise_a_dutch_message(kvk_server):
    kvk_server.mode = "slow"
    with pytest.raises(kvk.KvkUnavailable, match="niet bereikbaar"):
        kvk.basisprofiel("69599084")
    kvk_server.mode = "error"
    with pytest.raises(kvk.KvkUnavailable, match="niet bereikbaar"):
        kvk.search(kvk_number="69599084")
    kvk_server.mode = "ok"
    assert kvk.basisprofiel("69599084") is not None  # failures are not cached


def test_not_configured(settings):
    settings.KVK_API_KEY = ""
    with pytest.raises(kvk.KvkUnavailable, match="niet ingesteld"):
        kvk.search(name="x")


def test_new_company_form_is_filled_from_kvk(kvk_server, client, owner):
    client.force_login(owner)
    response = client.get(reverse("companies:company-new"), {"kvk-query": "69599084"})
    page = response.content.decode()
    assert 'value="Café De Leeuw B.V."' in page and 'value="5630, 5610"' in page


def test_form_keeps_working_when_kvk_is_down(kvk_server, client, owner):
    kvk_server.mode = "error"
    client.force_login(owner)
    response = client.get(reverse("companies:company-new"), {"kvk-query": "69599084"})
    assert response.status_code == 200
    assert "niet bereikbaar" in response.content.decode()
    response = client.post(
        reverse("companies:company-new"), {"name": "Café De Leeuw", "kvk_number": "69599084"}
    )
    assert response.status_code == 302
    assert Company.objects.get(kvk_number="69599084").name == "Café De Leeuw"


def test_refresh_company_from_kvk(kvk_server, client, owner):
    company = Company.objects.create(kvk_number="69599084", name="De Leeuw")
    client.force_login(owner)
    client.post(reverse("companies:company-kvk", args=[company.pk]))
    company.refresh_from_db()
    assert company.name == "Café De Leeuw B.V." and company.sbi_codes == "5630, 5610"
    assert company.postcode == "1234 AB" and company.kvk_checked_at is not None

"""Issue 16: closed contact moments pushed to Open Klant through the outbox, checked against the real schema.

The fake Open Klant runs on 127.0.0.1 and validates every request body against the request schema of the
Klantinteracties API (../shared/data/openklant/klantinteracties-openapi.yaml, release 2.18.0) with jsonschema:
OpenAPI 3.0's `nullable` becomes `null` in a type union, and read-only properties are not required in a request.
"""

import contextlib
import copy
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings as django_settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from api import events
from intake import outbox
from intake.outbox import OutboxMessage
from routing import services as routing
from tests.factories import submit_case

from .receiver import Receiver

SPEC_FILE = (
    Path(django_settings.BASE_DIR).parent / "shared" / "data" / "openklant" / "klantinteracties-openapi.yaml"
)
PREFIX = "/klantinteracties/api/v1"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SPEC_FILE.exists(), reason="shared/data/openklant is not next to the project"),
]


def _for_requests(node):
    """OpenAPI 3.0 schema → JSON Schema for a request body."""
    if isinstance(node, list):
        return [_for_requests(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_requests(value) for key, value in node.items()}
    properties = node.get("properties", {})
    if isinstance(node.get("required"), list):
        node["required"] = [name for name in node["required"] if not properties.get(name, {}).get("readOnly")]
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


class FakeOpenKlant:
    def __init__(self):
        spec = yaml.safe_load(SPEC_FILE.read_text())
        self.spec = _for_requests(copy.deepcopy(spec))
        registry = Registry().with_resource("urn:openklant", Resource.from_contents(self.spec, DRAFT4))
        self.validators = {}
        for path, operations in spec["paths"].items():
            post = operations.get("post")
            if post and "{" not in path:
                ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                self.validators[PREFIX + path] = jsonschema.Draft4Validator(
                    {"$ref": "urn:openklant" + ref},
                    registry=registry,
                    format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
                )
        self.created: list[tuple[str, dict]] = []
        self.invalid: list[str] = []
        self.fail_after: int | None = None

    def handle(self, handler, body: bytes):
        if handler.headers.get("Authorization") != "Token test-token":
            return 401, {"detail": "token"}
        if self.fail_after is not None and len(self.created) >= self.fail_after:
            return 503, {"detail": "onderhoud"}
        validator = self.validators.get(handler.path)
        if validator is None:
            self.invalid.append(f"unknown path {handler.path}")
            return 404, {}
        data = json.loads(body)
        errors = [
            f"{handler.path}: {e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(data)
        ]
        if errors:
            self.invalid += errors
            return 400, {"invalidParams": errors}
        self.created.append((handler.path.removeprefix(PREFIX), data))
        new = str(uuid.uuid4())
        return 201, {"uuid": new, "url": f"http://openklant.test{handler.path}/{new}"}


def _closed_case(owner, teams):
    case = submit_case(email="sanne@dehoek.test").case
    handoff = routing.case_hand_off(
        case=case, actor=owner, teams=[teams["vergunningen"]], request_text="Mag dit?"
    )[0]
    routing.handoff_answer(handoff=handoff, actor=owner, answer="Ja.")
    routing.case_close_with_answer(
        case=case, actor=owner, body="U mag een terras plaatsen.", resolution="answered"
    )
    return case


def _deliver_openklant():
    OutboxMessage.objects.filter(channel="openklant", status="queued").update(
        next_attempt_at="2000-01-01T00:00Z"
    )
    for pk in OutboxMessage.objects.filter(channel="openklant", status="queued").values_list("pk", flat=True):
        with contextlib.suppress(Exception):  # a failed attempt: queued again with backoff
            outbox.deliver(pk)


def test_closed_case_is_pushed_valid_and_once_despite_an_outage(settings, owner, teams, topics):
    fake = FakeOpenKlant()
    with Receiver(handle=fake.handle) as server:
        settings.OPENKLANT_URL = server.url + PREFIX
        settings.OPENKLANT_TOKEN = "test-token"
        case = _closed_case(owner, teams)
        events.pump()
        events.pump()
        row = OutboxMessage.objects.get(channel="openklant")
        assert row.case_id == case.pk
        fake.fail_after = 3  # Open Klant goes down halfway through the push
        _deliver_openklant()
        row.refresh_from_db()
        assert row.status == "queued" and len(row.meta["done"]) == 3
        fake.fail_after = None  # and comes back: the push continues where it stopped
        _deliver_openklant()
        row.refresh_from_db()
        assert row.status == "sent"
        _deliver_openklant()
    assert fake.invalid == []
    resources = [path for path, _body in fake.created]
    assert resources.count("/klantcontacten") == 2  # the question and the answer
    assert resources.count("/betrokkenen") == 2
    assert resources.count("/digitaleadressen") == 1
    assert resources.count("/onderwerpobjecten") == 2
    assert resources.count("/internetaken") == 1
    question = next(body for path, body in fake.created if path == "/klantcontacten")
    assert question["metadata"]["voordeurKenmerk"] == case.reference
    assert question["taal"] == "nld"
    task = next(body for path, body in fake.created if path == "/internetaken")
    assert task["status"] == "verwerkt"


def test_nothing_is_queued_without_openklant_settings(settings, owner, teams, topics):
    settings.OPENKLANT_URL = ""
    _closed_case(owner, teams)
    events.pump()
    assert not OutboxMessage.objects.filter(channel="openklant").exists()


def test_the_fake_refuses_what_open_klant_would_refuse():
    fake = FakeOpenKlant()
    validator = fake.validators[PREFIX + "/klantcontacten"]
    assert not list(
        validator.iter_errors({"kanaal": "telefoon", "onderwerp": "x", "taal": "nld", "vertrouwelijk": False})
    )
    assert list(validator.iter_errors({"onderwerp": "x", "taal": "nld", "vertrouwelijk": False}))  # no kanaal
    assert list(
        validator.iter_errors({"kanaal": "t", "onderwerp": "x" * 201, "taal": "nld", "vertrouwelijk": False})
    )

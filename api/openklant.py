"""Pushing a closed case's contact moments to Open Klant (Klantinteracties API), through the outbox.

The mapping is in docs/openklant-mapping.md. When a case closes (answered, referred, cancelled) and
OPENKLANT_URL and OPENKLANT_TOKEN are set, the event pump queues one outbox row (channel "openklant") with the
case as plain data (`case_payload`). The sender (`send`) makes the calls in order and records each created
resource's uuid on the row, so a retry after an outage continues where it stopped and creates nothing twice.
"""

import requests
from django.conf import settings

from followup.models import CallbackRequest
from intake.models import Case, Message
from intake.outbox import OutboxMessage
from routing.models import Handoff

CONTACT_MOMENTS = [Message.Kind.QUESTION, Message.Kind.REPLY, Message.Kind.INFO_REQUEST, Message.Kind.ANSWER]
FROM_ENTREPRENEUR = {Message.Kind.QUESTION, Message.Kind.REPLY}
KANAAL = {
    "web": "webformulier",
    "phone": "telefoon",
    "email": "e-mail",
    "counter": "balie",
    "api": "webformulier",
}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def case_payload(case: Case) -> dict:
    """Everything the push needs, as JSON-ready data, read once when the row is queued."""
    case = Case.objects.select_related("contact", "company").get(pk=case.pk)
    contact, company = case.contact, case.company
    subject = (case.subject or case.question)[:200]
    contacts = []
    for message in case.messages.filter(is_public=True, kind__in=CONTACT_MOMENTS).order_by(
        "created_at", "pk"
    ):
        from_entrepreneur = message.kind in FROM_ENTREPRENEUR
        contacts.append(
            {
                "key": f"m{message.pk}",
                "klantcontact": {
                    "kanaal": KANAAL.get(case.channel, case.channel)[:50],
                    "onderwerp": subject,
                    "inhoud": message.text[:1000],
                    "indicatieContactGelukt": True,
                    "taal": "nld",
                    "vertrouwelijk": False,
                    "plaatsgevondenOp": _iso(message.created_at),
                    "metadata": {"voordeurKenmerk": case.reference, "voordeurSoort": message.kind},
                },
                "betrokkene": {
                    "rol": "klant",
                    "initiator": from_entrepreneur,
                    "organisatienaam": (company.name if company else "")[:200],
                    "contactnaam": {"achternaam": contact.name[:200]},
                },
                "digitaleAdressen": [
                    {"adres": value[:80], "soortDigitaalAdres": kind, "isStandaardAdres": True}
                    for value, kind in ((contact.email, "email"), (contact.phone, "telefoonnummer"))
                    if value
                ]
                if message.kind == Message.Kind.QUESTION
                else [],
            }
        )
    tasks = [
        {
            "key": f"h{h.pk}",
            "gevraagdeHandeling": f"Uitzetting naar {h.team.name}: {h.request_text}"[:200],
            "toelichting": (h.answer or h.return_reason or "")[:1000],
            "status": "te_verwerken" if h.is_open else "verwerkt",
            "afgehandeldOp": _iso(h.closed_at),
        }
        for h in Handoff.objects.filter(case=case).select_related("team").order_by("pk")
    ] + [
        {
            "key": f"c{cb.pk}",
            "gevraagdeHandeling": f"Terugbellen: {cb.subject}"[:200],
            "toelichting": "",
            "status": "te_verwerken" if cb.status == CallbackRequest.Status.OPEN else "verwerkt",
            "afgehandeldOp": _iso(getattr(cb, "closed_at", None)),
        }
        for cb in CallbackRequest.objects.filter(case=case).order_by("pk")
    ]
    return {
        "case": case.reference,
        "onderwerpobjectidentificator": {
            "objectId": case.reference,
            "codeObjecttype": "ondernemersvraag",
            "codeRegister": "voordeur",
            "codeSoortObjectId": "kenmerk",
        },
        "contacts": contacts,
        "internetaken": tasks,
    }


class OpenKlantError(Exception):
    pass


def send(row: OutboxMessage) -> None:
    """The outbox's sender for channel "openklant": the calls in order, each uuid kept on the row."""
    import json

    payload = json.loads(row.body_text)
    done: dict = dict((row.meta or {}).get("done", {}))
    base = (row.url or settings.OPENKLANT_URL).rstrip("/")
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Token {settings.OPENKLANT_TOKEN}", "Accept": "application/json"}
    )

    def create(step: str, resource: str, body: dict) -> str:
        if step in done:
            return done[step]
        response = session.post(f"{base}/{resource}", json=body, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
        if response.status_code != 201:
            raise OpenKlantError(f"{resource}: HTTP {response.status_code} {response.text[:200]}")
        done[step] = response.json()["uuid"]
        OutboxMessage.objects.filter(pk=row.pk).update(meta={**(row.meta or {}), "done": done})
        return done[step]

    first = None
    for contact in payload["contacts"]:
        klantcontact = create(f"{contact['key']}:klantcontact", "klantcontacten", contact["klantcontact"])
        first = first or klantcontact
        betrokkene = create(
            f"{contact['key']}:betrokkene",
            "betrokkenen",
            {**contact["betrokkene"], "hadKlantcontact": {"uuid": klantcontact}, "wasPartij": None},
        )
        for index, address in enumerate(contact["digitaleAdressen"]):
            create(
                f"{contact['key']}:adres{index}",
                "digitaleadressen",
                {**address, "verstrektDoorBetrokkene": {"uuid": betrokkene}, "verstrektDoorPartij": None},
            )
        create(
            f"{contact['key']}:onderwerpobject",
            "onderwerpobjecten",
            {
                "klantcontact": {"uuid": klantcontact},
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": payload["onderwerpobjectidentificator"],
            },
        )
    if first is None:
        return
    for task in payload["internetaken"]:
        body = {k: v for k, v in task.items() if k != "key"}
        create(
            f"{task['key']}:internetaak",
            "internetaken",
            {**body, "aanleidinggevendKlantcontact": {"uuid": first}},
        )

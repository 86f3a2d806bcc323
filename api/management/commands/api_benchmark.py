"""`manage.py api_benchmark`: req/s and p95 of the API's create-case and list-hand-offs next to the web form's
POST, in one run, in a throw-away test database (created and dropped by the command; the real one is not
touched).

Requests go through Django's test client, in this process, one at a time: the numbers are the application's
and the database's cost per request without network, server workers or TLS (a gunicorn in front adds its
own overhead and parallelism; on 2 cores the test client gives the steadier comparison).
"""

import statistics
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import setup_test_environment, teardown_test_environment


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark the API (create case, list hand-offs) against the web form's POST."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="requests per operation (default 200)")
        parser.add_argument("--handoffs", type=int, default=200, help="hand-offs in the listed team's inbox")

    def handle(self, *args, requests=200, handoffs=200, **options):
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            with override_settings(RATELIMIT_ENABLE=False, CELERY_TASK_ALWAYS_EAGER=True):
                rows = self._run(requests, handoffs)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        self.stdout.write(f"{'operation':<38} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for name, times in rows:
            total = sum(times)
            self.stdout.write(
                f"{name:<38} {len(times):>5} {len(times) / total:>8.1f} "
                f"{statistics.median(times) * 1000:>8.1f} {_percentile(times, 95) * 1000:>8.1f}"
            )
        self.stdout.write("(Django test client, in-process, sequential; throw-away test database)")

    def _run(self, requests: int, handoffs: int):
        from api import services as api_services
        from intake.services import case_submit
        from routing import services as routing
        from routing.catalogue import import_catalogue
        from teams.models import Membership, Team

        economie = Team.objects.create(
            slug="economie", name="Team Economie", kind=Team.Kind.OWNER, email="e@x.test"
        )
        Team.objects.create(slug="kcc", name="KCC", kind=Team.Kind.KCC)
        for slug in (
            "vergunningen",
            "belastingen",
            "omgeving",
            "duurzaamheid",
            "zelfstandigen",
            "werkgevers",
        ):
            Team.objects.get_or_create(
                slug=slug, defaults={"name": slug.title(), "kind": Team.Kind.DEPARTMENT}
            )
        for slug in ("markt", "parkeren", "afval", "extern"):
            Team.objects.get_or_create(
                slug=slug, defaults={"name": slug.title(), "kind": Team.Kind.DEPARTMENT}
            )
        import_catalogue()
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.create_user("bench-owner", email="o@x.test")
        Membership.objects.create(user=owner, team=economie, role=Membership.Role.COORDINATOR)
        vergunningen = Team.objects.get(slug="vergunningen")
        for i in range(handoffs):
            case = case_submit(
                question=f"Vraag {i} over een terras", contact_name="Bench", email=f"b{i}@x.test"
            ).case
            routing.case_hand_off(case=case, actor=owner, teams=[vergunningen], request_text="Graag")
        creator = api_services.client_create(name="Bench", contact_email="b@x.test", scopes=["cases:create"])
        department = api_services.client_create(
            name="Bench dept", contact_email="d@x.test", scopes=["handoffs:vergunningen"]
        )
        for issued in (creator, department):
            issued.client.rate_limit = "1000000/minute"
            issued.client.save(update_fields=["rate_limit"])
        api = Client(HTTP_AUTHORIZATION=f"Bearer {creator.token}")
        dept = Client(HTTP_AUTHORIZATION=f"Bearer {department.token}")
        web = Client()
        question = {
            "question": "Ik wil een terras bij mijn café. Welke vergunning heb ik nodig?",
            "contact_name": "Sanne de Vries",
            "email": "sanne@dehoek.test",
            "preferred_contact": "email",
            "consent": True,
        }

        def api_create(i):
            response = api.post(
                "/api/v1/cases/",
                question,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            )
            assert response.status_code == 201, response.content

        def api_list(i):
            response = dept.get("/api/v1/handoffs/?open=true&page_size=25")
            assert response.status_code == 200, response.content

        def web_post(i):
            response = web.post("/vraag/", {**question, "consent": "on", "submission_key": uuid.uuid4().hex})
            assert response.status_code == 302, response.content[:500]

        operations = [
            ("web form POST /vraag/", web_post),
            ("API POST /api/v1/cases/", api_create),
            (f"API GET /api/v1/handoffs/ ({handoffs} open)", api_list),
        ]
        for _name, call in operations:
            for i in range(5):  # warm-up
                call(i)
        # Interleaved, so every operation sees the same database (the cases created so far).
        times: dict[str, list[float]] = {name: [] for name, _call in operations}
        for i in range(requests):
            for name, call in operations:
                started = time.perf_counter()
                call(i)
                times[name].append(time.perf_counter() - started)
        results = list(times.items())
        return results

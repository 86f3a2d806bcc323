"""Measure knowledge search and company lookup the way the KCC screen uses them.

    python manage.py kcc_benchmark [--articles 5000] [--companies 100000] [--repeat 20]

Seeds (in bulk, once; marked "bench") up to the given number of published articles and companies with a
contact each, then times search and lookup and prints p50/p95 per operation. Run it on PostgreSQL; on SQLite
the search fallback scans in Python and is not meant for 5,000 articles.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection

from intake.models import Company, Contact
from intake.selectors import lookup
from knowledge import selectors as knowledge_selectors
from knowledge.demo import ARTICLES
from knowledge.models import KnowledgeArticle
from knowledge.services import articles_bulk_create
from routing import selectors as routing_selectors
from teams.access import StaffRoles
from teams.models import Team, Topic

SEARCHES = [
    "terras bij mijn cafe",
    "terasvergunning",
    "evenementenvergunning",
    "vergunning voor een evenement",
    "mijn woz waarde is veel te hoog",
    "ik wil iemand met een arbeidsbeperking in dienst nemen",
    "foodtruck neerzetten op het plein",
    "hoe laat mag mijn winkel op zondag open",
    "zonnepanelen op het dak van mijn loods",
    "ik heb schulden met mijn zaak",
]
WORDS = [
    "bakkerij",
    "kapsalon",
    "garage",
    "café",
    "restaurant",
    "studio",
    "advies",
    "bouw",
    "installatie",
    "transport",
    "schilder",
    "tuin",
    "zorg",
    "praktijk",
    "winkel",
    "mode",
    "fiets",
    "techniek",
    "media",
    "design",
    "bloemen",
    "slagerij",
    "hotel",
    "ijssalon",
]
PLACES = [
    "Noord",
    "Zuid",
    "Oost",
    "West",
    "Centrum",
    "Haven",
    "Dorp",
    "Molen",
    "Brug",
    "Plein",
    "Markt",
    "Dijk",
]


class FakeStaff:
    """A KCC user for timing selectors without database writes."""

    is_authenticated = True
    is_active = True
    pk = None
    _voordeur_roles = StaffRoles(
        is_owner=True, is_kcc=True, is_coordinator=False, department_team_ids=frozenset()
    )


class Command(BaseCommand):
    help = "Seed 5,000 articles and 100,000 companies (bulk, once) and print p50/p95 of search and lookup."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=5000)
        parser.add_argument("--companies", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, **options):
        rng = random.Random(5)
        self._seed_articles(options["articles"], rng)
        self._seed_companies(options["companies"], rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        user = FakeStaff()
        sample = list(
            Contact.objects.filter(company__name__startswith="bench ")
            .select_related("company")
            .order_by("?")[: options["repeat"]]
        )
        results = []
        results.append(
            self._time(
                "zoeken kennisbank (zonder router)",
                options["repeat"],
                SEARCHES,
                lambda q: knowledge_selectors.search(q, topic_boost=[]),
            )
        )
        results.append(
            self._time(
                "zoeken kennisbank + routersuggestie",
                options["repeat"],
                SEARCHES,
                lambda q: knowledge_selectors.search(
                    q,
                    topic_boost=[(h.topic.slug, h.probability) for h in routing_selectors.router_hints(q)],
                ),
            )
        )
        lookups = {
            "bedrijf op KVK-nummer": [c.company.kvk_number for c in sample],
            "bedrijf op naam (deel)": [c.company.name.split(" ", 2)[2] for c in sample],
            "contact op e-mail": [c.email for c in sample],
            "contact op telefoon": [c.phone.replace("+31", "0") for c in sample],
            "bedrijf op postcode": [c.company.postcode.replace(" ", "") for c in sample],
        }
        for label, queries in lookups.items():
            results.append(self._time(label, 1, queries, lambda q: lookup(user, q)))
        self.stdout.write("")
        self.stdout.write(
            f"Database: {connection.vendor}; artikelen: {KnowledgeArticle.objects.count()}; "
            f"bedrijven: {Company.objects.count()}; contactpersonen: {Contact.objects.count()}"
        )
        self.stdout.write(f"{'operatie':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for label, timings in results:
            p50 = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 20 else max(timings)
            self.stdout.write(f"{label:<40} {len(timings):>5} {p50:>8.1f} {p95:>8.1f} {max(timings):>8.1f}")

    def _time(self, label, repeat, queries, run):
        run(queries[0])  # warm up (router model, caches)
        timings = []
        for _ in range(repeat):
            for query in queries:
                start = time.perf_counter()
                result = run(query)
                list(result)
                timings.append((time.perf_counter() - start) * 1000)
        return label, timings

    def _seed_articles(self, target, rng):
        existing = KnowledgeArticle.objects.count()
        if existing >= target:
            return
        topics = list(Topic.objects.filter(is_active=True).select_related("team"))
        if not topics:
            self.stderr.write("Geen onderwerpen: draai eerst `manage.py import_upl`.")
            raise SystemExit(1)
        by_slug = {t.slug: t for t in topics}
        owner = Team.objects.filter(kind=Team.Kind.OWNER).first()
        articles = []
        for i in range(target - existing):
            base = ARTICLES[i % len(ARTICLES)]
            topic = by_slug.get(base[0]) if i < len(ARTICLES) else rng.choice(topics)
            topic = topic or rng.choice(topics)
            extra = " ".join(rng.sample(WORDS, 3))
            articles.append(
                KnowledgeArticle(
                    topic=topic,
                    title=f"{base[1]} – {topic.name} ({extra}) bench {i}",
                    keywords=f"{base[2]}, {topic.name.lower()}, {extra}",
                    public_answer=base[3] + " " + (topic.description or ""),
                    internal_notes=base[4],
                    owner_team=topic.team if topic.team.kind != Team.Kind.EXTERNAL else owner,
                    status=KnowledgeArticle.Status.PUBLISHED,
                )
            )
        articles_bulk_create(articles)
        self.stdout.write(f"{len(articles)} artikelen aangemaakt.")

    def _seed_companies(self, target, rng, batch=5000):
        existing = Company.objects.count()
        todo = target - existing
        if todo <= 0:
            return
        start = 90_000_000 + existing
        made = 0
        while made < todo:
            size = min(batch, todo - made)
            companies = []
            for n in range(start + made, start + made + size):
                postcode = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                companies.append(
                    Company(
                        kvk_number=str(n),
                        name=f"bench {n} {rng.choice(WORDS).title()} {rng.choice(PLACES)} {n % 9973}",
                        sbi_codes=rng.choice(["5630", "5610", "4711", "4771", "9602", "4120", "6201"]),
                        address=f"{rng.choice(PLACES)}straat {rng.randint(1, 200)}",
                        postcode=postcode,
                        city="Voorbeeldstad",
                    )
                )
            Company.objects.bulk_create(companies, batch_size=batch)
            created = Company.objects.filter(kvk_number__in=[c.kvk_number for c in companies]).values_list(
                "pk", "kvk_number"
            )
            Contact.objects.bulk_create(
                [
                    Contact(
                        company_id=pk,
                        name=f"Contact {kvk}",
                        email=f"info{kvk}@bench.test",
                        phone=f"+316{int(kvk) % 100_000_000:08d}",
                    )
                    for pk, kvk in created
                ],
                batch_size=batch,
            )
            made += size
            self.stdout.write(f"{existing + made} bedrijven…")

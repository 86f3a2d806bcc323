"""Demo data: teams, a user per role, the catalogue, a trained router and a dozen cases in every state.

Cases are made through the real services, so their timelines, hand-offs and e-mails are what users would see.
Running it again changes nothing: it stops when the database already has cases.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext

import mail
from demo import companies as kcc_demo
from demo import history as demo_history
from followup.sweep import sweep
from intake import services as intake
from intake.models import Case, Company
from knowledge import demo as knowledge_demo
from routing import services as routing
from routing.models import RoutingRule
from teams.deadlines import get_calendar
from teams.models import ClosingDay, Membership, Team, Topic

DEMO_PASSWORD = "voordeur-demo"

TEAMS = [
    ("economie", "Team Economie", Team.Kind.OWNER, "economie@gemeente.example", "14 0123 (keuze 1)", 5),
    ("kcc", "Klantcontactcentrum (KCC)", Team.Kind.KCC, "kcc@gemeente.example", "14 0123", 1),
    (
        "vergunningen",
        "Vergunningen APV en bijzondere wetten",
        Team.Kind.DEPARTMENT,
        "vergunningen@gemeente.example",
        "030 123 4501",
        5,
    ),
    ("omgeving", "Omgeving en Bouwen", Team.Kind.DEPARTMENT, "omgeving@gemeente.example", "030 123 4502", 5),
    ("belastingen", "Belastingen", Team.Kind.DEPARTMENT, "belastingen@gemeente.example", "030 123 4503", 5),
    (
        "duurzaamheid",
        "Duurzaamheid en Energie",
        Team.Kind.DEPARTMENT,
        "duurzaam@gemeente.example",
        "030 123 4504",
        5,
    ),
    (
        "zelfstandigen",
        "Zelfstandigenloket (Bbz)",
        Team.Kind.DEPARTMENT,
        "zelfstandigen@gemeente.example",
        "030 123 4505",
        3,
    ),
    ("werkgevers", "Werkgeversservicepunt", Team.Kind.DEPARTMENT, "wsp@gemeente.example", "030 123 4506", 3),
    ("markt", "Markten en Standplaatsen", Team.Kind.DEPARTMENT, "markt@gemeente.example", "030 123 4507", 5),
    (
        "parkeren",
        "Parkeren en Mobiliteit",
        Team.Kind.DEPARTMENT,
        "parkeren@gemeente.example",
        "030 123 4508",
        5,
    ),
    ("afval", "Afval en Reiniging", Team.Kind.DEPARTMENT, "afval@gemeente.example", "030 123 4509", 5),
    ("extern", "Andere organisaties (doorverwijzen)", Team.Kind.EXTERNAL, "", "", 5),
]

USERS = [
    # username, first, last, team, role
    ("anouk", "Anouk", "de Vries", "economie", Membership.Role.COORDINATOR),
    ("jeroen", "Jeroen", "Bakker", "economie", Membership.Role.MEMBER),
    ("fatima", "Fatima", "El Amrani", "kcc", Membership.Role.MEMBER),
    ("pieter", "Pieter", "Jansen", "vergunningen", Membership.Role.MEMBER),
    ("sanne", "Sanne", "Visser", "omgeving", Membership.Role.MEMBER),
    ("mohamed", "Mohamed", "Yilmaz", "belastingen", Membership.Role.MEMBER),
    ("lotte", "Lotte", "Smit", "duurzaamheid", Membership.Role.MEMBER),
    ("kees", "Kees", "Mulder", "zelfstandigen", Membership.Role.MEMBER),
    ("ingrid", "Ingrid", "de Boer", "werkgevers", Membership.Role.MEMBER),
    ("ruud", "Ruud", "Bos", "markt", Membership.Role.MEMBER),
    ("esther", "Esther", "Peters", "parkeren", Membership.Role.MEMBER),
    ("bram", "Bram", "Hendriks", "afval", Membership.Role.MEMBER),
]

QUESTIONS = [
    # (company, kvk, contact, email, phone, subject, question, topic slug or None)
    (
        "Café De Gouden Leeuw",
        "12345678",
        "Marco van Dijk",
        "marco@goudenleeuw.example",
        "0612345678",
        "Terras voor mijn café",
        "Ik wil deze zomer een terras voor mijn café op de Markt. Welke vergunning heb ik nodig en moet ik daar ook belasting voor betalen?",
        None,
    ),
    (
        "Bakkerij Vers",
        "23456789",
        "Ellen Kok",
        "ellen@bakkerijvers.example",
        "",
        "",
        "Mijn WOZ-waarde van de winkel is veel te hoog vastgesteld. Hoe maak ik bezwaar?",
        None,
    ),
    (
        "Fietsenmaker Rondje",
        "34567890",
        "Hassan Ouali",
        "hassan@rondje.example",
        "0687654321",
        "Reclamebord",
        "Mag ik een lichtbak met mijn logo aan de gevel van mijn winkel hangen?",
        None,
    ),
    (
        "Kapsalon Knip",
        "45678901",
        "Yvonne Schouten",
        "yvonne@knip.example",
        "",
        "Personeel",
        "Ik zoek een leerling-kapper. Kan de gemeente helpen met loonkostensubsidie?",
        None,
    ),
    (
        "Installatiebedrijf Warmte BV",
        "56789012",
        "Dennis Vos",
        "dennis@warmte.example",
        "0301234567",
        "",
        "Ons kantoor moet energielabel C hebben. Hoe weet ik of dat voor ons geldt?",
        None,
    ),
    (
        "Foodtruck Smaakmaker",
        "67890123",
        "Laura Prins",
        "laura@smaakmaker.example",
        "",
        "Standplaats",
        "Ik wil met mijn foodtruck op vrijdag op het plein staan. Hoe vraag ik een standplaats aan?",
        None,
    ),
    (
        "Drukkerij Letter",
        "78901234",
        "Gert Blom",
        "gert@letter.example",
        "",
        "",
        "Wij hebben veel papierafval. Kan de gemeente ons bedrijfsafval ophalen?",
        None,
    ),
    (
        "Eetcafé Het Hoekje",
        "89012345",
        "Sevda Kaya",
        "sevda@hethoekje.example",
        "0611223344",
        "Schulden",
        "Door de hoge energierekening kan ik mijn huur niet meer betalen. Waar kan ik hulp krijgen?",
        None,
    ),
    (
        "Bouwbedrijf Stevig",
        "90123456",
        "Frank Meijer",
        "frank@stevig.example",
        "",
        "Laden en lossen",
        "Onze vrachtwagen moet in de binnenstad leveren buiten de venstertijden. Kan dat?",
        None,
    ),
    (
        "Start-up Groen",
        "",
        "Noor Hamdi",
        "noor@groen.example",
        "",
        "Starten",
        "Ik wil een bedrijf beginnen in duurzame verpakkingen. Waar moet ik beginnen en zijn er startersregelingen?",
        None,
    ),
    (
        "Bloemenkiosk Roos",
        "11223344",
        "Ria Jansen",
        "",
        "0612121212",
        "Evenement",
        "Wij organiseren in september een straatfeest met muziek. Welke vergunning hebben we nodig?",
        None,
    ),
    (
        "Webshop Handig",
        "22334455",
        "Tim de Graaf",
        "tim@handig.example",
        "",
        "BTW",
        "Hoe doe ik mijn btw-aangifte voor mijn webshop?",
        None,
    ),
]


DEMO_MAIL = Path(mail.__file__).resolve().parent / "demo"


class Command(BaseCommand):
    help = "Vul de database met demogegevens: teams, gebruikers, catalogus, model en een dozijn vragen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook zonder DEBUG: maakt gebruikers met het openbare demowachtwoord aan.",
        )

    def handle(self, *args, **options):
        # The demo users share a password that is printed in the README: never on a production system by accident.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                gettext(
                    "seed_demo maakt gebruikers aan met een openbaar wachtwoord en draait daarom alleen als DEBUG aan staat (zoals bij make demo). Weet u zeker dat dit geen productiesysteem is? Gebruik dan --force."
                )
            )
        if Case.objects.exists():
            self.stdout.write("Er staan al vragen in de database; demogegevens niet opnieuw geladen.")
            self._print_users()
            return
        # The demo's own e-mails go to memory, not to the console: the outbox still records them as sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._teams_and_users()
            call_command("import_upl", verbosity=options["verbosity"])
            self._rules()
            call_command("routing_train", force=True, verbosity=options["verbosity"])
            self._cases()
            # The e-mail channel without a mail server: the shipped example messages (mail/demo/*.eml).
            call_command("mail_fetch", url=str(DEMO_MAIL), keep=True, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Demogegevens geladen."))
        self._print_users()

    @transaction.atomic
    def _teams_and_users(self):
        User = get_user_model()
        teams = {}
        for slug, name, kind, email, phone, days in TEAMS:
            teams[slug], _ = Team.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "email": email,
                    "phone": phone,
                    "handoff_deadline_days": days,
                },
            )
        for username, first, last, team, role in USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@gemeente.example"},
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.get_or_create(user=user, team=teams[team], defaults={"role": role})
        admin, _ = User.objects.get_or_create(
            username="beheer",
            defaults={
                "first_name": "Functioneel",
                "last_name": "Beheer",
                "email": "beheer@gemeente.example",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        year = timezone.localdate().year
        ClosingDay.objects.get_or_create(
            date=timezone.datetime(year, 12, 24).date(), defaults={"name": "Kerstavond (gemeentehuis dicht)"}
        )
        ClosingDay.objects.get_or_create(
            date=timezone.datetime(year, 12, 31).date(),
            defaults={"name": "Oudejaarsdag (gemeentehuis dicht)"},
        )

    def _rules(self):
        markt = Topic.objects.filter(team__slug="markt").order_by("pk").first()
        if markt:
            RoutingRule.objects.get_or_create(
                name="Foodtrucks naar markten",
                defaults={"position": 10, "phrases": "foodtruck\nfood truck", "topic": markt},
            )

    def _cases(self):
        User = get_user_model()
        users = {u.username: u for u in User.objects.all()}
        jeroen, anouk, fatima = users["jeroen"], users["anouk"], users["fatima"]
        Company.objects.filter(kvk_number="12345678")
        cases = []
        for i, (company, kvk, contact, email, phone, subject, question, topic) in enumerate(QUESTIONS):
            channel = "phone" if i in (7, 10) else "web"
            submitted = intake.case_submit(
                question=question,
                subject=subject,
                topic=Topic.objects.filter(slug=topic).first() if topic else None,
                company_name=company,
                kvk_number=kvk,
                contact_name=contact,
                email=email,
                phone=("+31" + phone[1:]) if phone else "",
                preferred_contact="email" if email else "phone",
                channel=channel,
                created_by=fatima if channel == "phone" else None,
            )
            routing.route_case(case=submitted.case)
            cases.append(Case.objects.get(pk=submitted.case.pk))
        teams = {t.slug: t for t in Team.objects.all()}

        # 0: terras: split over vergunningen and belastingen, both answered, final answer sent.
        c = cases[0]
        h1, h2 = routing.case_hand_off(
            case=c,
            teams=[teams["vergunningen"], teams["belastingen"]],
            request_text="Welke vergunning is nodig voor een terras op de Markt en wat kost precario?",
            actor=jeroen,
        )
        routing.handoff_claim(handoff=h1, actor=users["pieter"])
        routing.handoff_answer(
            handoff=h1,
            actor=users["pieter"],
            answer="Terrasvergunning nodig; aanvragen via het omgevingsloket, 8 weken.",
        )
        routing.handoff_answer(
            handoff=h2,
            actor=users["mohamed"],
            answer="Precario: € 32 per m² per jaar, aanslag volgt in het voorjaar.",
        )
        routing.case_close_with_answer(
            case=Case.objects.get(pk=c.pk),
            actor=jeroen,
            resolution="answered",
            body="U heeft een terrasvergunning nodig (aanvragen duurt ongeveer 8 weken). Voor het terras betaalt u precariobelasting van € 32 per m² per jaar.",
        )
        # 1: WOZ: with belastingen, claimed.
        h = routing.case_hand_off(
            case=cases[1],
            teams=[teams["belastingen"]],
            request_text="Ondernemer wil bezwaar tegen WOZ-waarde winkelpand. Graag uitleg over termijn en procedure.",
            actor=jeroen,
        )[0]
        routing.handoff_claim(handoff=h, actor=users["mohamed"])
        # 2: reclame: waiting for the entrepreneur.
        intake.case_request_information(
            case=cases[2],
            actor=anouk,
            body="Kunt u een foto van de gevel sturen en de afmetingen van de lichtbak?",
        )
        # 3: loonkostensubsidie: open hand-off, overdue (demo: backdated).
        h = routing.case_hand_off(
            case=cases[3],
            teams=[teams["werkgevers"]],
            request_text="Kan de ondernemer loonkostensubsidie krijgen voor een leerling?",
            actor=jeroen,
        )[0]
        self._backdate(cases[3], handoff=h, working_days=12)
        # 4: energielabel: owner works on it.
        intake.case_take_ownership(case=cases[4], actor=anouk)
        # 5: standplaats: department asked owner for information.
        h = routing.case_hand_off(
            case=cases[5],
            teams=[teams["markt"]],
            request_text="Standplaats vrijdag op het plein voor foodtruck.",
            actor=jeroen,
        )[0]
        routing.handoff_request_information(
            handoff=h,
            actor=users["ruud"],
            question="Welke afmetingen heeft de foodtruck en is er stroom nodig?",
        )
        # 6: afval: answered by department, back with the owner to send the answer.
        h = routing.case_hand_off(
            case=cases[6],
            teams=[teams["afval"]],
            request_text="Bedrijfsafval papier ophalen: mogelijkheden?",
            actor=jeroen,
        )[0]
        routing.handoff_answer(
            handoff=h,
            actor=users["bram"],
            answer="Wij halen geen bedrijfsafval op; ondernemer moet een contract met een afvalinzamelaar sluiten. Lijst met inzamelaars bijgevoegd op de website.",
        )
        # 7: schulden: new, waits for triage; left as it came in.
        # 8: laden en lossen: returned by a wrong team.
        h = routing.case_hand_off(
            case=cases[8], teams=[teams["omgeving"]], request_text="Ontheffing venstertijden?", actor=jeroen
        )[0]
        routing.handoff_return(
            handoff=h,
            actor=users["sanne"],
            reason="Hoort bij team Parkeren en Mobiliteit (ontheffingen venstertijden).",
        )
        # 9: starter: owner answers itself.
        routing.case_close_with_answer(
            case=cases[9],
            actor=anouk,
            resolution="answered",
            body="Welkom! Plan een gratis startersgesprek met ons, en kijk op de website van de KVK voor inschrijven.",
        )
        # 10: evenement: overdue case (demo: backdated) waiting on an open hand-off to vergunningen.
        intake.case_take_ownership(case=cases[10], actor=jeroen)
        h = routing.case_hand_off(
            case=Case.objects.get(pk=cases[10].pk),
            teams=[teams["vergunningen"]],
            request_text="Straatfeest met muziek in september: welke vergunning en ontheffing geluid?",
            actor=jeroen,
        )[0]
        self._backdate(cases[10], handoff=h, working_days=15)
        # 11: btw: referred to the Belastingdienst.
        routing.case_close_with_referral(
            case=cases[11],
            actor=jeroen,
            organisation="Belastingdienst",
            url="https://www.belastingdienst.nl/",
            body="Vragen over btw-aangifte beantwoordt de Belastingdienst.",
        )
        # Company view, visits, account managers and KCC calls (issue 5), then the knowledge base.
        kcc_demo.seed()
        knowledge_demo.seed(actor=anouk)
        kcc_demo.record_unanswered_calls_as_gaps()
        # The demo has no Celery beat: run the sweep once so overdue work shows its reminders and escalations.
        sweep()
        # Six months of history (set-based) and its daily figures, so the figures dashboard has something to show.
        demo_history.seed()
        demo_history.compute_figures()

    def _backdate(self, case, *, working_days: int, handoff=None):
        """Demo only: make a case look as if it came in earlier, so overdue work shows on the dashboard."""
        calendar = get_calendar()
        start = calendar.subtract_working_days(timezone.localdate(), working_days)
        when = timezone.make_aware(
            timezone.datetime.combine(start, timezone.datetime.min.time())
        ) + timedelta(hours=10)
        Case.objects.filter(pk=case.pk).update(created_at=when, deadline=calendar.add_working_days(start, 10))
        case.messages.update(created_at=when)
        if handoff is not None:
            type(handoff).objects.filter(pk=handoff.pk).update(deadline=calendar.add_working_days(start, 5))

    def _print_users(self):
        self.stdout.write("")
        self.stdout.write(f"Demogebruikers (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        rows = [("beheer", "functioneel beheerder (Django-beheer)")] + [
            (
                u,
                f"{dict((t[0], t[1]) for t in TEAMS)[team]}{' – coördinator' if role == Membership.Role.COORDINATOR else ''}",
            )
            for u, _f, _l, team, role in USERS
        ]
        for username, description in rows:
            self.stdout.write(f"  {username:<10} {description}")
        self.stdout.write(
            f"Open {settings.SITE_URL}/ (publiek) en {settings.SITE_URL}/medewerkers/ (inloggen)."
        )

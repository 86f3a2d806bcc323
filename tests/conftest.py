"""Shared fixtures: a small municipality with a user for each role, and a trained router."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from routing.catalogue import import_catalogue, read_catalogue
from routing.classifier import TopicClassifier, examples_from_catalogue
from teams.models import Membership, Team, Topic

TEAM_SPECS = [
    ("economie", "Team Economie", Team.Kind.OWNER, "economie@gemeente.test"),
    ("kcc", "KCC", Team.Kind.KCC, "kcc@gemeente.test"),
    ("vergunningen", "Vergunningen", Team.Kind.DEPARTMENT, "vergunningen@gemeente.test"),
    ("omgeving", "Omgeving", Team.Kind.DEPARTMENT, "omgeving@gemeente.test"),
    ("belastingen", "Belastingen", Team.Kind.DEPARTMENT, "belastingen@gemeente.test"),
    ("duurzaamheid", "Duurzaamheid", Team.Kind.DEPARTMENT, "duurzaam@gemeente.test"),
    ("zelfstandigen", "Zelfstandigen", Team.Kind.DEPARTMENT, "bbz@gemeente.test"),
    ("werkgevers", "Werkgevers", Team.Kind.DEPARTMENT, "wsp@gemeente.test"),
    ("markt", "Markt", Team.Kind.DEPARTMENT, "markt@gemeente.test"),
    ("parkeren", "Parkeren", Team.Kind.DEPARTMENT, "parkeren@gemeente.test"),
    ("afval", "Afval", Team.Kind.DEPARTMENT, "afval@gemeente.test"),
    ("extern", "Extern", Team.Kind.EXTERNAL, ""),
]


def pytest_configure(config):
    """A fast password hasher: tests create many users and log in often; the real hasher is slow on purpose."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request in English (language cookie) leaves English active in the thread; the next test starts Dutch."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _outbox_publishes_again():
    """A test with a broken broker pauses publishing in this process (intake.outbox); the next test starts fresh.
    The same for the event pump's memory of whether anyone listens (api.events, kept 30 s per process)."""
    from api import events
    from intake import outbox

    outbox.resume_publishing()
    events.forget_listeners()
    yield
    outbox.resume_publishing()
    events.forget_listeners()


@pytest.fixture(autouse=True)
def _own_cache_and_no_rate_limits(settings):
    """Each test its own empty in-memory cache (in CI the cache is Redis, shared by every test and run), and the
    public form's rate limits off: tests post many questions. tests/intake/test_abuse.py switches them on."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process in tests, even with REDIS_URL set; the worker tests switch this off themselves."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def teams(db):
    return {
        slug: Team.objects.create(slug=slug, name=name, kind=kind, email=email)
        for slug, name, kind, email in TEAM_SPECS
    }


def make_user(username: str, team: Team | None = None, role: str = Membership.Role.MEMBER):
    user = get_user_model().objects.create_user(
        username=username,
        password="pw-" + username,
        email=f"{username}@gemeente.test",
        first_name=username.title(),
    )
    if team is not None:
        Membership.objects.create(user=user, team=team, role=role)
    return user


@pytest.fixture
def owner(teams):
    return make_user("anouk", teams["economie"], Membership.Role.COORDINATOR)


@pytest.fixture
def kcc_agent(teams):
    return make_user("fatima", teams["kcc"])


@pytest.fixture
def vergunningen_member(teams):
    return make_user("pieter", teams["vergunningen"])


@pytest.fixture
def belastingen_member(teams):
    return make_user("mohamed", teams["belastingen"])


@pytest.fixture
def topics(teams):
    return {
        "terras": Topic.objects.create(
            slug="terrasvergunning", name="Terrasvergunning", team=teams["vergunningen"], deadline_days=10
        ),
        "precario": Topic.objects.create(
            slug="precario", name="Precariobelasting", team=teams["belastingen"], deadline_days=5
        ),
        "starters": Topic.objects.create(
            slug="starters", name="Starten", team=teams["economie"], answered_by_owner=True
        ),
    }


@pytest.fixture(scope="session")
def trained_model_bytes():
    """Train once per test session on the curated catalogue (no database needed)."""
    return TopicClassifier(version="test").fit(examples_from_catalogue(read_catalogue())).to_bytes()


@pytest.fixture
def catalogue(teams):
    import_catalogue()
    return Topic.objects.all()


@pytest.fixture
def active_model(catalogue, trained_model_bytes):
    from routing.models import ClassifierModel
    from routing.router import reset_classifier_cache

    ClassifierModel.objects.create(version="test", is_active=True, data=trained_model_bytes)
    reset_classifier_cache()
    yield
    reset_classifier_cache()


@pytest.fixture
def verified_superuser(client, db):
    """The functional administrator ("beheer"), signed in on `client` and verified with a confirmed TOTP device,
    as after entering a code: /beheer/ requires two-factor authentication (accounts.middleware)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    superuser = get_user_model().objects.create_superuser("beheer", "beheer@gemeente.test", "pw")
    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return superuser


@pytest.fixture
def outbox_emails():
    mail.outbox = []
    return mail.outbox

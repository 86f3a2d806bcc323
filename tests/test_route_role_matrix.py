"""Every route x every role, from one explicit table (issue 10: "every path of a real day, trusted").

The routes come from the URLconf itself, so a new route without a row in EXPECTED fails this test. The table
says, for a GET with realistic arguments, what each role gets:

- 200 the page; 302 a redirect (to the login page for anonymous visitors, or onwards); 403 logged in without
  any role (the staff home explains that); 404 not for this role (a page does not confirm that something
  exists); 405 a POST-only action (a GET is refused before anything else).

The entrepreneur is an anonymous visitor with the tracking token of their own question; the anonymous visitor
gets a made-up token. The functional administrator (superuser) administers and is no case worker.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.role_world import ROLES, build_world, client_for

SKIPPED_NAMESPACES = {"admin"}  # Django's admin has tests of its own (tests/test_admin.py)
# The health endpoint answers for the load balancer, the same for everyone; what it says depends on the services
# that run (a Celery worker in production), so tests/test_hardening.py tests it with and without them.
SKIPPED_NAMES = {"health"}
# api/: the REST API has no sessions or staff roles, only clients with scopes; its routes are covered by the scope
# matrix in tests/api/test_scope_matrix.py (which fails for an API route without a row there).
SKIPPED_PREFIXES = ("i18n/", "static/", "media/", "api/")

# Which real object a route's <pk> names (<case_pk> is always the case, <token> the tracking token).
PK = {
    "casework:attachment": "attachment",
    "intake:track-attachment": "attachment",
    "companies:account-manager-photo": "profile",
    "followup:rating-reopen": "rating",
    "casework:outbox-resend": "outbox",
    "companies:visit-new": "company",  # /bedrijven/<company>/bezoek/: a new visit to that company
}
PK_BY_PREFIX = {
    "casework:case-": "case",
    "companies:company-": "company",
    "companies:visit-": "visit",
    "routing:handoff-": "handoff",
    "knowledge:": "article",
    "followup:callback-": "callback",
}

# fmt: off
#                                               anon ent  kcc  eco  ecoC dept depC admin
EXPECTED = {
    "home":                                     "200  200  200  200  200  200  200  200",
    "theme-css":                                "200  200  200  200  200  200  200  200",
    "login":                                    "200  200  200  200  200  200  200  200",
    "logout":                                   "405  405  405  405  405  405  405  405",
    # accounts: two-factor authentication, password reset (an expired link), OIDC (off in tests)
    "two-factor-verify":                        "302  302  302  302  302  302  302  302",
    "two-factor-setup":                         "302  302  200  200  200  200  200  200",
    "password_reset":                           "200  200  200  200  200  200  200  200",
    "password_reset_done":                      "200  200  200  200  200  200  200  200",
    "password_reset_confirm":                   "200  200  200  200  200  200  200  200",
    "password_reset_complete":                  "200  200  200  200  200  200  200  200",
    "oidc_authentication_init":                 "404  404  404  404  404  404  404  404",
    "oidc_authentication_callback":             "404  404  404  404  404  404  404  404",
    # intake: the public form and the tracking page (token routes)
    "intake:ask":                               "200  200  200  200  200  200  200  200",
    "intake:ask-done":                          "302  302  302  302  302  302  302  302",
    "intake:track":                             "404  200  200  200  200  200  200  200",
    "intake:track-attachment":                  "404  200  200  200  200  200  200  200",
    "followup:rate":                            "404  302  302  302  302  302  302  302",  # open case: back to tracking
    # casework: the KCC reads cases; only team economie acts as the owner
    "casework:staff-home":                      "302  302  302  302  302  302  302  403",
    "casework:case-list":                       "302  302  200  200  200  404  404  404",
    "casework:case-detail":                     "302  302  200  200  200  404  404  404",
    "casework:case-assign":                     "405  405  405  405  405  405  405  405",
    "casework:case-note":                       "405  405  405  405  405  405  405  405",
    "casework:case-request-info":               "405  405  405  405  405  405  405  405",
    "casework:case-answer":                     "405  405  405  405  405  405  405  405",
    "casework:case-refer":                      "405  405  405  405  405  405  405  405",
    "casework:case-cancel":                     "405  405  405  405  405  405  405  405",
    "casework:case-reopen":                     "405  405  405  405  405  405  405  405",
    "casework:case-set-topic":                  "405  405  405  405  405  405  405  405",
    "casework:case-hand-off":                   "405  405  405  405  405  405  405  405",
    "casework:case-confirm-kvk":                "405  405  405  405  405  405  405  405",
    "casework:case-handoff-reply":              "405  405  405  405  405  405  405  405",
    "casework:attachment":                      "302  302  200  200  200  200  200  404",
    "casework:forward":                         "302  302  200  200  200  200  200  404",
    # undelivered e-mails: team economie and the functional administrator
    "casework:outbox":                          "302  302  404  200  200  404  404  200",
    "casework:outbox-resend":                   "405  405  405  405  405  405  405  405",
    # companies: a department only through its hand-offs
    "companies:company-list":                   "302  302  200  200  200  200  200  404",
    "companies:company-new":                    "302  302  200  200  200  404  404  404",
    "companies:company-detail":                 "302  302  200  200  200  200  200  404",
    "companies:company-edit":                   "302  302  200  200  200  404  404  404",
    "companies:company-kvk":                    "405  405  405  405  405  405  405  405",
    "companies:company-note":                   "405  405  405  405  405  405  405  405",
    "companies:visit-new":                      "302  302  200  200  200  404  404  404",
    "companies:visit-list":                     "302  302  200  200  200  404  404  404",
    "companies:visit-detail":                   "302  302  200  200  200  404  404  404",
    "companies:visit-action":                   "405  405  405  405  405  405  405  405",
    "companies:account-manager-photo":          "200  200  200  200  200  200  200  200",
    # kcc: the call screen and the full intake form are for the KCC and team economie
    "kcc:workstation":                          "302  302  200  200  200  404  404  404",
    "kcc:new":                                  "302  302  200  200  200  404  404  404",
    "kcc:suggestions":                          "302  302  200  200  200  404  404  404",
    "kcc:report":                               "302  302  200  200  200  404  404  404",
    # routing: the hand-off inbox (team economie and the department the case was handed to)
    "routing:inbox":                            "302  302  404  200  200  200  200  404",
    "routing:handoff-detail":                   "302  302  404  200  200  200  200  404",
    "routing:handoff-claim":                    "405  405  405  405  405  405  405  405",
    "routing:handoff-answer":                   "405  405  405  405  405  405  405  405",
    "routing:handoff-return":                   "405  405  405  405  405  405  405  405",
    "routing:handoff-ask-owner":                "405  405  405  405  405  405  405  405",
    "routing:handoff-provide-information":      "405  405  405  405  405  405  405  405",
    # knowledge: the article is a draft of team economie (internal notes): not for departments
    "knowledge:list":                           "302  302  200  200  200  200  200  404",
    "knowledge:new":                            "302  302  200  200  200  404  404  404",
    "knowledge:gaps":                           "302  302  200  200  200  200  200  404",
    "knowledge:detail":                         "302  302  200  200  200  404  404  404",
    "knowledge:edit":                           "302  302  200  200  200  404  404  404",
    "knowledge:reviewed":                       "405  405  405  405  405  405  405  405",
    "knowledge:faq":                            "200  200  200  200  200  200  200  200",
    # followup: overviews for team economie, the KCC and coordinators; the callback is another team's
    "followup:deadlines":                       "302  302  200  200  200  404  200  404",
    "followup:callbacks":                       "302  302  200  200  200  404  200  404",
    "followup:callbacks-mine":                  "302  302  200  200  200  200  200  404",
    "followup:callback-detail":                 "302  302  200  200  200  404  404  404",
    "followup:callback-cancel":                 "405  405  405  405  405  405  405  405",
    "followup:callback-new":                    "302  302  200  200  200  200  200  404",
    "followup:waiting-decision":                "405  405  405  405  405  405  405  405",
    "followup:rating-reopen":                   "405  405  405  405  405  405  405  405",
    # reports (issue 17): figures for team economie and coordinators, results for all staff, the meeting agenda
    "reports:dashboard":                        "302  302  404  200  200  404  200  404",
    "reports:export":                           "302  302  404  200  200  404  200  404",
    "reports:monthly":                          "302  302  404  200  200  404  200  404",
    "reports:results":                          "302  302  200  200  200  200  200  404",
    "reports:story-new":                        "302  302  404  200  200  404  404  404",
    "reports:agenda":                           "302  302  404  200  200  200  200  404",
    "reports:agenda-agree":                     "405  405  405  405  405  405  405  405",
    # privacy: the functional administrator only, after two-factor verification (the world's admin has none)
    "privacy:subject":                          "302  302  404  404  404  404  404  302",
    "privacy:export":                           "405  405  405  405  405  405  405  405",
    "privacy:erase":                            "405  405  405  405  405  405  405  405",
    "privacy:audit":                            "302  302  404  404  404  404  404  302",
}
# fmt: on


def _walk(patterns, namespace="", prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            if route.startswith(SKIPPED_PREFIXES) or entry.name in SKIPPED_NAMES:
                continue
            yield f"{namespace}{entry.name}", route, list(entry.pattern.converters)


def all_routes() -> list[tuple[str, str, list[str]]]:
    return list(_walk(get_resolver().url_patterns))


def url_for(name: str, params: list[str], world, *, token: str | None = None) -> str:
    kwargs = {}
    if "uidb64" in params:  # a password-reset link: a real user, a token that is no longer valid
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(world.users["economie"].pk)),
            "token": "verlopen-link",
        }
        params = [p for p in params if p not in kwargs]
    for param in params:
        if param == "token":
            kwargs["token"] = token or world.token
        elif param == "handoff_pk":
            kwargs["handoff_pk"] = world.objects["handoff"]
        elif param == "case_pk":
            kwargs["case_pk"] = world.objects["case"]
        elif param == "pk":
            kind = PK.get(name) or next(k for p, k in PK_BY_PREFIX.items() if name.startswith(p))
            kwargs["pk"] = world.objects[kind]
        else:
            raise AssertionError(f"{name}: no realistic value for <{param}>; add one to url_for")
    return reverse(name, kwargs=kwargs)


def test_every_route_has_a_row_and_every_row_a_route():
    names = [name for name, _route, _params in all_routes()]
    assert len(names) == len(set(names)), "two routes share a name"
    missing = sorted(set(names) - set(EXPECTED))
    assert not missing, f"routes without a row in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - set(names))
    assert not stale, f"rows in EXPECTED without a route: {stale}"
    for name, codes in EXPECTED.items():
        assert len(codes.split()) == len(ROLES), name


@pytest.fixture
def world(teams, topics, owner):
    return build_world(teams, topics, owner)


@pytest.mark.django_db
def test_route_role_matrix(world):
    clients = {role: client_for(Client, world, role) for role in ROLES}
    wrong = []
    for name, _route, params in all_routes():
        if name not in EXPECTED:
            continue  # test_every_route_has_a_row_and_every_row_a_route names it
        expected = dict(zip(ROLES, (int(code) for code in EXPECTED[name].split()), strict=True))
        for role in ROLES:
            token = "dit-is-geen-echt-kenmerk" if role == "anonymous" else None
            url = url_for(name, params, world, token=token)
            status = clients[role].get(url).status_code
            if status != expected[role]:
                wrong.append(f"{name} as {role}: {status}, expected {expected[role]} ({url})")
    assert not wrong, "\n".join(wrong)

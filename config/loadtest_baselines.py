"""Bare-Django baselines for `make loadtest` (demo/management/commands/loadtest.py): the same gunicorn, middleware
and database connection as the real pages, but no application code. Mounted only when LOADTEST_BASELINES=1
(config/urls.py); never in production.
"""

from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


def bare_get(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bare_insert(request):
    """One row in a table of its own (created by the load test), in one transaction: the floor of a POST."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO loadtest_baseline (note) VALUES (%s)", [request.POST.get("note", "")[:100]]
        )
    return HttpResponse("ok", content_type="text/plain", status=201)

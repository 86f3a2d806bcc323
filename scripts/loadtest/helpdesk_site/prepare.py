"""Set up the django-helpdesk baseline's database: `python -m helpdesk_site.prepare` from scripts/loadtest/.

Migrates (django-helpdesk's migrations also load its e-mail templates) and creates the one queue that accepts
public submissions, so an anonymous visitor can submit a ticket. Prints the queue's id and the versions of
django-helpdesk and Django as one JSON line.
"""

import json
import os
from importlib.metadata import version

import django
from django.core.management import call_command


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from helpdesk.models import Queue

    queue, _ = Queue.objects.get_or_create(
        slug="public",
        defaults={"title": "Public questions", "allow_public_submission": True},
    )
    print(
        json.dumps({"queue": queue.pk, "helpdesk": version("django-helpdesk"), "django": django.__version__})
    )


if __name__ == "__main__":
    main()
